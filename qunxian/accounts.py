"""allauth, adapted: log in with a mainland mobile number or a username.

Failed log-ins are limited by allauth (ACCOUNT_RATE_LIMITS["login_failed"]):
per client address, and per key, which here is the account whichever of its
identifiers was typed.
"""

import math
import time
from http import HTTPStatus

from allauth.account import forms as allauth_forms
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.internal.userkit import get_user_by_username
from allauth.account.utils import filter_users_by_email
from allauth.account.views import LoginView as AllauthLoginView
from allauth.core.internal import ratelimit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qunxian.models import User, phone_validator

TOO_MANY_FAILED_LOGINS = ngettext_lazy(
    "Too many failed log-ins. Try again in %(minutes)d minute.",
    "Too many failed log-ins. Try again in %(minutes)d minutes.",
    "minutes",
)


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
    def _get_login_attempts_cache_key(self, request, **credentials):
        """One counter per account, so its phone number and username share it.

        allauth keys failed log-ins by the typed text; an identifier that
        names no account still counts under that text.
        """
        user = self._account_named_by(credentials)
        if user is not None:
            return f"user:{user.pk}"
        typed = credentials.get("email") or credentials.get("username", "")
        return f"login:{typed.lower()}"

    def _account_named_by(self, credentials) -> User | None:
        # In the order the authentication backends try them.
        if username := credentials.get("username"):
            if user := get_user_by_username(username):
                return user
        if phone := credentials.get("phone"):
            if user := self.get_user_by_phone(phone):
                return user
        # A password reset clears the counter by the account's addresses.
        if email := credentials.get("email"):
            users = filter_users_by_email(email)
            if len(users) == 1:
                return users[0]
        return None

    def pre_authenticate(self, request, **credentials):
        """allauth's check; a refusal says when to try again."""
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as error:
            seconds = self._login_retry_after(request, **credentials)
            raise forms.ValidationError(
                TOO_MANY_FAILED_LOGINS,
                code="too_many_login_attempts",
                params={"minutes": math.ceil(seconds / 60), "retry_after": seconds},
            ) from error

    def _login_retry_after(self, request, **credentials) -> int:
        """Seconds until each limit that refused this log-in has room again."""
        key = self._get_login_attempts_cache_key(request, **credentials)
        now = time.time()
        waits = [1]
        for rate in ratelimit.get_rates(app="allauth.account", action="login_failed"):
            cache_key = ratelimit.get_cache_key(
                request,
                app="allauth.account",
                action="login_failed",
                rate=rate,
                key=key,
            )
            allowed, history = ratelimit.apply_rate(
                ratelimit.cache.get(cache_key, []), now, rate, dry_run=True
            )
            if not allowed:
                waits.append(history[rate.amount - 1] + rate.duration - now)
        return math.ceil(max(waits))

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


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, saying when a number already has an account.

    With enumeration prevention allauth would text the owner and show a page
    asking for a code; without an SMS gateway no code comes, so the number is
    refused here instead (sign-ups are limited per client address).
    """

    def clean(self):
        cleaned_data = super().clean()
        if self.account_already_exists:
            self.account_already_exists = False
            self.add_error("phone", get_adapter().error_messages["phone_taken"])
        return cleaned_data


class LoginView(AllauthLoginView):
    """allauth's log-in page, answering 429 while failed log-ins are limited."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        for error in form.errors.as_data().get(NON_FIELD_ERRORS, []):
            if error.code == "too_many_login_attempts" and error.params:
                response.status_code = HTTPStatus.TOO_MANY_REQUESTS
                response["Retry-After"] = str(error.params["retry_after"])
        return response
