"""The demo gives every page something to show and every end some work."""

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Series, SignUp
from bookings.models import Booking
from bookings.services import seat_drift
from demo.loaders.activities import read_series
from demo.loaders.notices import read_notices
from feedback.models import Appeal, IndexSnapshot, Review
from feedback.periods import last_complete_month
from notices.models import Notice
from qunxian.models import User
from venues.models import Venue

pytestmark = pytest.mark.django_db

SERIES = ["亲子乐系列活动", "青年交友联谊系列活动", "群团阵地点亮行动"]


def test_every_home_tile_leads_to_a_page_with_content(demo, client):
    home = client.get(reverse("home")).text
    data = read_notices()
    # The newest notices are on the home page itself.
    assert data["notices"][0]["title"] in home

    tiles = {
        "venues:list": Venue.objects.values_list("name", flat=True),
        "activities:list": SERIES,
        "notices:policies": [p["title"] for p in data["policies"]],
        "notices:list": [n["title"] for n in data["notices"]],
    }
    for name, shown in tiles.items():
        assert reverse(name) in home, name
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        # Every one of them on the page, or a full first page of venues.
        on_page = [text for text in shown if text in response.text]
        assert len(on_page) == len(shown) or len(on_page) >= 20, name
    assert reverse("venues:map") in home
    markers = client.get(reverse("venues:geojson")).json()["features"]
    assert len(markers) == 47


def test_each_series_has_activities_ahead_and_held_with_sign_ups(demo, client):
    assert sorted(s["name"] for s in read_series()) == sorted(SERIES)
    now = timezone.now()
    for name in SERIES:
        series = Series.objects.get(name=name)
        ahead = series.activities.published().upcoming()
        held = series.activities.filter(ends_at__lt=now)
        assert ahead.count() >= 2, name
        assert held.count() >= 2, name
        assert SignUp.objects.filter(activity__in=ahead).active().exists(), name
        assert SignUp.objects.filter(
            activity__in=held, state=SignUp.State.ATTENDED
        ).exists(), name
        # The user end lists the series' upcoming activities.
        page = client.get(reverse("activities:list"), {"series": series.pk}).text
        for activity in ahead:
            assert activity.title in page

    for activity in Activity.objects.all():
        taken = SignUp.objects.filter(activity=activity, state__in=SignUp.HOLDING)
        assert activity.seats_taken == taken.count() <= activity.seats
    assert SignUp.objects.filter(state=SignUp.State.WAITLISTED).exists()
    worker = User.objects.get(username="worker")
    assert SignUp.objects.filter(user=worker, activity__starts_at__gt=now).exists()


def test_notices_and_policies_are_published_with_text(demo):
    data = read_notices()
    notices = Notice.objects.published().notices()
    policies = Notice.objects.published().policies()
    assert notices.count() == len(data["notices"]) >= 5
    assert policies.count() == len(data["policies"]) >= 5
    assert len({p.topic for p in policies}) >= 4
    for notice in Notice.objects.all():
        assert notice.body_text and notice.body.startswith("<p>"), notice.title
    # District-wide ones from the console, the rest by their venue's managers.
    assert notices.district_wide().exists()
    assert notices.filter(venue__name="沈家门街道职工之家").exists()


def test_every_end_has_work_and_history(demo):
    assert seat_drift() == []
    manager = User.objects.get(username="manager")
    managed = manager.managed_venues.all()
    assert Booking.objects.filter(
        state=Booking.State.PENDING, space__venue__in=managed
    ).exists()
    assert Appeal.objects.overdue().filter(venue__in=managed).exists()
    assert Appeal.objects.filter(venue__isnull=True).open().exists()
    assert Appeal.objects.filter(state=Appeal.State.RESOLVED).count() >= 5
    assert Booking.objects.filter(state=Booking.State.ATTENDED).count() >= 40
    assert Review.objects.filter(reply__gt="").exists()
    worker = User.objects.get(username="worker")
    assert Booking.objects.filter(user=worker).exists()
    # Each venue's staff decided its bookings: nobody acted outside their venues.
    for booking in Booking.objects.exclude(state=Booking.State.PENDING):
        decided = booking.events.exclude(actor=booking.user).first()
        assert booking.space.venue.managers.filter(pk=decided.actor_id).exists()
    assert IndexSnapshot.objects.filter(period=last_complete_month()).count() == 47
    assert Venue.objects.count() == 47
