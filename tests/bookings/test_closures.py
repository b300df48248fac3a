"""Closures of a whole venue, of one space, or of some hours of one day: added
by the manager through the closures page, they block exactly what they close."""

import datetime

import pytest
from django.urls import reverse

from bookings.models import Booking, SpaceRules
from tests.bookings.conftest import at
from tests.bookings.test_portal import request_data
from tests.factories import SpaceFactory, VenueFactory
from venues.models import Closure, Venue


@pytest.fixture
def other_space(space):
    """A second space of the same venue, sharing its hours."""
    other = SpaceFactory(venue=space.venue, name="会议室", capacity=10)
    SpaceRules.objects.create(space=other)
    return other


def close(client, venue, **fields) -> object:
    data = {"reason": "设备检修", **fields}
    return client.post(reverse("manage:venue_closures", args=[venue.pk]), data)


def book(client, space, when):
    return client.post(reverse("bookings:new", args=[space.pk]), request_data(when))


def day(days: int) -> str:
    return at(days, 0).date().isoformat()


def test_a_space_closure_refuses_that_space_and_not_the_others(
    client, manager_a, worker, space, other_space
):
    client.force_login(manager_a)
    response = close(
        client, space.venue, space=space.pk, start_date=day(2), end_date=day(2)
    )
    assert response.status_code == 302
    client.force_login(worker)
    assert book(client, space, at(2, 10)).status_code == 200  # refused
    assert not Booking.objects.filter(space=space).exists()
    assert book(client, other_space, at(2, 10)).status_code == 302
    assert book(client, space, at(3, 10)).status_code == 302  # the day after
    assert Venue.objects.open_at(at(2, 10)).filter(pk=space.venue.pk).exists()


def test_a_slot_closure_refuses_the_hours_it_covers_only(
    client, manager_a, worker, space, other_space
):
    client.force_login(manager_a)
    response = close(
        client,
        space.venue,
        space=space.pk,
        start_date=day(2),
        end_date=day(2),
        start_time="14:00",
        end_time="16:00",
    )
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert (closure.start_time, closure.end_time) == (
        datetime.time(14),
        datetime.time(16),
    )
    client.force_login(worker)
    for hour in (14, 15):
        assert book(client, space, at(2, hour)).status_code == 200
    assert not Booking.objects.exists()
    assert book(client, space, at(2, 13)).status_code == 302
    assert book(client, space, at(2, 16)).status_code == 302
    assert book(client, other_space, at(2, 14)).status_code == 302
    strip = client.get(
        reverse("bookings:availability", args=[space.pk]), {"date": day(2)}
    ).content.decode()
    assert "13:00–14:00" in strip and "16:00–17:00" in strip
    assert "14:00–15:00" not in strip and "15:00–16:00" not in strip


def test_a_venue_wide_slot_closure_covers_every_space(
    client, manager_a, worker, space, other_space
):
    client.force_login(manager_a)
    close(
        client,
        space.venue,
        start_date=day(2),
        end_date=day(2),
        start_time="09:00",
        end_time="12:00",
    )
    client.force_login(worker)
    assert book(client, space, at(2, 10)).status_code == 200
    assert book(client, other_space, at(2, 11)).status_code == 200
    assert book(client, other_space, at(2, 12)).status_code == 302
    # Some hours shut do not make the venue "closed" all day.
    assert Venue.objects.open_at(at(2, 14)).filter(pk=space.venue.pk).exists()


def test_a_slot_closure_cancels_only_the_bookings_it_overlaps(
    client, manager_a, worker, space, other_space
):
    client.force_login(worker)
    book(client, space, at(2, 10))
    book(client, space, at(2, 14))
    book(client, other_space, at(2, 14))
    hit = Booking.objects.get(space=space, start=at(2, 14))
    client.force_login(manager_a)
    response = close(
        client,
        space.venue,
        space=space.pk,
        start_date=day(2),
        end_date=day(2),
        start_time="13:30",
        end_time="15:00",
    )
    assert response.status_code == 302
    cancelled = Booking.objects.filter(state=Booking.State.CANCELLED)
    assert list(cancelled) == [hit]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start_time": "14:00"}, "end_time"),
        ({"end_time": "14:00"}, "start_time"),
        ({"start_time": "14:00", "end_time": "13:00"}, "end_time"),
        ({"start_time": "14:00", "end_time": "14:00"}, "end_time"),
        ({"start_time": "14:00", "end_time": "16:00", "end_date": day(3)}, "end_date"),
        ({"start_time": "2pm", "end_time": "16:00"}, "start_time"),
    ],
)
def test_bad_closure_hours_are_refused_clearly(client, manager_a, space, fields, field):
    client.force_login(manager_a)
    data = {"start_date": day(2), "end_date": day(2), **fields}
    response = close(client, space.venue, **data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Closure.objects.exists()


def test_a_space_of_another_venue_is_refused(client, manager_a, space):
    stranger = SpaceFactory(venue=VenueFactory())
    client.force_login(manager_a)
    response = close(
        client, space.venue, space=stranger.pk, start_date=day(2), end_date=day(2)
    )
    assert response.status_code == 200
    assert "space" in response.context["form"].errors
    assert not Closure.objects.exists()


def test_the_closures_page_says_what_is_closed(client, manager_a, space):
    client.force_login(manager_a)
    close(
        client,
        space.venue,
        space=space.pk,
        start_date=day(2),
        end_date=day(2),
        start_time="14:00",
        end_time="16:00",
    )
    page = client.get(
        reverse("manage:venue_closures", args=[space.venue.pk])
    ).content.decode()
    assert f"{day(2)} 14:00–16:00" in page
    assert space.name in page
