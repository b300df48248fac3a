"""The manager's week calendar and printable day sheet, through HTTP."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from bookings.views.calendar import mask_phone
from tests.bookings.conftest import at
from tests.bookings.test_manage import book, booking_row
from tests.factories import ClosureFactory, UserFactory, bookable_space

State = Booking.State
WEEK = datetime.timedelta(days=7)
CALENDAR = reverse("manage:booking_calendar")
SHEET = reverse("manage:booking_day_sheet")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def mine(manager_a):
    space = bookable_space(capacity=10)
    space.venue.managers.add(manager_a)
    return space


@pytest.fixture
def theirs(manager_b):
    space = bookable_space(capacity=10)
    space.venue.name = "别人的场所"
    space.venue.save()
    space.name = "别人的活动室"
    space.save()
    space.venue.managers.add(manager_b)
    return space


@pytest.fixture
def as_a(client, manager_a):
    client.force_login(manager_a)
    return client


def week_of(day) -> str:
    return f"{CALENDAR}?date={day:%Y-%m-%d}"


def cell(html: str, space, day) -> str:
    """The table cell of `space` on `day`: from its data-day to the next cell."""
    row = html[html.index(f">{space.name}</a>") :]
    start = row.index(f'data-day="{day:%Y-%m-%d}"')
    end = row.find('data-day="', start + 1)
    return row[start : end if end != -1 else None]


def test_the_week_shows_each_slot_as_free_held_full_or_closed(as_a, mine, users):
    when = at(2, 10)
    day = when.date()
    room = bookable_space(capacity=12, exclusive=True, approval="auto")
    room.venue = mine.venue
    room.save()
    book(users[0], mine, when, headcount=3)  # pending: 3 of 10 held
    book(users[1], room, when, headcount=5)  # approved at once: the room is full
    # A closed day in the same week (Monday to Sunday).
    shut = day + datetime.timedelta(days=1 if day.weekday() < 6 else -1)
    ClosureFactory(venue=mine.venue, start_date=shut)

    page = as_a.get(week_of(day)).content.decode()

    monday = day - datetime.timedelta(days=day.weekday())
    assert f"{monday:%Y-%m-%d} – " in page
    shared = cell(page, mine, day)
    assert re.search(r'10:00</span>\s*<span class="cal-seats">3/10', shared)
    assert "Pending" in shared
    assert re.search(r'11:00</span>\s*<span class="cal-seats">Free', shared)
    exclusive = cell(page, room, day)
    assert re.search(r'10:00</span>\s*<span class="cal-seats">Full', exclusive)
    closed = cell(page, mine, shut)
    assert "cal-slot-closed" in closed and "设备检修" in closed
    assert "cal-slot-free" not in closed


def test_a_pending_request_stands_out_with_approve_and_reject(as_a, mine, users):
    when = at(3, 14)
    pending = book(users[0], mine, when)
    page = as_a.get(week_of(when.date())).content.decode()
    assert "1 request this week is waiting for your decision." in page
    request_cell = cell(page, mine, when.date())
    assert f'data-booking="{pending.pk}"' in request_cell
    assert "Awaiting approval" in request_cell
    assert reverse("manage:booking_approve", args=[pending.pk]) in request_cell
    assert reverse("manage:booking_reject", args=[pending.pk]) in request_cell


def test_approve_and_reject_from_the_calendar_come_back_to_it(as_a, mine, users):
    when = at(3, 14)
    first = book(users[0], mine, when)
    second = book(users[1], mine, when + datetime.timedelta(hours=1))
    back = week_of(when.date())

    response = as_a.post(
        reverse("manage:booking_approve", args=[first.pk]), {"next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    response = as_a.post(
        reverse("manage:booking_reject", args=[second.pk]),
        {"next": back, "reason": "场地维修"},
    )
    assert response.status_code == 302 and response["Location"] == back

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.APPROVED, State.REJECTED)
    page = as_a.get(back).content.decode()
    assert "No requests are waiting for a decision this week." in page


def test_another_venues_spaces_and_requests_never_show(as_a, mine, theirs, users):
    when = at(3, 9)
    their_request = book(users[0], theirs, when)
    page = as_a.get(week_of(when.date())).content.decode()
    assert mine.venue.name in page
    assert theirs.venue.name not in page and theirs.name not in page
    assert f'data-booking="{their_request.pk}"' not in page

    # Asking for their venue is not a choice: an error, and still only mine.
    page = as_a.get(f"{week_of(when.date())}&venue={theirs.venue_id}").content.decode()
    assert "That venue is not one of yours; showing all your venues." in page
    assert theirs.name not in page and mine.name in page


def test_their_request_cannot_be_approved_from_my_calendar(as_a, mine, theirs, users):
    when = at(3, 9)
    their_request = book(users[0], theirs, when)
    response = as_a.post(
        reverse("manage:booking_approve", args=[their_request.pk]),
        {"next": week_of(when.date())},
    )
    assert response.status_code == 404
    their_request.refresh_from_db()
    assert their_request.state == State.PENDING


def test_the_venue_filter_keeps_to_one_of_my_venues(as_a, manager_a, mine):
    other = bookable_space(capacity=4)
    other.venue.managers.add(manager_a)
    everything = as_a.get(CALENDAR).content.decode()
    assert mine.venue.name in everything and other.venue.name in everything
    one = as_a.get(f"{CALENDAR}?venue={other.venue_id}").content.decode()
    assert other.name in one and f">{mine.name}</a>" not in one


@pytest.mark.parametrize("bad", ["9999-12-31", "not-a-day", "0001-01-01"])
def test_a_bad_day_is_a_translated_error_and_this_week(as_a, mine, bad):
    response = as_a.get(f"{CALENDAR}?date={bad}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Showing this week instead." in page
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    assert f"{monday:%Y-%m-%d} – " in page


def test_previous_and_next_week_links(as_a, mine):
    day = timezone.localdate()
    page = as_a.get(f"{CALENDAR}?date={day:%Y-%m-%d}&venue={mine.venue_id}").content
    page = page.decode()
    before = day - datetime.timedelta(days=7)
    after = day + datetime.timedelta(days=7)
    assert f"?date={before:%Y-%m-%d}&amp;venue={mine.venue_id}" in page
    assert f"?date={after:%Y-%m-%d}&amp;venue={mine.venue_id}" in page


def fill(manager, *, venues: int, spaces: int, bookings: int, day):
    """`venues` × `spaces` for `manager`, each with `bookings` pending requests."""
    for _ in range(venues):
        first = bookable_space(capacity=30)
        first.venue.managers.add(manager)
        for n in range(spaces):
            space = first if n == 0 else bookable_space(capacity=30)
            if n:
                space.venue = first.venue
                space.save()
            for hour in range(bookings):
                user = UserFactory()
                start = datetime.datetime.combine(
                    day,
                    datetime.time(8 + hour % 12),
                    tzinfo=timezone.get_default_timezone(),
                )
                booking_row(user, space, start=start, state=State.PENDING)
            ClosureFactory(venue=space.venue, start_date=day + WEEK * 5)


@pytest.mark.parametrize(
    "name", ["manage:booking_calendar", "manage:booking_day_sheet"]
)
def test_query_count_does_not_grow_with_spaces_or_bookings(
    client, manager_a, django_assert_max_num_queries, name
):
    day = at(4, 9).date()
    url = f"{reverse(name)}?date={day:%Y-%m-%d}"
    client.force_login(manager_a)
    fill(manager_a, venues=1, spaces=1, bookings=1, day=day)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    fill(manager_a, venues=3, spaces=3, bookings=6, day=day)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<tr") > 10


# -- The day sheet


def test_the_day_sheet_masks_phones_and_counts_heads(as_a, mine, theirs, users):
    when = at(2, 10)
    approved = booking_row(users[0], mine, start=when, headcount=4)
    approved.contact_phone = "13812345678"
    approved.save()
    waiting = booking_row(users[1], mine, start=when, headcount=3, state=State.PENDING)
    waiting.contact_phone = "0580-7654321"
    waiting.save()
    booking_row(users[2], theirs, start=when, headcount=9)

    response = as_a.get(f"{SHEET}?date={when:%Y-%m-%d}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "*******5678" in page and "13812345678" not in page
    assert "********4321" in page and "7654321" not in page
    assert str(users[0]) in page and str(users[1]) in page
    assert "4 people expected" in page  # the pending request is not counted
    assert theirs.venue.name not in page and str(users[2]) not in page
    assert "has-day-sheet" in page  # the print stylesheet's hook


def test_the_day_sheet_of_one_venue(as_a, manager_a, mine, users):
    other = bookable_space(capacity=4)
    other.venue.managers.add(manager_a)
    when = at(2, 10)
    booking_row(users[0], other, start=when, headcount=1)
    page = as_a.get(f"{SHEET}?date={when:%Y-%m-%d}&venue={mine.venue_id}").content
    assert mine.venue.name in page.decode() and str(users[0]) not in page.decode()


def test_the_day_sheet_refuses_a_bad_day_without_a_500(as_a, mine):
    response = as_a.get(f"{SHEET}?date=9999-12-31&venue=abc")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Showing today instead." in page
    assert "That venue is not one of yours; showing all your venues." in page


def test_print_stylesheet_exists():
    from pathlib import Path

    css = (Path(__file__).parents[2] / "static/css/app.css").read_text()
    assert "@media print" in css and ".has-day-sheet" in css


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "*******5678"),
        ("0580-1234567", "********4567"),
        ("123", "123"),
        ("", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked
