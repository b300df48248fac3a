"""Notifications: queueing reminders sends nothing, the worker sends them all.

`count` approved bookings an hour away, each of a user who wants e-mailed
reminders: the periodic job (`booking_reminders_send`, what `send_reminders`
runs) queues their reminders with providers that count every send (it must
stay 0); managers approving bookings over HTTP with a mail server that takes
a second per message answer at once (no send in the request); then
`manage.py db_worker --batch`, a separate process as in production, sends the
whole queue, and the rate is sent messages per second.
"""

import datetime
import os
import statistics
import subprocess
import sys
import time

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from bench.fill import add_users

SLOW_PROVIDER_S = 1.0


class CountingMail(BaseEmailBackend):
    """Counts what reaches it; `slow` makes each message take a second."""

    sent = 0
    slow = False

    def send_messages(self, messages):
        if CountingMail.slow:
            time.sleep(SLOW_PROVIDER_S)
        CountingMail.sent += len(messages)
        return len(messages)


class CountingSms:
    sent = 0

    def send(self, *, phone, template, params):
        CountingSms.sent += 1


def _bookings(
    count: int, *, start: datetime.datetime, state: str, prefix: str, phones: str
):
    from bookings.models import Booking
    from qunxian.models import User
    from venues.models import Space

    space = Space.objects.select_related("venue").first()
    user_ids = add_users(count, prefix=prefix, phones=phones)
    User.objects.filter(pk__in=user_ids).update(
        email="bench@example.cn",
        notification_prefs={
            "channels": {"reminder": ["email"], "booking": ["email"]},
        },
    )
    Booking.objects.bulk_create(
        (
            Booking(
                user_id=user_id,
                space=space,
                start=start,
                end=start + datetime.timedelta(hours=1),
                headcount=1,
                seats=1,
                purpose="bench",
                contact_phone=f"{phones}00000000",
                state=state,
                check_in_code=f"B{phones[-1]}{index:06d}",
            )
            for index, user_id in enumerate(user_ids)
        ),
        batch_size=1000,
    )
    return space


def _approvals(space, requests: int) -> list[float]:
    """Manager approvals over HTTP, each telling its user by e-mail."""
    from bookings.models import Booking
    from qunxian.models import User

    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=40)
    _bookings(
        requests,
        start=start,
        state=Booking.State.PENDING,
        prefix="bench-ap-",
        phones="167",
    )
    manager = User.objects.get(pk=add_users(1, prefix="bench-mgr-", phones="168")[0])
    space.venue.managers.add(manager)
    client = Client()
    client.force_login(manager)
    times = []
    pending = Booking.objects.filter(state=Booking.State.PENDING, purpose="bench")
    for booking in pending[:requests]:
        url = reverse("manage:booking_approve", args=[booking.pk])
        started = time.perf_counter()
        response = client.post(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 302:
            raise RuntimeError(f"bench: POST {url} gave {response.status_code}")
    return times


def run_notifications(count: int) -> dict:
    from bookings.models import Booking
    from bookings.services import booking_reminders_send
    from qunxian.models import Delivery

    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=60)
    space = _bookings(
        count,
        start=start,
        state=Booking.State.APPROVED,
        prefix="bench-rem-",
        phones="166",
    )
    CountingMail.sent = CountingSms.sent = 0
    with override_settings(
        EMAIL_BACKEND="bench.notify.CountingMail",
        SMS_BACKEND="bench.notify.CountingSms",
    ):
        started = time.perf_counter()
        queued = booking_reminders_send(now=start - datetime.timedelta(minutes=50))
        queue_s = time.perf_counter() - started
        sends_while_queueing = CountingMail.sent + CountingSms.sent
        CountingMail.slow = True
        try:
            request_ms = _approvals(space, 20)
        finally:
            CountingMail.slow = False
        sends_in_requests = CountingMail.sent + CountingSms.sent - sends_while_queueing
    waiting = Delivery.objects.filter(state=Delivery.State.QUEUED).count()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
            "--verbosity",
            "0",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    worker_s = time.perf_counter() - started
    sent = Delivery.objects.filter(state=Delivery.State.SENT).count()
    return {
        "reminders": count,
        "queued": queued,
        "queue_s": queue_s,
        "sends_while_queueing": sends_while_queueing,
        "request_median_ms": statistics.median(request_ms),
        "request_max_ms": max(request_ms),
        "requests": len(request_ms),
        "sends_in_requests": sends_in_requests,
        "waiting": waiting,
        "worker_s": worker_s,
        "sent": sent,
        "rate": sent / worker_s,
    }
