"""allauth, adapted: log in with a mainland mobile number or a username.

Failed log-ins are limited by allauth (ACCOUNT_RATE_LIMITS["login_failed"]):
per client address, and per key, which here is the account whichever of its
identifiers was typed.

Codes go by SMS through `qunxian.sms` at once, not through the task queue:
the person is waiting for them. Every text any flow sends counts against one
limit of ours, "send_sms", per number and per client address; the forms that
ask for a text check it first, so that a refusal is a form error.
"""

import logging
import math
import time
from http import HTTPStatus

from allauth.account import forms as allauth_forms
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.internal.flows.password_reset_by_code import (
    PasswordResetVerificationProcess,
)
from allauth.account.internal.userkit import get_user_by_username
from allauth.account.utils import filter_users_by_email
from allauth.account.views import LoginView as AllauthLoginView
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse, RateLimited
from allauth.core.internal import ratelimit
from django import forms
from django.contrib.auth import backends as auth_backends
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qunxian.context_processors import user_with_header_facts
from qunxian.models import User, phone_validator
from qunxian.sessions import user_brought_by_session
from qunxian.sms import SmsError, send_sms

logger = logging.getLogger(__name__)

TOO_MANY_FAILED_LOGINS = ngettext_lazy(
    "Too many failed log-ins. Try again in %(minutes)d minute.",
    "Too many failed log-ins. Try again in %(minutes)d minutes.",
    "minutes",
)
TOO_MANY_TEXTS_MINUTES = ngettext_lazy(
    "Too many text messages to this number or from this network. "
    "Try again in %(minutes)d minute.",
    "Too many text messages to this number or from this network. "
    "Try again in %(minutes)d minutes.",
    "minutes",
)
TOO_MANY_TEXTS_HOURS = ngettext_lazy(
    "Too many text messages to this number or from this network. "
    "Try again in %(hours)d hour.",
    "Too many text messages to this number or from this network. "
    "Try again in %(hours)d hours.",
    "hours",
)


def seconds_until_allowed(request, *, action: str, key: str) -> int:
    """Seconds until each of the action's limits has room for `key` and the
    client again; 0 when all have room now. Nothing is counted."""
    now = time.time()
    waits = [0.0]
    for rate in ratelimit.get_rates(app="allauth.account", action=action):
        cache_key = ratelimit.get_cache_key(
            request, app="allauth.account", action=action, rate=rate, key=key
        )
        allowed, history = ratelimit.apply_rate(
            ratelimit.cache.get(cache_key, []), now, rate, dry_run=True
        )
        if not allowed:
            waits.append(history[rate.amount - 1] + rate.duration - now)
    return math.ceil(max(waits))


def check_text_allowed(phone: str) -> None:
    """A form error if no text may go to `phone` from this client now."""
    seconds = seconds_until_allowed(context.request, action="send_sms", key=phone)
    if not seconds:
        return
    if seconds > 3600:
        message, params = TOO_MANY_TEXTS_HOURS, {"hours": math.ceil(seconds / 3600)}
    else:
        message, params = TOO_MANY_TEXTS_MINUTES, {"minutes": math.ceil(seconds / 60)}
    raise forms.ValidationError(message, code="too_many_texts", params=params)


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
        return max(1, seconds_until_allowed(request, action="login_failed", key=key))

    def set_password(self, user, password):
        # A new password, by a reset most often, lifts the account's log-in lock.
        super().set_password(user, password)
        ratelimit.clear(
            context.request,
            app="allauth.account",
            action="login_failed",
            key=f"user:{user.pk}",
        )

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
        user.phone_verified = verified
        if user.pk:
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user, phone):
        # A changed number is only stored once its code came back.
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone):
        return User.objects.filter(phone=phone).first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        # Log-in and reauthentication codes come with `reauthentication`;
        # a number's verification code comes without.
        template = "login_code" if "reauthentication" in kwargs else "verify_code"
        self.send_text(phone=phone, template=template, params={"code": code})

    def send_account_already_exists_sms(self, phone):
        """A sign-up answered as for a new number: only the owner learns more."""
        self.send_text(phone=phone, template="account_exists", params={})

    def send_unknown_account_sms(self, phone, **kwargs):
        """Nothing is sent, but the number's limit counts as for a sent code,
        so that the next refusal reads the same for every number."""
        self._count_text(phone)

    def send_text(self, *, phone: str, template: str, params: dict[str, str]) -> None:
        """Sends now; past our limit or if the provider fails, an error page.

        The 503 undoes the request's writes (AtomicWritesMiddleware), so a
        sign-up whose code could not go out leaves no account behind.
        """
        self._count_text(phone)
        try:
            send_sms(phone=phone, template=template, params=params)
        except SmsError as error:
            logger.warning("SMS %s to %s failed: %s", template, phone, error)
            raise ImmediateHttpResponse(
                render(
                    context.request,
                    "account/sms_failed.html",
                    status=HTTPStatus.SERVICE_UNAVAILABLE,
                )
            ) from error

    def _count_text(self, phone: str) -> None:
        request = context.request
        if not ratelimit.consume(
            request, app="allauth.account", action="send_sms", key=phone
        ):
            raise ImmediateHttpResponse(ratelimit.respond_429(request))


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, refusing a number that may get no text now.

    A number that has an account gets the same answer as a new one: allauth
    texts its owner instead of a code (ACCOUNT_PREVENT_ENUMERATION).
    """

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            try:
                check_text_allowed(cleaned_data["phone"])
            except forms.ValidationError as error:
                self.add_error("phone", error)
        return cleaned_data


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """allauth's request for a log-in code, saying when a text may go again."""

    def clean_phone(self) -> str:
        if phone := self.cleaned_data["phone"]:
            check_text_allowed(phone)
        return super().clean_phone()


