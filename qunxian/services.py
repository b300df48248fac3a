import contextlib
import contextvars
import datetime
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qunxian import delivery
from qunxian.models import (
    AuditEntry,
    Channel,
    Delivery,
    Notification,
    NotificationKind,
    ReminderTime,
    User,
    phone_validator,
)
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
    """Inbox messages only, no e-mail or text, for writes nobody should hear of
    (the demo)."""
    token = _mail_muted.set(True)
    try:
        yield
    finally:
        _mail_muted.reset(token)


@transaction.atomic
def notify(
    *,
    user: User,
    kind: str,
    title: str,
    body: Sequence[str] = (),
    params: dict | None = None,
    note: str = "",
    url: str = "",
    key: str = "",
    calendar_url: str = "",
) -> Notification | None:
    """Put a message in the user's inbox and queue it on the channels they chose.

    `title` and each sentence of `body` are English msgids (marked with
    gettext_noop) formatted with `params`, rendered in the reader's language
    when read or sent; `note` is a person's words, shown as written. With a
    `key`, a second message of the same key to the same user is not made
    (None is returned): reminders and alerts are sent once.
    """
    if isinstance(body, str):
        raise TypeError("body is a list of msgids; a person's words go in note")
    params = dict(params or {})
    if calendar_url:
        params["calendar_url"] = calendar_url
    notification = Notification(
        user=user,
        kind=kind,
        msgid=title,
        body_msgids=list(body),
        params=params,
        note=note,
        url=url,
        key=key,
    )
    with translation.override(settings.LANGUAGE_CODE):
        title_text, notification.body = notification.render()
    notification.title = title_text[:120]
    if key:
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:  # made already, by an earlier run
            return None
    else:
        notification.save()
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            notification=notification,
            channel=channel,
            next_attempt_at=delivery.first_attempt(channel, now),
        )
        for channel in channels_for(user, kind)
    )
    if deliveries:
        transaction.on_commit(lambda: delivery.schedule(deliveries))
    return notification


def channels_for(user: User, kind: str) -> list[str]:
    """The channels besides the inbox this message goes on, as the user chose."""
    prefs = user.prefs
    if _mail_muted.get() or not user.is_active:
        return []
    if kind == NotificationKind.ALERT and prefs.digest:
        return []
    reachable = {Channel.EMAIL: bool(user.email), Channel.SMS: bool(user.phone)}
    return [channel for channel in prefs.channels(kind) if reachable[channel]]


def handlers_of(venue) -> models.QuerySet:
    """Who acts on a venue's business: its managers; the district's: the admins."""
    if venue is not None:
        return venue.managers.filter(is_active=True)
    return User.objects.filter(
        models.Q(is_superuser=True) | models.Q(groups__name=SYSTEM_ADMIN_GROUP),
        is_active=True,
    ).distinct()


def notify_handlers(*, venue, key: str = "", **message) -> int:
    """Alert everyone who handles `venue`'s business (see `notify`)."""
    sent = 0
    for user in handlers_of(venue):
        sent += bool(notify(user=user, kind=NotificationKind.ALERT, key=key, **message))
    return sent


# Reminders: the evening before at 18:00 and an hour before, as each user chose.

EVENING_AT = datetime.time(18)
HOUR_BEFORE = datetime.timedelta(hours=1)
#: How far ahead a start may be for its evening reminder to be due.
REMINDER_HORIZON = datetime.timedelta(hours=31)


def reminders_due(
    *, start: datetime.datetime, since: datetime.datetime, now: datetime.datetime
) -> list[str]:
    """The reminders of something at `start`, booked at `since`, due `now`.

    The evening one only when it was booked before that evening and the hour
    one is not due yet (it would say the same thing twice).
    """
    if now >= start:
        return []
    hour = start - HOUR_BEFORE
    if hour <= now:
        return [ReminderTime.HOUR]
    day_before = timezone.localdate(start) - datetime.timedelta(days=1)
    evening = timezone.make_aware(datetime.datetime.combine(day_before, EVENING_AT))
    if since < evening <= now:
        return [ReminderTime.EVENING]
    return []


def batches(items: Sequence, size: int = 200):
    """`items` a slice at a time: a periodic job commits once per slice, and
    its messages are queued as each slice commits."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def remind(
    *,
    user: User,
    item: str,
    start: datetime.datetime,
    since: datetime.datetime,
    now: datetime.datetime,
    **message,
) -> int:
    """Send `item`'s due reminders that `user` wants; each once only."""
    sent = 0
    for time in reminders_due(start=start, since=since, now=now):
        if time not in user.prefs.reminders:
            continue
        key = f"reminder:{item}:{time}"
        if Notification.objects.filter(user=user, key=key).exists():
            continue
        sent += bool(
            notify(user=user, kind=NotificationKind.REMINDER, key=key, **message)
        )
    return sent


# Deliveries: the periodic sweep, the console's resend, the managers' digest.


def deliveries_requeue(*, now: datetime.datetime | None = None) -> int:
    """Queue again the due deliveries that no task will send (see `lost`)."""
    now = now or timezone.now()
    stranded = [
        row for row in Delivery.objects.due(now).iterator() if delivery.lost(row)
    ]
    delivery.schedule(stranded)
    return len(stranded)


@transaction.atomic
def delivery_resend(*, delivery_row: Delivery, actor: User) -> Delivery:
    """A failed delivery tries again from the start, now."""
    if delivery_row.state != Delivery.State.FAILED:
        raise ValidationError(_("Only a failed message can be sent again."))
    delivery_row.state = Delivery.State.QUEUED
    delivery_row.attempts = 0
    delivery_row.next_attempt_at = timezone.now()
    delivery_row.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit_record(
        actor=actor,
        action="delivery.resend",
        subject=delivery_row.notification.user,
        details=f"{delivery_row.channel}: {delivery_row.notification.title}",
    )
    transaction.on_commit(lambda: delivery.schedule([delivery_row]))
    return delivery_row


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """One message a day to each manager who chose it, listing their alerts.

    It covers the alerts since their last digest (or the last day); the
    day's key keeps a second run of the day from sending it again.
    """
    now = now or timezone.now()
    sent = 0
    for user in User.objects.filter(notification_prefs__digest=True, is_active=True):
        last = (
            user.notifications.filter(kind=NotificationKind.DIGEST)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        since = last or now - datetime.timedelta(days=1)
        items = list(
            user.notifications.filter(
                kind=NotificationKind.ALERT, created_at__gt=since, created_at__lte=now
            )
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        if not items:
            continue
        sent += bool(
            notify(
                user=user,
                kind=NotificationKind.DIGEST,
                title=gettext_noop("Your daily digest: %(count)s items to handle"),
                params={"count": len(items), "items": items},
                url=reverse("inbox"),
                key=f"digest:{timezone.localdate(now):%Y-%m-%d}",
            )
        )
    return sent


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """Remember the language they use the site in, for the messages they get."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
