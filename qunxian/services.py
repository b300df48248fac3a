import contextlib
import contextvars
from collections.abc import Iterator

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qunxian.models import AuditEntry, Notification, User, phone_validator
from qunxian.roles import SYSTEM_ADMIN_GROUP, is_system_admin


def audit_record(
    *, actor: User | None, action: str, subject: models.Model, details: str = ""
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        subject_label=str(subject)[:200],
        details=details,
    )


@transaction.atomic
def user_make_admin(*, user: User, actor: User | None) -> None:
    group, _created = Group.objects.get_or_create(name=SYSTEM_ADMIN_GROUP)
    user.groups.add(group)
    audit_record(actor=actor, action="user.make_admin", subject=user)


def _free_username(phone: str) -> str:
    # Usernames are internal (people log in with their number); keep allauth's shape.
    base = candidate = f"u{phone}"
    suffix = 1
    while User.objects.filter(username=candidate).exists():
        suffix += 1
        candidate = f"{base}_{suffix}"
    return candidate


@transaction.atomic
def user_create(
    *, phone: str, display_name: str, password: str, actor: User | None
) -> User:
    """An account made by an admin, with an initial password they hand over."""
    phone_validator(phone)
    user = User(username=_free_username(phone), phone=phone, display_name=display_name)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from error
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # the number was taken since the form checked
        raise ValidationError(
            {"phone": _("A user with this mobile number already exists.")}
        ) from error
    audit_record(actor=actor, action="user.create", subject=user, details=phone)
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> None:
    """Ends an account's access: it can no longer log in, and open sessions end."""
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_superuser or is_system_admin(user):
        raise ValidationError(_("Administrators' accounts cannot be deactivated here."))
    if not user.is_active:
        raise ValidationError(_("This account is already deactivated."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="user.deactivate", subject=user)


_mail_muted = contextvars.ContextVar("mail_muted", default=False)


@contextlib.contextmanager
def notification_mail_muted() -> Iterator[None]:
    """Inbox messages only, no e-mail, for writes nobody should hear of (the demo)."""
    token = _mail_muted.set(True)
    try:
        yield
    finally:
        _mail_muted.reset(token)


def notify(*, user: User, title: str, body: str = "", url: str = "") -> Notification:
    """Put a message in the user's inbox and, after commit, e-mail it if we can."""
    notification = Notification.objects.create(
        user=user, title=title, body=body, url=url
    )
    # Decided now, not at commit: the commit may come after the muted block.
    if user.email and not _mail_muted.get():
        transaction.on_commit(
            lambda: send_mail(
                subject=f"[{_('Qunxian e-Home')}] {title}",
                message=f"{body}\n\n{url}".strip(),
                from_email=None,
                recipient_list=[user.email],
                fail_silently=True,
            )
        )
    return notification


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
