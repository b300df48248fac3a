"""Forms of feedback: reviews and appeals (诉求), for each end."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from feedback.models import Appeal, IndexWeights, Review
from feedback.services import MAX_REVIEW_PHOTOS
from venues.images import MAX_UPLOAD_BYTES, ProcessedImage, process_image
from venues.models import Venue

# User end

IMAGE_ACCEPT = "image/*"


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files under one name; cleans to a list (empty when none)."""

    widget = MultipleImageInput

    def clean(self, data, initial=None):
        files = [f for f in data if f is not None] if data else []
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)


def _processed(upload) -> ProcessedImage:
    """process_image with the file's name in the message, whatever went wrong."""
    try:
        return process_image(upload)
    except ValidationError as error:
        raise ValidationError(
            _("%(name)s: %(problem)s"),
            code=error.code,
            params={"name": upload.name, "problem": " ".join(error.messages)},
        ) from None


class ReviewForm(forms.Form):
    """Stars, words and photos; the photos clean to `ProcessedImage`s, in memory."""

    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=Review._meta.get_field("rating").choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    text = forms.CharField(
        label=_("Your review"),
        max_length=Review._meta.get_field("text").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was good, what could be better? Up to 1000 characters."),
    )
    photos = MultipleImageField(
        label=_("Photos"),
        required=False,
        widget=MultipleImageInput(attrs={"accept": IMAGE_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Interpolated here, per request, so the text is in the user's language.
        self.fields["photos"].help_text = _(
            "Up to %(count)s photos: JPEG, PNG, WebP or GIF, up to %(max)s MB "
            "each. Location data in the files is removed."
        ) % {"count": MAX_REVIEW_PHOTOS, "max": MAX_UPLOAD_MB}

    def clean_photos(self) -> list[ProcessedImage]:
        uploads = self.cleaned_data["photos"]
        if len(uploads) > MAX_REVIEW_PHOTOS:
            raise ValidationError(
                _("At most %(count)s photos."),
                code="too_many_photos",
                params={"count": MAX_REVIEW_PHOTOS},
            )
        processed, errors = [], []
        for upload in uploads:
            try:
                processed.append(_processed(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:  # one bad file refuses them all: nothing half-stored
            raise ValidationError(errors)
        return processed


class AppealForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Appeal.Kind.choices,
        widget=forms.RadioSelect,
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.published().order_by("name", "id"),
        required=False,
        empty_label=_("No particular venue: to the district"),
        help_text=_("Leave empty to address the district."),
    )
    text = forms.CharField(
        label=_("What happened"),
        max_length=Appeal._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Where, when, what you need. Up to 2000 characters."),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _(
            "JPEG, PNG, WebP or GIF, up to %(max)s MB. Location data in the "
            "file is removed."
        ) % {"max": MAX_UPLOAD_MB}

    def clean_photo(self) -> ProcessedImage | None:
        upload = self.cleaned_data["photo"]
        return _processed(upload) if upload else None


class AppealConfirmForm(forms.Form):
    """The submitter's verdict on a resolved item: which button, and a note."""

    satisfied = forms.TypedChoiceField(
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# Admin ends


class AppealResolveForm(forms.Form):
    reply = forms.CharField(
        label=_("What was done"),
        max_length=Appeal._meta.get_field("reply").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The submitter reads this reply and says whether it settles it."),
        error_messages={"required": _("Please write what was done.")},
    )


class AppealCloseForm(forms.Form):
    """Closing an item that cannot be acted on: why, in words the submitter reads."""

    DUPLICATE, OUT_OF_SCOPE, OTHER = "duplicate", "out_of_scope", "other"
    REASONS = {
        DUPLICATE: _("Duplicate of another item"),
        OUT_OF_SCOPE: _("Outside what we can act on"),
        OTHER: _("Other reason"),
    }

    why = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=list(REASONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please give a reason.")},
    )
    note = forms.CharField(
        label=_("Explanation"),
        max_length=150,
        required=False,
        help_text=_("Needed for “Other reason”; the submitter reads it."),
    )

    def clean(self):
        cleaned = super().clean()
        why, note = cleaned.get("why"), cleaned.get("note", "").strip()
        if why == self.OTHER and not note:
            raise ValidationError(_("Please give a reason."), code="reason")
        if why:
            # Stored in the site's language, as the submitter's notices are.
            with translation.override(settings.LANGUAGE_CODE):
                label = str(self.REASONS[why]) if why != self.OTHER else ""
            cleaned["reason"] = ": ".join(part for part in (label, note) if part)
        return cleaned


class ReviewReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply from the venue"),
        max_length=Review._meta.get_field("reply").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown under the review for everyone; the author is told."),
        error_messages={"required": _("Please write a reply.")},
    )


class ReviewHideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for hiding"),
        max_length=Review._meta.get_field("hidden_reason").max_length,
        help_text=_("The author still sees the review, with this reason."),
        error_messages={"required": _("Please give a reason.")},
    )


class IndexWeightsForm(forms.ModelForm):
    """A new version of the weights, starting from the current one."""

    class Meta:
        model = IndexWeights
        fields = [
            "activity",
            "good_review",
            "handling",
            "prior_weight",
            "views",
            "navigations",
            "attended",
            "activity_attendance",
        ]
        widgets = {
            name: forms.NumberInput(attrs={"step": "any", "min": 0, "max": 1000})
            for name in fields
        }

    def clean(self):
        cleaned = super().clean()
        parts = [cleaned.get(name) for name in ("activity", "good_review", "handling")]
        if None not in parts and abs(sum(parts) - 1) > 0.001:
            raise ValidationError(
                _("The three weights must add up to 1 (they add up to %(sum)s)."),
                code="sum",
                params={"sum": f"{sum(parts):g}"},
            )
        for name, value in list(cleaned.items()):
            if value is not None and value > 1000:
                self.add_error(name, _("At most 1000."))
        return cleaned
