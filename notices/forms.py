"""Forms of the two admin ends. They only parse: the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notices.attachments import MAX_ATTACHMENT_BYTES
from notices.models import Notice
from qunxian.forms import BoundedDateTimeField, days_from_today

#: A notice is scheduled at most a year ahead; a policy still in force may be
#: entered with its own, older date.
PUBLISH_DAYS = days_from_today(back=5 * 365, ahead=366)


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Notice.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=[("", "—"), *Notice.Topic.choices],
        required=False,
        help_text=_("Policies are listed by topic. Notices have none."),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Plain text, or simple HTML: paragraphs, bold, italics, lists, links, "
            "headings (h3, h4), quotations and tables. Anything else is removed "
            "when saved."
        ),
    )
    attachment = forms.FileField(
        label=_("PDF attachment"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    published_at = BoundedDateTimeField(
        label=_("Publish at"),
        required=False,
        window=PUBLISH_DAYS,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        help_text=_("Empty: now. A later time keeps it hidden until then."),
    )
    pinned = forms.BooleanField(label=_("Pin to the top of the list"), required=False)

    def __init__(self, *args, notice: Notice | None = None, **kwargs):
        if notice is not None:
            kwargs["initial"] = {
                "kind": notice.kind,
                "title": notice.title,
                "topic": notice.topic,
                "body": notice.body,
                "published_at": notice.published_at,
                "pinned": notice.pinned,
                "organization": notice.organization_id,
                "venue": notice.venue_id,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.notice = notice
        # Formatted here, not at import: a lazy text % args is a str at once,
        # in whatever language was active when the module was loaded.
        self.fields["attachment"].help_text = _(
            "Optional. A PDF file of up to %(max)s MB."
        ) % {"max": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        if notice is not None:
            self.fields["published_at"].required = True
            self.fields["published_at"].keep(notice.published_at)
            self.fields["published_at"].help_text = _(
                "A later time hides it again until then."
            )
            if notice.attachment:
                self.fields["remove_attachment"] = forms.BooleanField(
                    label=_("Remove the attachment %(name)s")
                    % {"name": notice.attachment_name},
                    required=False,
                )
                self.fields["attachment"].help_text = _(
                    "Optional: a new PDF of up to %(max)s MB replaces %(name)s."
                ) % {
                    "max": MAX_ATTACHMENT_BYTES // (1024 * 1024),
                    "name": notice.attachment_name,
                }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            name: data[name]
            for name in ("kind", "title", "topic", "body", "pinned", "attachment")
        }
        kwargs["published_at"] = data["published_at"]
        if self.notice is not None:
            kwargs["remove_attachment"] = data.get("remove_attachment", False)
        return kwargs


class ManagerNoticeForm(NoticeForm):
    """For one of the manager's venues; the organisation is the venue's."""

    field_order = ["venue", "kind", "title", "topic", "body"]

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"] = forms.ModelChoiceField(
            label=_("Venue"),
            queryset=venues.select_related("organization"),
            empty_label=None if venues.count() == 1 else "—",
        )
        self.order_fields(self.field_order)

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "venue": self.cleaned_data["venue"],
            "organization": None,  # the venue's, always
        }


class ConsoleNoticeForm(NoticeForm):
    """District-wide, for any organisation. A venue's notice keeps its venue."""

    field_order = ["organization", "kind", "title", "topic", "body"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = forms.ModelChoiceField(
            label=_("Publishing organisation"),
            queryset=organizations,
        )
        if self.notice is not None and self.notice.venue_id:
            field = self.fields["organization"]
            field.disabled = True
            field.help_text = _(
                "The organisation of %(venue)s, whose notice it is."
            ) % {"venue": self.notice.venue}
        self.order_fields(self.field_order)

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "organization": self.cleaned_data["organization"],
            "venue": self.notice.venue if self.notice is not None else None,
        }
