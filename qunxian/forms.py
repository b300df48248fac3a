"""The core's forms, and the date fields every app's forms use."""

import datetime
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunxian.models import (
    Channel,
    NotificationKind,
    NotificationPrefs,
    ReminderTime,
    User,
)
from qunxian.roles import is_system_admin, is_venue_manager

#: Returns the first and the last day allowed, both included.
Window = Callable[[], tuple[datetime.date, datetime.date]]


def days_from_today(*, back: int, ahead: int) -> Window:
    """A window from `back` days before today to `ahead` days after it."""

    def window():
        today = timezone.localdate()
        return (
            today - datetime.timedelta(days=back),
            today + datetime.timedelta(days=ahead),
        )

    return window


def local_day(value: datetime.date) -> datetime.date:
    """A date, or the day of a datetime in the current time zone."""
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


class DateWindowMixin:
    """Refuses a date, or the day of a datetime, outside a window of days.

    A far-off date is a typo, and near the ends of the calendar the date
    arithmetic behind a page overflows. The window is asked when the form is
    cleaned, so today is today; a form whose window depends on its object
    sets `window` or calls `keep` in its __init__.
    """

    default_error_messages = {
        "out_of_window": _("Pick a day between %(first)s and %(last)s."),
    }

    def __init__(self, *, window: Window, bounds_format: str = "%Y-%m-%d", **kwargs):
        self.window = window
        self.bounds_format = bounds_format
        super().__init__(**kwargs)

    def keep(self, value: datetime.date | None) -> None:
        """Also allow the day of `value`, which the edited object already has."""
        if value is None:
            return
        day, window = local_day(value), self.window

        def widened():
            first, last = window()
            return min(first, day), max(last, day)

        self.window = widened

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        first, last = self.window()
        try:
            inside = first <= local_day(value) <= last
        except OverflowError:  # e.g. 9999-12-31T23:00-05:00, past year 9999 here
            inside = False
        if not inside:
            raise forms.ValidationError(
                self.error_messages["out_of_window"],
                code="out_of_window",
                params={
                    "first": first.strftime(self.bounds_format),
                    "last": last.strftime(self.bounds_format),
                },
            )


class BoundedDateField(DateWindowMixin, forms.DateField):
    pass


class BoundedDateTimeField(DateWindowMixin, forms.DateTimeField):
    pass


class SignupExtraForm(forms.Form):
    """What allauth's sign-up asks besides the number and password."""

    display_name = forms.CharField(
        label=_("Name to show"),
        max_length=40,
        help_text=_("Shown to venue staff when you book, e.g. 王师傅."),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


#: The kinds every user chooses channels for; handlers also choose for alerts.
USER_KINDS = (
    NotificationKind.BOOKING,
    NotificationKind.REMINDER,
    NotificationKind.FEEDBACK,
    NotificationKind.ACTIVITY,
    NotificationKind.MEMBERSHIP,
    NotificationKind.VOLUNTEERING,
    NotificationKind.PROPOSAL,
)


def channels_field(label) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ProfileForm(forms.ModelForm):
    """My details, and how messages reach me (the inbox always has them)."""

    reminders = forms.MultipleChoiceField(
        label=_("Remind me of my bookings and activities"),
        choices=ReminderTime.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = ["display_name", "email", "gender", "birth_year", "profile_consent"]
        help_texts = {
            "email": _("Optional: messages you choose below are also sent here."),
            "profile_consent": _(
                "Optional. Used only to show activities meant for you first; "
                "never shown to anyone else."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance
        prefs = user.prefs
        self.kinds = list(USER_KINDS)
        if user.pk and (is_venue_manager(user) or is_system_admin(user)):
            self.kinds.append(NotificationKind.ALERT)
            self.fields["digest"] = forms.BooleanField(
                label=_("Send my alerts as one daily digest instead"),
                required=False,
                initial=prefs.digest,
                help_text=_("Each alert still arrives in your messages at once."),
            )
        for kind in self.kinds:
            self.fields[f"channels_{kind}"] = channels_field(
                NotificationKind(kind).label
            )
            self.initial.setdefault(f"channels_{kind}", prefs.channels(kind))
        self.initial.setdefault("reminders", prefs.reminders)
        self.preference_names = [f"channels_{kind}" for kind in self.kinds] + [
            "reminders",
            "digest",
        ]

    def detail_fields(self):
        return [field for field in self if field.name not in self.preference_names]

    def preference_fields(self):
        return [self[name] for name in self.preference_names if name in self.fields]

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("The birth year cannot be in the future."))
        return year

    def save(self, commit=True):
        self.instance.notification_prefs = NotificationPrefs.build(
            channels={
                kind: self.cleaned_data[f"channels_{kind}"] for kind in self.kinds
            },
            reminders=self.cleaned_data["reminders"],
            digest=self.cleaned_data.get("digest", False),
        )
        return super().save(commit=commit)


def add_service_error(form, error: ValidationError) -> None:
    """Shows a service's refusal on the form, beside the field it is about."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