class ChangePhoneForm(allauth_forms.ChangePhoneForm):
    """allauth's change of number, saying when a text may go again."""

    def clean_phone(self) -> str:
        phone = super().clean_phone()
        check_text_allowed(phone)
        return phone


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """allauth's reset by code, to a mobile number as well as to an address.

    allauth 65 mails reset codes only, and most accounts have no address.
    """

    email = None
    login = forms.CharField(
        label=_("Mobile number or e-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )

    def clean_login(self) -> str:
        login = self.cleaned_data["login"].strip()
        self.phone = None
        if "@" in login:
            validate_email(login)
            self.cleaned_data["email"] = login
            self.clean_email()  # allauth's: finds the address's accounts
        else:
            self.phone = PhoneField().clean(login)
            check_text_allowed(self.phone)
            user = get_adapter().get_user_by_phone(self.phone)
            self.users = [user] if user and user.is_active else []
        return self.phone or login

    def clean(self):
        cleaned_data = super().clean()
        # allauth's view limits resets per cleaned_data["email"].
        if "login" in cleaned_data:
            cleaned_data["email"] = cleaned_data["login"]
        return cleaned_data

    def save(self, request, **kwargs) -> str:
        if not self.phone:
            return super().save(request, **kwargs)
        PhonePasswordResetProcess.initiate(
            request=request,
            user=self.users[0] if self.users else None,
            phone=self.phone,
        )
        return self.phone


class PhonePasswordResetProcess(PasswordResetVerificationProcess):
    """allauth's password reset by code, the code sent by SMS.

    allauth's views resume the process as their own class and read the
    recipient from state["email"]: it holds the number here.
    """

    def send(self) -> None:
        phone = self.state["email"]
        adapter = get_adapter()
        if not self.user:
            adapter.send_unknown_account_sms(phone)
            return
        self.state["code"] = adapter.generate_password_reset_code()
        adapter.send_text(
            phone=phone, template="verify_code", params={"code": self.code}
        )

    @classmethod
    def initiate(cls, *, request, user, phone):
        process = cls(request, state=cls.initial_state(user, email=phone), user=user)
        process.send()
        process.persist()
        return process


class LoginView(AllauthLoginView):
    """allauth's log-in page, answering 429 while failed log-ins are limited."""

    def form_valid(self, form):
        # An unverified number is sent a code first; allauth's limit on those
        # raises instead of answering.
        try:
            return super().form_valid(form)
        except RateLimited:
            return ratelimit.respond_429(self.request)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        for error in form.errors.as_data().get(NON_FIELD_ERRORS, []):
            if error.code == "too_many_login_attempts" and error.params:
                response.status_code = HTTPStatus.TOO_MANY_REQUESTS
                response["Retry-After"] = str(error.params["retry_after"])
        return response


class _HeaderFactsMixin:
    """The signed-in user of every request comes with the header's roles and
    unread count: brought by the session's query (qunxian/sessions.py), or
    loaded with them in one query."""

    def get_user(self, user_id):
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = user_brought_by_session(pk) or user_with_header_facts(pk)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_HeaderFactsMixin, auth_backends.ModelBackend):
    """Django's log-in by username (the admin site, `force_login`)."""


class AccountBackend(_HeaderFactsMixin, AllauthBackend):
    """allauth's log-in by phone number or username."""
