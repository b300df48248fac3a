"""Notifications: the task queue, the channels, preferences, reminders, alerts,
digests and no-shows (issue 13).

Providers here are stubs that can be switched off: `StubMail` (Django's
in-memory backend, or a dropped connection) and `StubSms` (a list of sent
texts, or SmsError). Time moves with the `clock` fixture, which every part of
the code and the worker read through `timezone.now`.
"""

import datetime
import smtplib

import icalendar
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from bookings.models import Booking
from bookings.services import booking_create
from feedback.services import appeal_submit, review_create, review_hide
from qunxian.delivery import sms_allowed_from
from qunxian.models import Delivery, Notification, NotificationKind
from qunxian.services import deliveries_requeue, notify
from qunxian.sms import SmsError
from tests.activities.factories import ActivityFactory
from tests.factories import BookingFactory, UserFactory, bookable_space
from tests.tasks import run_worker

State = Delivery.State


class StubMail(EmailBackend):
    """Django's in-memory outbox, or a mail server that drops the connection."""

    down = False

    def send_messages(self, messages):
        if StubMail.down:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class StubSms:
    """What a provider was asked to send, or its refusal while it is down."""

    sent: list[dict] = []
    down = False

    def send(self, *, phone, template, params):
        if StubSms.down:
            raise SmsError("isv.BUSINESS_LIMIT_CONTROL")
        StubSms.sent.append({"phone": phone, "template": template, "params": params})


@pytest.fixture(autouse=True)
def providers(settings):
    settings.EMAIL_BACKEND = "tests.test_notifications.StubMail"
    settings.SMS_BACKEND = "tests.test_notifications.StubSms"
    settings.SITE_URL = "https://qunxian.example.cn"
    StubMail.down = StubSms.down = False
    StubSms.sent = []
    yield
    StubMail.down = StubSms.down = False


@pytest.fixture
def clock(monkeypatch):
    """Sets the time everyone reads; returns the setter."""

    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_now


