from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunxian.models import User


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


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "gender", "birth_year", "profile_consent"]
        help_texts = {
            "email": _("Optional: decisions on your bookings are also sent here."),
            "profile_consent": _(
                "Optional. Used only to show activities meant for you first; "
                "never shown to anyone else."
            ),
        }

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("The birth year cannot be in the future."))
        return year


def add_service_error(form, error: ValidationError) -> None:
    """Shows a service's refusal on the form, beside the field it is about."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
