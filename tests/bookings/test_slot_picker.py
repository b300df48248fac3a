"""The slot picker (a strip of days, then one day's slots), my bookings, a
booking, and refusals that say how many seats are left; through HTTP."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.availability import STRIP_DAYS
from bookings.models import Booking, SpaceRules
from bookings.services import booking_approve, booking_create
from tests.bookings.conftest import at
from tests.factories import ClosureFactory, UserFactory


def availability(client, space, **params):
    return client.get(reverse("bookings:availability", args=[space.pk]), params)


def book(space, when, *, user=None, headcount=1):
    return booking_create(
        user=user or UserFactory(),
        space=space,
        start=when,
        headcount=headcount,
        purpose="x",
        contact_phone="13900000001",
    )


def test_the_strip_shows_the_next_days_and_opens_on_the_first_with_a_free_slot(
    client, space
):
    today = timezone.localdate()
    ClosureFactory(venue=space.venue, start_date=today, end_date=today)
    response = availability(client, space)
    page = response.content.decode()
    strip = response.context["strip"]
    assert [info.day for info in strip] == [
        today + datetime.timedelta(days=n) for n in range(STRIP_DAYS + 1)
    ][:STRIP_DAYS]
    # Today is closed, so it opens on tomorrow, and says so in words.
    assert response.context["day"] == today + datetime.timedelta(days=1)
    assert strip[0].free == 0 and strip[1].free == 14
    current = re.search(r'<a [^>]*aria-current="date"[^>]*>', page).group(0)
    assert f"date={strip[1].day.isoformat()}" in current
    assert "Closed" in page or "不开放" in page
    # Each slot is one link to the booking form with its start filled in.
    form_url = reverse("bookings:new", args=[space.pk])
    assert page.count(f'href="{form_url}?start=') == 14
    assert at(1, 8).isoformat().replace(":", "%3A").replace("+", "%2B") in page


def test_the_strip_ends_with_the_advance_window(client, space):
    SpaceRules.objects.filter(space=space).update(advance_days=3)
    strip = availability(client, space).context["strip"]
    assert len(strip) == 4  # today and three days ahead


def test_a_full_slot_and_a_past_slot_say_so_in_words(client, room):
    book(room, at(1, 10))
    page = availability(client, room, date=at(1, 0).date().isoformat())
    html = page.content.decode()
    off = r'<span class="slot-button slot-off">(.*?)</span>\s*</li>'
    full = re.search(off, html, re.S)
    assert full and "10:00" in full.group(1)
    assert "Fully booked." in html or "已约满" in html
    assert f"?start={at(1, 10).isoformat()}".replace(":", "%3A") not in html


def test_days_switch_by_plain_links_and_by_htmx(client, space):
    day = at(3, 0).date().isoformat()
    page = availability(client, space, date=day)
    assert page.templates[0].name == "bookings/availability.html"
    assert page.context["day"] == at(3, 0).date()
    partial = client.get(
        reverse("bookings:availability", args=[space.pk]),
        {"date": day},
        headers={"HX-Request": "true"},
    )
    html = partial.content.decode()
    assert partial.templates[0].name == "bookings/partials/availability.html"
    assert "<html" not in html
    # The day links work without JS and are swapped in by htmx with it.
    url = reverse("bookings:availability", args=[space.pk])
    assert f'href="{url}?date={day}"' in html
    assert 'data-hx-target="#availability-' in html
    assert not re.search(r"\shx-[a-z]", html)


def test_the_strip_costs_the_same_queries_however_many_days_are_booked(
    client, space, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6) as few:
        availability(client, space)
    for days in range(1, 10):
        book(space, at(days, 10))
    with django_assert_max_num_queries(len(few)):
        availability(client, space)


def test_the_venue_page_loads_the_picker_with_data_hx_attributes(client, space):
    page = client.get(space.venue.get_absolute_url()).content.decode()
    url = reverse("bookings:availability", args=[space.pk])
    assert f'data-hx-get="{url}"' in page
    assert f'href="{url}"' in page  # without JS
    assert not re.search(r"\shx-[a-z]", page)


def test_a_refusal_says_how_many_seats_are_left(client, worker, space):
    book(space, at(1, 10), headcount=8)
    client.force_login(worker)
    response = client.post(
        reverse("bookings:new", args=[space.pk]),
        {
            "start": at(1, 10).isoformat(),
            "slot_count": "1",
            "headcount": "3",
            "purpose": "学习",
            "contact_phone": "13900000001",
        },
    )
    [error] = response.context["form"].non_field_errors()
    assert "2" in error
    assert "just taken" not in error
    assert Booking.objects.filter(user=worker).count() == 0


def test_a_refusal_of_a_full_slot_says_it_is_fully_booked(client, worker, room):
    book(room, at(1, 10))
    client.force_login(worker)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("bookings:new", args=[room.pk]),
        {
            "start": at(1, 10).isoformat(),
            "slot_count": "1",
            "headcount": "2",
            "purpose": "学习",
            "contact_phone": "13900000001",
        },
    )
    [error] = response.context["form"].non_field_errors()
    assert error == "Sorry, this time is fully booked."


@pytest.fixture
def my_booking(worker, space):
    def make(when):
        return book(space, when, user=worker)

    return make


def test_cancel_is_offered_only_before_the_cut_off(client, worker, my_booking):
    soon = timezone.localtime() + datetime.timedelta(hours=3)
    client.force_login(worker)
    later = my_booking(at(2, 10))
    page = client.get(later.get_absolute_url()).content.decode()
    assert reverse("bookings:cancel", args=[later.pk]) in page
    # 120 minutes before the start: a booking an hour away is past it.
    Booking.objects.filter(pk=later.pk).update(
        start=soon - datetime.timedelta(hours=2), end=soon
    )
    page = client.get(later.get_absolute_url()).content.decode()
    assert reverse("bookings:cancel", args=[later.pk]) not in page
    response = client.post(reverse("bookings:cancel", args=[later.pk]))
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.state == Booking.State.PENDING


def test_my_bookings_and_a_booking_are_cards_with_state_badges(
    client, worker, manager_a, my_booking
):
    booking = my_booking(at(2, 10))
    booking_approve(booking=booking, actor=manager_a)
    client.force_login(worker)
    listing = client.get(reverse("bookings:list")).content.decode()
    assert 'class="booking-state booking-state-approved"' in listing
    assert 'class="booking-item"' in listing
    detail = client.get(booking.get_absolute_url()).content.decode()
    assert f'<span class="check-in-code">{booking.check_in_code}</span>' in detail
    assert 'class="booking-state booking-state-approved"' in detail


def test_time_elements_carry_no_microseconds(client, worker, my_booking):
    booking = my_booking(at(2, 10))
    client.force_login(worker)
    for url in (booking.get_absolute_url(), reverse("bookings:list")):
        page = client.get(url).content.decode()
        values = re.findall(r'<time datetime="([^"]*)"', page)
        assert values, url
        for value in values:
            assert re.fullmatch(
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", value
            ), value
