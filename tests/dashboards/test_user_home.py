"""The user end's home: district totals, the newest notices, the ways in."""

import datetime

from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from tests.factories import BookingFactory, NoticeFactory, SpaceFactory, VenueFactory
from venues.models import Venue


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def test_user_home_shows_district_totals_and_entry_points(client, venue_a, venue_b):
    VenueFactory(status=Venue.Status.SUSPENDED)
    response = client.get(reverse("home"))
    assert response.context["venues"]["count"] == 2
    page = response.content.decode()
    for entry in ("服务场所", "政策法规", "通知发布"):
        assert entry in page


def test_user_home_counts_only_bookings_that_were_granted(client, venue_a, worker):
    space = SpaceFactory(venue=venue_a)
    for state in (Booking.State.APPROVED, Booking.State.ATTENDED):
        BookingFactory(space=space, user=worker, state=state)
    BookingFactory(space=space, user=worker)  # pending
    BookingFactory(space=space, user=worker, state=Booking.State.REJECTED)
    assert client.get(reverse("home")).context["bookings"]["count"] == 2


def test_user_home_shows_the_three_newest_notices(client, db):
    for n in range(5):
        NoticeFactory(title=f"通知{n}", published_at=ago(days=n + 1))
    NoticeFactory(
        title="明天的", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    NoticeFactory(
        title="政策", kind="policy", topic="labour", published_at=ago(hours=1)
    )
    response = client.get(reverse("home"))
    latest = response.context["notices"]["latest"]
    assert [notice.title for notice in latest] == ["通知0", "通知1", "通知2"]
    html = response.content.decode()
    assert "通知0" in html and "明天的" not in html
    assert reverse("notices:list") in html
    assert reverse("notices:policies") in html
    assert "door-soon" not in html  # both doors are real links now
