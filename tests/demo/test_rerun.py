"""Running load_demo again keeps what people did and the demo's ids; no mail."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Series, SignUp
from bookings.availability import slot_grid
from bookings.models import Booking, BookingEvent, Slot
from bookings.services import booking_reject
from demo.load import load_demo
from demo.models import DemoRow
from feedback.models import Appeal, AppealEvent, IndexSnapshot, Review
from notices.models import Notice
from qunxian.models import AuditEntry, Notification, User
from venues.models import (
    Closure,
    Facility,
    OpeningHours,
    Organization,
    Space,
    Town,
    Venue,
    VenueDailyStat,
    VenueHourlyViews,
    VenuePhoto,
)

pytestmark = pytest.mark.django_db

MODELS = [
    Town, Organization, Facility, Venue, Space, OpeningHours, Closure, VenuePhoto,
    VenueDailyStat, VenueHourlyViews, User, Booking, BookingEvent, Slot, Review,
    Appeal, AppealEvent, IndexSnapshot, Series, Activity, SignUp, Notice,
    Notification, AuditEntry, DemoRow,
]  # fmt: skip
DEMO_ROWS = [Booking, Review, Appeal, Activity, Notice, OpeningHours, Closure, Space]


def snapshot() -> dict:
    return {
        **{model.__name__: model.objects.count() for model in MODELS},
        **{
            f"{model.__name__} ids": sorted(model.objects.values_list("pk", flat=True))
            for model in DEMO_ROWS
        },
        "venue fields": sorted(
            Venue.objects.values_list("pk", "name", "lat", "lng", "status")
        ),
        "managers": Venue.managers.through.objects.count(),
        "views": sorted(VenueDailyStat.objects.values_list("venue_id", "views")),
        "views by hour": sorted(
            VenueHourlyViews.objects.values_list("venue_id", "date", "hour", "views")
        ),
        "states": sorted(Booking.objects.values_list("pk", "state")),
    }


def test_running_twice_changes_no_counts_and_keeps_ids(demo):
    before = snapshot()
    again = load_demo()
    assert snapshot() == before
    assert again["photos_created"] == 0
    assert again["photos"] == demo["photos"]


def free_start(space: Space) -> datetime.datetime:
    """A start the demo left free, well ahead."""
    today = timezone.localdate()
    for days in range(5, 14):
        for start, _end in slot_grid(space, today + datetime.timedelta(days=days)):
            if not Booking.objects.filter(space=space, start=start).exists():
                return start
    raise AssertionError("no free slot")


def test_what_the_demo_worker_did_by_hand_survives_a_rerun(demo, client):
    worker = User.objects.get(username="worker")
    client.force_login(worker)
    space = Space.objects.filter(venue__name="普陀区总工会职工服务中心").first()
    response = client.post(
        reverse("bookings:new", args=[space.pk]),
        {
            "start": free_start(space).isoformat(),
            "slot_count": "1",
            "headcount": "2",
            "purpose": "工会小组例会",
            "contact_phone": "13800000001",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.filter(user=worker).latest("pk")
    assert booking.purpose == "工会小组例会"
    station = Venue.objects.get(name="沈家门街道职工之家")
    response = client.post(
        reverse("feedback:new"),
        {"kind": "suggestion", "venue": station.pk, "text": "希望增设午休躺椅。"},
    )
    assert response.status_code == 302
    appeal = Appeal.objects.filter(user=worker).latest("pk")
    assert appeal.text == "希望增设午休躺椅。"
    # And one sign-up to a demo activity the worker had not joined.
    activity = (
        Activity.objects.published()
        .upcoming()
        .exclude(signups__user=worker)
        .filter(seats_taken__lt=10)
        .first()
    )
    # (declaring they belong, should the activity be meant for some)
    client.post(
        reverse("activities:sign_up", args=[activity.pk]), {"in_audience": "on"}
    )
    signup = SignUp.objects.get(user=worker, activity=activity)
    before = snapshot()

    load_demo()

    assert Booking.objects.get(pk=booking.pk).state == Booking.State.PENDING
    assert Appeal.objects.get(pk=appeal.pk).state == Appeal.State.SUBMITTED
    assert SignUp.objects.get(pk=signup.pk).state == signup.state
    assert snapshot() == before


def test_a_rerun_renews_work_that_was_done_and_keeps_the_old_rows(demo):
    """A request decided and an activity held are kept; new ones take their place."""
    manager = User.objects.get(username="manager")
    request = Booking.objects.filter(
        state=Booking.State.PENDING, space__venue__managers=manager
    ).first()
    booking_reject(booking=request, actor=manager, reason="当天已有安排")
    series = Series.objects.get(name="群团阵地点亮行动")
    ahead = series.activities.upcoming().order_by("starts_at").first()
    # As if the run had been days ago: the activity has since taken place.
    Activity.objects.filter(pk=ahead.pk).update(
        starts_at=ahead.starts_at - datetime.timedelta(days=30),
        ends_at=ahead.ends_at - datetime.timedelta(days=30),
    )
    bookings, activities = Booking.objects.count(), Activity.objects.count()

    load_demo()

    assert Booking.objects.filter(pk=request.pk, state="rejected").exists()
    assert Booking.objects.count() == bookings + 1
    assert (
        Booking.objects.filter(
            state=Booking.State.PENDING, space__venue__managers=manager
        ).count()
        == 3
    )
    assert Activity.objects.filter(pk=ahead.pk).exists()
    assert Activity.objects.count() == activities + 1
    renewed = Activity.objects.filter(title=ahead.title).latest("pk")
    assert renewed.pk != ahead.pk and renewed.starts_at > timezone.now()


def test_no_mail_is_sent_even_to_people_with_an_address(
    db, django_capture_on_commit_callbacks
):
    # The worker had registered with an address before the demo was loaded.
    User.objects.create(username="worker", phone="13800000001", email="li@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
        load_demo()
    assert Notification.objects.filter(user__username="worker").exists()
    assert mail.outbox == []
