"""Sending notifications by e-mail and text message: only ever in a task.

`notify` (qunxian.services) writes the inbox row and one `Delivery` row per
channel in the request's transaction, and queues a `deliver` task when it
commits. The task claims its row, sends in the reader's language, and records
the outcome; a failure is retried later (DELIVERY_RETRY_MINUTES) through a
task that waits, so a provider that is down loses nothing, and a worker that
restarts finds its rows in the database. `deliveries_requeue`, run by the
periodic job, queues again what no live task will send.
"""

import datetime
import logging
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from qunxian import sms
from qunxian.models import (
    Channel,
    Delivery,
    Notification,
    NotificationKind,
    absolute_url,
)

logger = logging.getLogger(__name__)

#: A claimed row is due again after this, in case its worker died mid-send.
LEASE = datetime.timedelta(minutes=10)
#: The quiet hours are Shanghai's, wherever the server runs.
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
#: Characters of a title a text message carries (providers cap each variable).
SMS_TITLE_LENGTH = 30

SMS_TEMPLATE_BY_KIND = {
    NotificationKind.BOOKING: "booking_update",
    NotificationKind.REMINDER: "reminder",
    NotificationKind.FEEDBACK: "feedback_reply",
    NotificationKind.ACTIVITY: "activity_news",
    NotificationKind.MEMBERSHIP: "membership_update",
    NotificationKind.VOLUNTEERING: "volunteer_update",
    NotificationKind.PROPOSAL: "proposal_update",
    NotificationKind.ALERT: "manager_alert",
    NotificationKind.DIGEST: "manager_digest",
}


class Undeliverable(Exception):
    """Retrying cannot help: the address is gone."""


def sms_allowed_from(moment: datetime.datetime) -> datetime.datetime:
    """`moment`, or the end of the quiet hours it falls in."""
    start, end = settings.SMS_QUIET_HOURS
    local = moment.astimezone(SHANGHAI)
    if local.hour >= start:
        day = local.date() + datetime.timedelta(days=1)
    elif local.hour < end:
        day = local.date()
    else:
        return moment
    return datetime.datetime.combine(day, datetime.time(end), tzinfo=SHANGHAI)


def first_attempt(channel: str, now: datetime.datetime) -> datetime.datetime:
    return sms_allowed_from(now) if channel == Channel.SMS else now


def schedule(deliveries) -> None:
    """Queue a task for each row, at its time where the backend can wait.

    Called after commit. A queue that cannot be reached loses nothing: the
    rows stay queued and the periodic job queues them again.
    """
    backend = deliver.get_backend()
    now = timezone.now()
    # One commit for the lot (with the database backend, the task rows too).
    with transaction.atomic():
        _enqueue(deliveries, backend=backend, now=now)


def _enqueue(deliveries, *, backend, now) -> None:
    for delivery in deliveries:
        job = deliver
        if delivery.next_attempt_at > now:
            if not backend.supports_defer:
                continue  # deliveries_requeue queues it when it is due
            job = deliver.using(run_after=delivery.next_attempt_at)
        try:
            with transaction.atomic():  # a failed insert spoils only its own
                result = job.enqueue(delivery.pk)
        except Exception:
            logger.exception(
                "Could not queue delivery %s; it stays queued", delivery.pk
            )
            continue
        Delivery.objects.filter(pk=delivery.pk).update(task_id=str(result.id))


@task()
def deliver(delivery_id: int) -> str:
    return deliver_now(delivery_id)


def deliver_now(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one delivery if it is due; what happened, for the task's result."""
    now = now or timezone.now()
    queued = Delivery.objects.filter(
        pk=delivery_id, state=Delivery.State.QUEUED, next_attempt_at__lte=now
    )
    delivery = queued.select_related("notification__user").first()
    if delivery is None:
        return "not due"
    if delivery.channel == Channel.SMS and (later := sms_allowed_from(now)) > now:
        # A retry that fell into the quiet hours waits for the morning.
        if queued.update(next_attempt_at=later):
            delivery.next_attempt_at = later
            schedule([delivery])
        return "quiet hours"
    # The claim: whoever moves the row first sends it; the others find it not due.
    if not queued.update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1):
        return "not due"
    attempts = delivery.attempts + 1
    try:
        send(delivery)
    except Exception as error:  # any provider failure: recorded, retried
        return _failed(delivery, error, attempts=attempts, now=now)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _failed(delivery: Delivery, error: Exception, *, attempts: int, now) -> str:
    logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, attempts, error)
    message = f"{type(error).__name__}: {error}"[:1000]
    retries = settings.DELIVERY_RETRY_MINUTES
    if isinstance(error, Undeliverable) or attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.FAILED, last_error=message
        )
        return "failed"
    delay = datetime.timedelta(minutes=retries[min(attempts, len(retries)) - 1])
    delivery.next_attempt_at = now + delay
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=delivery.next_attempt_at, last_error=message
    )
    schedule([delivery])
    return "retry"


def send(delivery: Delivery) -> None:
    """The message itself, in its reader's language; raises when not sent."""
    notification = delivery.notification
    with translation.override(notification.user.reader_language):
        if delivery.channel == Channel.EMAIL:
            send_email(notification)
        else:
            send_text(notification)


def send_email(notification: Notification) -> None:
    user = notification.user
    if not user.email:
        raise Undeliverable("The user has no e-mail address any more.")
    title, body = notification.render()
    context = {
        "user": user,
        "title": title,
        "body": body,
        "link": absolute_url(notification.url),
        "calendar_link": absolute_url(notification.params.get("calendar_url", "")),
        "items": digest_items(notification),
        "site_url": settings.SITE_URL,
        "preferences_link": absolute_url(reverse("profile")),
    }
    message = EmailMultiAlternatives(
        subject=f"[{_('Qunxian e-Home')}] {title}",
        body=render_to_string("notifications/email.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("notifications/email.html", context), "text/html"
    )
    message.send()


def send_text(notification: Notification) -> None:
    user = notification.user
    if not user.phone:
        raise Undeliverable("The user has no mobile number.")
    if notification.kind == NotificationKind.DIGEST:
        params = {"count": str(notification.params.get("count", ""))}
    else:
        params = {"title": notification.render()[0][:SMS_TITLE_LENGTH]}
    sms.send_sms(
        phone=user.phone,
        template=SMS_TEMPLATE_BY_KIND[notification.kind],
        params=params,
    )


def digest_items(notification: Notification) -> list[tuple[str, str]]:
    """A digest's alerts: title and absolute link of each."""
    ids = notification.params.get("items") or []
    if notification.kind != NotificationKind.DIGEST or not ids:
        return []
    return [
        (item.display_title, absolute_url(item.url))
        for item in notification.user.notifications.filter(pk__in=ids).order_by(
            "created_at", "id"
        )
    ]


def lost(delivery: Delivery) -> bool:
    """Whether no task will send this due row: none queued, or it ended.

    A task waiting in the queue is not lost, however long the worker is
    stopped; one that runs still past the lease died with its worker.
    """
    backend = deliver.get_backend()
    if not delivery.task_id or not backend.supports_get_result:
        return True
    try:
        result = deliver.get_result(delivery.task_id)
    except TaskResultDoesNotExist:
        return True
    return result.status != TaskResultStatus.READY
