"""allauth adapter: log in with a mainland mobile number or a username."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.utils.translation import gettext_lazy as _

from qunxian.models import User, phone_validator


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 11)
        kwargs.setdefault("validators", [phone_validator])
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(" ", "").replace("-", "").removeprefix("+86")


class AccountAdapter(DefaultAccountAdapter):
    def phone_form_field(self, **kwargs):
        kwargs.pop("label", None)
        return PhoneField(**kwargs)

    def save_user(self, request, user, form, commit=True):
        # The number must be on the row before its first save: it is required.
        user.phone = form.cleaned_data["phone"]
        return super().save_user(request, user, form, commit=commit)

    def populate_username(self, request, user):
        if not user.username:
            user.username = self.generate_unique_username([f"u{user.phone}", "user"])

    def set_phone(self, user, phone, verified):
        user.phone = phone
        if user.pk:
            user.save(update_fields=["phone"])

    def get_phone(self, user):
        return (user.phone, True) if user.phone else None

    def set_phone_verified(self, user, phone):
        """Numbers are not verified by SMS yet: nothing to record."""

    def get_user_by_phone(self, phone):
        return User.objects.filter(phone=phone).first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        raise NotImplementedError("No SMS gateway is configured.")