# Fixed when the tests are collected: the clock fixture moves "now", not these.
TODAY = timezone.localdate()


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A local time `days` from the day the tests started."""
    return datetime.datetime.combine(
        TODAY + datetime.timedelta(days=days),
        datetime.time(hour, minute),
        tzinfo=timezone.get_default_timezone(),
    )


def noon(days=0):
    return at(days, 12)


def opted_in(user, *, email="", **channels):
    """`user` with these channels per kind (the others: none)."""
    user.email = email
    user.notification_prefs = {
        "channels": {kind: [] for kind in NotificationKind.values} | channels,
    }
    user.save()
    return user


def message(user, **kwargs):
    kwargs.setdefault("kind", NotificationKind.BOOKING)
    kwargs.setdefault("title", "Booking approved")
    return notify(user=user, url="/bookings/7/", **kwargs)


# -- Sending happens in the worker, never in the request


def test_a_request_queues_the_mail_and_the_worker_sends_it(
    client, manager_a, worker, django_capture_on_commit_callbacks
):
    opted_in(worker, email="li@example.cn", booking=["email"])
    space = bookable_space()
    space.venue.managers.add(manager_a)
    booking = booking_create(
        user=worker,
        space=space,
        start=at(2, 10),
        headcount=1,
        purpose="班组学习",
        contact_phone=worker.phone,
    )
    StubMail.down = True  # a request would fail or hang if it sent
    client.force_login(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("manage:booking_approve", args=[booking.pk]))
    assert response.status_code == 302
    assert mail.outbox == []
    delivery = Delivery.objects.get(notification__user=worker)
    assert (delivery.state, delivery.attempts) == (State.QUEUED, 0)
    assert DBTaskResult.objects.filter(id=delivery.task_id, status="READY").exists()

    StubMail.down = False
    run_worker()
    delivery.refresh_from_db()
    assert delivery.state == State.SENT and delivery.sent_at is not None
    [sent] = mail.outbox
    assert sent.to == ["li@example.cn"]


def test_the_mail_has_text_and_html_with_absolute_links(
    worker, django_capture_on_commit_callbacks
):
    opted_in(worker, email="li@example.cn", booking=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        message(worker)
    run_worker()
    [sent] = mail.outbox
    [(html, mimetype)] = sent.alternatives
    assert mimetype == "text/html"
    link = "https://qunxian.example.cn/bookings/7/"
    assert link in sent.body and f'href="{link}"' in html
    assert "https://qunxian.example.cn/me/" in sent.body
    assert 'href="/' not in html


def test_the_mail_is_in_the_recipients_language_not_the_actors(
    worker, django_capture_on_commit_callbacks
):
    reader = opted_in(UserFactory(language="en"), email="en@example.cn")
    reader.notification_prefs = {}  # the defaults: e-mail for every kind
    reader.save()
    opted_in(worker, email="zh@example.cn", booking=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        message(worker)
        message(reader)
    run_worker()
    subjects = {sent.to[0]: sent.subject for sent in mail.outbox}
    assert "预约已通过" in subjects["zh@example.cn"]
    assert "Booking approved" in subjects["en@example.cn"]


def test_the_inbox_shows_each_message_in_the_readers_language(client, worker):
    message(worker)
    client.force_login(worker)
    client.cookies["django_language"] = "en"
    assert "Booking approved" in client.get(reverse("inbox")).content.decode()
    client.cookies["django_language"] = "zh-hans"
    message(worker)
    assert "预约已通过" in client.get(reverse("inbox")).content.decode()


def test_logging_in_and_switching_language_remember_it(client, worker):
    from tests.factories import PASSWORD

    client.cookies["django_language"] = "en"
    client.post(reverse("account_login"), {"login": worker.phone, "password": PASSWORD})
    worker.refresh_from_db()
    assert worker.language == "en"
    client.get(reverse("language", args=["zh-hans"]))
    worker.refresh_from_db()
    assert worker.language == "zh-hans"


# -- A provider that fails, then recovers


def test_a_failing_mail_server_is_retried_later_until_it_recovers(
    worker, clock, django_capture_on_commit_callbacks
):
    opted_in(worker, email="li@example.cn", booking=["email"])
    start = clock(noon(1))
    StubMail.down = True
    with django_capture_on_commit_callbacks(execute=True):
        message(worker)
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.QUEUED, 1)
    assert "SMTPServerDisconnected" in delivery.last_error
    assert delivery.next_attempt_at == start + datetime.timedelta(minutes=1)
    run_worker()  # the retry waits for its time
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and mail.outbox == []

    StubMail.down = False
    clock(start + datetime.timedelta(minutes=1))
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_failing_sms_provider_ends_failed_in_the_console_and_can_be_resent(
    client, worker, admin_user, clock, settings, django_capture_on_commit_callbacks
):
    opted_in(worker, booking=["sms"])
    moment = clock(noon(1))
    StubSms.down = True
    with django_capture_on_commit_callbacks(execute=True):
        message(worker)
    delivery = Delivery.objects.get()
    for delay in [0, *settings.DELIVERY_RETRY_MINUTES]:
        moment = clock(moment + datetime.timedelta(minutes=delay))
        run_worker()
    delivery.refresh_from_db()
    assert delivery.state == State.FAILED
    assert delivery.attempts == settings.DELIVERY_MAX_ATTEMPTS
    assert StubSms.sent == []

    client.force_login(admin_user)
    page = client.get(reverse("console:delivery_list")).content.decode()
    assert "isv.BUSINESS_LIMIT_CONTROL" in page
    assert str(worker) in page

    StubSms.down = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:delivery_resend", args=[delivery.pk]))
    assert response.status_code == 302
    run_worker()
    delivery.refresh_from_db()
    assert delivery.state == State.SENT
    assert [text["phone"] for text in StubSms.sent] == [worker.phone]
    assert (
        "isv.BUSINESS_LIMIT_CONTROL"
        not in client.get(reverse("console:delivery_list")).content.decode()
    )


def test_resending_a_message_that_did_not_fail_is_refused(
    client, worker, admin_user, django_capture_on_commit_callbacks
):
    opted_in(worker, booking=["sms"])
    message(worker)
    delivery = Delivery.objects.get()
    client.force_login(admin_user)
    response = client.post(
        reverse("console:delivery_resend", args=[delivery.pk]), follow=True
    )
    assert "只有发送失败的消息才能重新发送。" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.QUEUED, 0)


# -- Nothing is lost while the worker is stopped or dies


def test_a_stopped_worker_loses_nothing_and_the_sweep_adds_no_duplicate(
    worker, django_capture_on_commit_callbacks
):
    opted_in(worker, email="li@example.cn", booking=["email", "sms"])
    with django_capture_on_commit_callbacks(execute=True):
        message(worker)
    assert DBTaskResult.objects.count() == 2
    # The worker is stopped: the tasks wait, and the sweep leaves them be.
    assert deliveries_requeue() == 0
    assert DBTaskResult.objects.count() == 2
    run_worker()  # started again
    assert Delivery.objects.filter(state=State.SENT).count() == 2
    assert len(mail.outbox) == 1 and len(StubSms.sent) == 1


def test_a_task_lost_with_its_queue_is_queued_again_by_the_sweep(
    worker, clock, django_capture_on_commit_callbacks
):
    opted_in(worker, email="li@example.cn", booking=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        message(worker)
    DBTaskResult.objects.all().delete()  # a queue that lost its jobs
    run_worker()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_requeue() == 1
    run_worker()
    assert len(mail.outbox) == 1


def test_a_worker_that_died_mid_send_is_replaced_after_its_lease(worker, clock):
    from qunxian.delivery import LEASE

    opted_in(worker, email="li@example.cn", booking=["email"])
    start = clock(noon(1))
    message(worker)
    delivery = Delivery.objects.get()
    # What a worker's claim leaves when it dies before recording the outcome.
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=start + LEASE, attempts=1
    )
    assert deliveries_requeue() == 0  # still leased
    clock(start + LEASE)
    assert deliveries_requeue() == 1
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.SENT, 2)


# -- Channels and refusals: opt-in, opt-out, quiet hours


def test_sms_goes_only_to_who_opted_in(worker, django_capture_on_commit_callbacks):
    worker.email = "li@example.cn"
    worker.save()  # the defaults: e-mail, no text messages
    texting = opted_in(UserFactory(), booking=["sms"])
    with django_capture_on_commit_callbacks(execute=True):
        message(worker)
        message(texting)
    run_worker()
    assert [text["phone"] for text in StubSms.sent] == [texting.phone]
    assert StubSms.sent[0]["template"] == "booking_update"
    assert StubSms.sent[0]["params"] == {"title": "预约已通过"}
    assert [sent.to for sent in mail.outbox] == [["li@example.cn"]]


def test_an_opted_out_kind_stays_in_the_inbox_only(worker):
    opted_in(worker, email="li@example.cn", booking=["email"])
    notification = message(worker, kind=NotificationKind.ACTIVITY)
    assert notification in worker.notifications.all()
    assert not Delivery.objects.exists()


def test_no_email_without_an_address(worker):
    opted_in(worker, booking=["email", "sms"])
    message(worker)
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["sms"]


def test_sms_waits_out_the_quiet_hours_but_email_does_not(
    worker, clock, django_capture_on_commit_callbacks
):
    opted_in(worker, email="li@example.cn", booking=["email", "sms"])
    late = clock(at(1, 22, 30))
    with django_capture_on_commit_callbacks(execute=True):
        message(worker)
    morning = at(2, 7)
    sms = Delivery.objects.get(channel="sms")
    assert sms.next_attempt_at == morning
    run_worker()
    assert len(mail.outbox) == 1 and StubSms.sent == []
    clock(at(2, 6, 59))
    run_worker()
    assert StubSms.sent == []
    clock(morning)
    run_worker()
    assert len(StubSms.sent) == 1
    assert late < morning


@pytest.mark.parametrize(
    ("hour", "minute", "allowed"),
    [
        (21, 59, (0, 21, 59)),
        (22, 0, (1, 7, 0)),
        (23, 30, (1, 7, 0)),
        (0, 10, (0, 7, 0)),
        (6, 59, (0, 7, 0)),
        (7, 0, (0, 7, 0)),
    ],
)
def test_quiet_hours_end_at_seven_in_shanghai(hour, minute, allowed):
    days, at_hour, at_minute = allowed
    assert sms_allowed_from(at(0, hour, minute)) == at(days, at_hour, at_minute)


def test_an_sms_retry_falling_into_the_quiet_hours_waits_for_the_morning(
    worker, clock, django_capture_on_commit_callbacks
):
    opted_in(worker, booking=["sms"])
    clock(at(1, 21, 58))
    StubSms.down = True
    with django_capture_on_commit_callbacks(execute=True):
        message(worker)
    run_worker()  # fails; retry at 21:59
    StubSms.down = False
    clock(at(1, 22, 5))
    from qunxian.delivery import deliver_now

    delivery = Delivery.objects.get()
    assert deliver_now(delivery.pk) == "quiet hours"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == at(2, 7) and delivery.attempts == 1
    assert StubSms.sent == []


# -- Preferences on /me/


def test_a_worker_chooses_channels_per_kind_on_the_profile(client, worker):
    client.force_login(worker)
    page = client.get(reverse("profile")).content.decode()
    assert 'name="channels_booking"' in page
    assert 'name="channels_alert"' not in page  # not a manager
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("profile"),
        {
            "display_name": "李师傅",
            "email": "li@example.cn",
            "channels_booking": ["email", "sms"],
            "channels_reminder": ["sms"],
            "reminders": ["hour"],
        },
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    prefs = worker.prefs
    assert prefs.channels("booking") == ["email", "sms"]
    assert prefs.channels("reminder") == ["sms"]
    assert prefs.channels("feedback") == [] and prefs.channels("activity") == []
    assert prefs.reminders == ["hour"]
    assert worker.language == "en"


def test_a_channel_that_does_not_exist_is_a_form_error(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("profile"), {"display_name": "李师傅", "channels_booking": ["fax"]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["channels_booking"]
    worker.refresh_from_db()
    assert worker.notification_prefs == {}


def test_a_manager_also_chooses_alerts_and_the_digest(client, manager_a):
    client.force_login(manager_a)
    page = client.get(reverse("profile")).content.decode()
    assert 'name="channels_alert"' in page and 'name="digest"' in page
    client.post(
        reverse("profile"),
        {"display_name": "甲站长", "channels_alert": ["sms"], "digest": "on"},
    )
    manager_a.refresh_from_db()
    assert manager_a.prefs.channels("alert") == ["sms"]
    assert manager_a.prefs.digest


# -- Reminders


@pytest.fixture
def booked(worker):
    """An approved booking at 10:00 three days ahead, made a week before."""
    booking = BookingFactory(
        user=worker,
        space=bookable_space(),
        start=at(3, 10),
        end=at(3, 11),
        state=Booking.State.APPROVED,
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=at(-4, 9))
    booking.refresh_from_db()
    return booking


def reminders_of(user):
    return list(
        user.notifications.filter(kind="reminder")
        .order_by("created_at", "id")
        .values_list("key", flat=True)
    )


def send_reminders(clock, moment):
    clock(moment)
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_booking_reminders_the_evening_before_and_an_hour_before_once_each(
    booked, worker, clock
):
    opted_in(worker, email="li@example.cn", reminder=["email"])
    send_reminders(clock, at(2, 17, 55))
    assert reminders_of(worker) == []
    send_reminders(clock, at(2, 18, 0))
    send_reminders(clock, at(2, 18, 5))
    evening = f"reminder:booking:{booked.pk}:evening"
    assert reminders_of(worker) == [evening]
    send_reminders(clock, at(3, 9, 0))
    send_reminders(clock, at(3, 9, 5))
    hour = f"reminder:booking:{booked.pk}:hour"
    assert reminders_of(worker) == [evening, hour]
    assert Delivery.objects.filter(channel="email").count() == 2
    reminder = worker.notifications.get(key=hour)
    assert booked.check_in_code in reminder.body
    assert reminder.params["calendar_url"] == reverse("bookings:ics", args=[booked.pk])


def test_a_reminder_key_is_unique_so_it_is_never_made_twice(worker):
    assert message(worker, key="reminder:booking:1:hour") is not None
    assert message(worker, key="reminder:booking:1:hour") is None
    assert worker.notifications.count() == 1


def test_reminders_only_at_the_times_the_user_chose(booked, worker, clock):
    worker.notification_prefs = {"reminders": ["hour"]}
    worker.save()
    send_reminders(clock, at(2, 18, 0))
    assert reminders_of(worker) == []
    send_reminders(clock, at(3, 9, 30))
    assert reminders_of(worker) == [f"reminder:booking:{booked.pk}:hour"]


def test_no_reminder_for_a_cancelled_booking(booked, worker, clock):
    Booking.objects.filter(pk=booked.pk).update(state=Booking.State.CANCELLED)
    send_reminders(clock, at(3, 9, 30))
    assert reminders_of(worker) == []


def test_an_activity_sign_up_is_reminded_with_its_calendar_file(
    client, worker, clock, django_capture_on_commit_callbacks
):
    from activities.services import signup_create

    opted_in(worker, email="li@example.cn", reminder=["email"])
    activity = ActivityFactory(starts_at=at(3, 14), ends_at=at(3, 16))
    signup_create(activity=activity, user=worker)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(clock, at(3, 13, 10))
    run_worker()
    [sent] = mail.outbox
    ics = f"https://qunxian.example.cn/activities/{activity.pk}/activity.ics"
    assert ics in sent.body
    assert activity.title in sent.subject

    client.force_login(worker)
    response = client.get(reverse("activities:ics", args=[activity.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == at(3, 14)
    assert str(event["summary"]) == activity.title


def test_an_activity_calendar_file_is_only_for_a_confirmed_place(client, worker):
    from activities.services import signup_create

    activity = ActivityFactory(seats=1)
    signup_create(activity=activity, user=UserFactory())
    signup_create(activity=activity, user=worker)  # waiting list
    client.force_login(worker)
    assert client.get(reverse("activities:ics", args=[activity.pk])).status_code == 404


# -- Managers and admins alerted


def test_a_booking_request_alerts_the_venues_managers_by_their_channel(
    client, worker, manager_a, manager_b, django_capture_on_commit_callbacks
):
    opted_in(manager_a, alert=["sms"])
    space = bookable_space()
    space.venue.managers.add(manager_a)
    client.force_login(worker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("bookings:new", args=[space.pk]),
            {
                "start": at(2, 10).strftime("%Y-%m-%dT%H:%M"),
                "slot_count": 1,
                "headcount": 2,
                "purpose": "班组学习",
                "contact_phone": worker.phone,
            },
        )
    booking = Booking.objects.get(user=worker)
    alert = manager_a.notifications.get()
    assert alert.kind == "alert"
    assert alert.url == reverse("manage:booking_detail", args=[booking.pk])
    assert not manager_b.notifications.exists()
    run_worker()
    assert [(text["phone"], text["template"]) for text in StubSms.sent] == [
        (manager_a.phone, "manager_alert")
    ]


def test_new_feedback_alerts_the_venues_managers_or_the_district_admins(
    worker, manager_a, admin_user, venue_a
):
    appeal_submit(user=worker, venue=venue_a, kind="suggestion", text="加微波炉")
    alert = manager_a.notifications.get(kind="alert")
    assert "加微波炉" in alert.body
    assert not admin_user.notifications.exists()
    district = appeal_submit(user=worker, venue=None, kind="help", text="求助")
    alert = admin_user.notifications.get(kind="alert")
    assert alert.url == reverse("console:appeal_detail", args=[district.pk])


def test_feedback_due_within_24_hours_alerts_its_handlers_once(
    worker, manager_a, venue_a, clock
):
    clock(noon(0))
    appeal = appeal_submit(user=worker, venue=venue_a, kind="repair", text="灯坏了")
    manager_a.notifications.all().delete()
    send_reminders(clock, appeal.accept_due - datetime.timedelta(hours=25))
    assert not manager_a.notifications.exists()
    send_reminders(clock, appeal.accept_due - datetime.timedelta(hours=23))
    send_reminders(clock, appeal.accept_due - datetime.timedelta(hours=22))
    [alert] = manager_a.notifications.all()
    assert f"#{appeal.pk}" in alert.body


def test_a_new_review_alerts_the_managers_and_a_hidden_ones_author_is_told_why(
    worker, manager_a, admin_user, venue_a
):
    review = review_create(user=worker, venue=venue_a, rating=2, text="太吵")
    alert = manager_a.notifications.get()
    assert alert.url == reverse("manage:review_detail", args=[review.pk])
    review_hide(review=review, actor=admin_user, reason="含有他人电话号码")
    told = worker.notifications.get()
    assert told.kind == "feedback"
    assert "含有他人电话号码" in told.body


def test_a_manager_who_chose_the_digest_gets_one_message_a_day(
    worker, manager_a, venue_a, clock, django_capture_on_commit_callbacks
):
    opted_in(manager_a, email="jia@example.cn", alert=["email"])
    manager_a.notification_prefs["digest"] = True
    manager_a.save()
    clock(noon(0))
    for text in ("灯坏了", "水龙头漏水"):
        appeal_submit(user=worker, venue=venue_a, kind="repair", text=text)
    assert manager_a.notifications.filter(kind="alert").count() == 2
    assert not Delivery.objects.filter(notification__user=manager_a).exists()

    clock(at(1, 8))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    run_worker()
    [sent] = mail.outbox
    assert sent.to == ["jia@example.cn"]
    assert "https://qunxian.example.cn/manage/feedback/" in sent.body
    assert sent.body.count("https://qunxian.example.cn/manage/feedback/") == 2


# -- No-shows


def test_a_booking_nobody_checked_in_becomes_a_no_show_and_holds_the_next(
    worker, manager_a, clock, settings
):
    settings.NO_SHOW_LIMIT = 1
    space = bookable_space(approval="auto")
    space.venue.managers.add(manager_a)
    missed = BookingFactory(
        user=worker,
        space=space,
        start=at(-1, 10),
        end=at(-1, 11),
        state=Booking.State.APPROVED,
    )
    upcoming = BookingFactory(
        user=UserFactory(), space=space, start=at(1, 10), state=Booking.State.APPROVED
    )
    send_reminders(clock, timezone.now())
    missed.refresh_from_db()
    upcoming.refresh_from_db()
    assert missed.state == Booking.State.NO_SHOW
    assert upcoming.state == Booking.State.APPROVED
    event = missed.events.last()
    assert (event.to_state, event.actor) == (Booking.State.NO_SHOW, None)
    told = worker.notifications.get()
    assert told.kind == "booking" and told.url == missed.get_absolute_url()

    booking = booking_create(
        user=worker,
        space=space,
        start=at(2, 10),
        headcount=1,
        purpose="班组学习",
        contact_phone=worker.phone,
    )
    assert booking.state == Booking.State.PENDING


def test_a_checked_in_booking_is_not_a_no_show(worker, manager_a, clock):
    space = bookable_space()
    booking = BookingFactory(
        user=worker,
        space=space,
        start=at(-1, 10),
        end=at(-1, 11),
        state=Booking.State.ATTENDED,
    )
    send_reminders(clock, timezone.now())
    booking.refresh_from_db()
    assert booking.state == Booking.State.ATTENDED
    assert not worker.notifications.exists()


def test_a_message_from_before_msgids_shows_its_stored_text(client, worker):
    Notification.objects.create(
        user=worker, kind="booking", title="预约已通过", body="旧的消息正文"
    )
    client.force_login(worker)
    page = client.get(reverse("inbox")).content.decode()
    assert "预约已通过" in page and "旧的消息正文" in page


def test_a_body_given_as_text_is_refused_rather_than_spelt_out(worker):
    with pytest.raises(TypeError):
        message(worker, body="Booking approved")
    assert not worker.notifications.exists()


@pytest.fixture(autouse=True)
def _daytime_in_shanghai():
    """Text messages wait out 22:00–07:00: the tests run at 10:00 of the day
    they started (TODAY, which `at()` counts from) unless they set their own
    clock, whenever CI runs them."""
    with freeze_time(at(0, 10), tick=True):
        yield
