"""The user end of bookings, through HTTP."""

import icalendar
import pytest
from django.urls import reverse

from bookings.models import Booking
from bookings.services import (
    booking_approve,
    booking_cancel,
    booking_create,
    booking_reject,
)
from tests.bookings.conftest import at
from tests.factories import UserFactory
from tests.tasks import run_worker


def request_data(when, **overrides):
    return {
        "start": when.isoformat(),
        "slot_count": "1",
        "headcount": "3",
        "purpose": "班组学习",
        "contact_phone": "13900000001",
        **overrides,
    }


def request_booking(user, space, **fields):
    """`user`'s request for one person in two days at 10:00."""
    return booking_create(
        user=user,
        space=space,
        start=at(2, 10),
        headcount=1,
        purpose="x",
        contact_phone=user.phone,
        **fields,
    )


def test_availability_lists_slots_with_seats_left(client, space):
    booking_create(
        user=UserFactory(),
        space=space,
        start=at(1, 10),
        headcount=4,
        purpose="x",
        contact_phone="13900000001",
    )
    url = reverse("bookings:availability", args=[space.pk])
    response = client.get(url, {"date": at(1, 0).date().isoformat()})
    slots = {slot.start: slot for slot in response.context["slots"]}
    assert slots[at(1, 10)].seats_left == 6
    assert slots[at(1, 9)].seats_left == 10
    assert response.templates[0].name == "bookings/availability.html"


def test_availability_answers_htmx_with_the_partial_only(client, space):
    url = reverse("bookings:availability", args=[space.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.templates[0].name == "bookings/partials/availability.html"
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("date", ["2020-01-01", "not-a-date", "2999-12-31"])
def test_availability_refuses_days_outside_the_window(client, space, date):
    url = reverse("bookings:availability", args=[space.pk])
    response = client.get(url, {"date": date})
    assert response.status_code == 200
    assert response.context["day_form"].errors
    assert response.context["slots"] == []


def test_availability_of_a_walk_in_venue_is_not_found(client, space):
    space.venue.is_bookable = False
    space.venue.save()
    url = reverse("bookings:availability", args=[space.pk])
    assert client.get(url).status_code == 404


def test_venue_page_loads_each_spaces_availability(client, space):
    page = client.get(space.venue.get_absolute_url()).content.decode()
    assert reverse("bookings:availability", args=[space.pk]) in page


def test_booking_form_prefills_the_contact_phone(client, worker, space):
    client.force_login(worker)
    url = reverse("bookings:new", args=[space.pk])
    response = client.get(url, {"start": at(1, 10).isoformat()})
    assert response.context["form"]["contact_phone"].value() == worker.phone
    assert response.context["start"] == at(1, 10)


def test_anonymous_is_sent_to_log_in_before_booking(client, space):
    response = client.get(reverse("bookings:new", args=[space.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_request_a_booking_and_see_it_pending(client, worker, space):
    client.force_login(worker)
    response = client.post(
        reverse("bookings:new", args=[space.pk]), request_data(at(1, 10))
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == booking.get_absolute_url()
    assert booking.state == Booking.State.PENDING
    assert (booking.user, booking.headcount) == (worker, 3)
    page = client.get(reverse("bookings:list")).content.decode()
    assert space.venue.name in page


@pytest.mark.parametrize(
    ("overrides", "start"),
    [
        ({"headcount": "0"}, at(1, 10)),
        ({"headcount": "-2"}, at(1, 10)),
        ({"headcount": "99999"}, at(1, 10)),
        ({"headcount": "三"}, at(1, 10)),
        ({"contact_phone": "12345"}, at(1, 10)),
        ({"purpose": ""}, at(1, 10)),
        ({"slot_count": "9"}, at(1, 10)),
        ({}, at(-1, 10)),  # past
        ({}, at(1, 10, 15)),  # misaligned
        ({}, at(1, 23)),  # outside hours
        ({}, at(30, 10)),  # beyond the window
        ({"start": "yesterday"}, at(1, 10)),
    ],
)
def test_bad_requests_get_an_error_and_change_nothing(
    client, worker, space, overrides, start
):
    client.force_login(worker)
    response = client.post(
        reverse("bookings:new", args=[space.pk]), request_data(start, **overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Booking.objects.exists()


def test_a_double_submit_books_once(client, worker, space):
    client.force_login(worker)
    url = reverse("bookings:new", args=[space.pk])
    client.post(url, request_data(at(1, 10)))
    response = client.post(url, request_data(at(1, 10)))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Booking.objects.count() == 1


def test_a_lost_race_offers_the_nearest_free_slots(client, users, room):
    booking_create(
        user=users[0],
        space=room,
        start=at(1, 10),
        headcount=2,
        purpose="x",
        contact_phone="13900000001",
    )
    client.force_login(users[1])
    response = client.post(
        reverse("bookings:new", args=[room.pk]), request_data(at(1, 10))
    )
    assert response.status_code == 200
    starts = [slot.start for slot in response.context["alternatives"]]
    assert at(1, 9) in starts and at(1, 11) in starts


def test_someone_elses_booking_is_not_found(client, worker, space):
    other = booking_create(
        user=UserFactory(),
        space=space,
        start=at(1, 10),
        headcount=1,
        purpose="x",
        contact_phone="13900000001",
    )
    client.force_login(worker)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.post(reverse("bookings:cancel", args=[other.pk])).status_code == 404
    assert client.get(reverse("bookings:ics", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.state == Booking.State.PENDING


def test_cancel_my_booking(client, worker, space):
    booking = request_booking(worker, space)
    client.force_login(worker)
    response = client.post(reverse("bookings:cancel", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED


def test_a_bookings_page_asks_three_queries_whatever_its_history(
    client, worker, manager_a, space, django_assert_num_queries
):
    """The session with its user, the booking with its space, venue, rules and
    review, and its events: the page draws no actor and asks nothing per event."""
    booking = request_booking(worker, space)
    booking_approve(booking=booking, actor=manager_a)
    booking_cancel(booking=booking, actor=worker)
    client.force_login(worker)
    client.get(booking.get_absolute_url())
    with django_assert_num_queries(3):
        page = client.get(booking.get_absolute_url()).content.decode()
    assert page.count("<time datetime=") == 3  # requested, approved, cancelled


def test_approved_booking_shows_qr_code_and_a_valid_calendar_file(
    client, worker, manager_a, space
):
    booking = request_booking(worker, space, slot_count=2)
    client.force_login(worker)
    assert client.get(reverse("bookings:ics", args=[booking.pk])).status_code == 404
    booking_approve(booking=booking, actor=manager_a)
    page = client.get(booking.get_absolute_url()).content.decode()
    assert "<svg" in page and booking.check_in_code in page
    response = client.get(reverse("bookings:ics", args=[booking.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == at(2, 10)
    assert event.decoded("dtend") == at(2, 12)
    assert str(event["dtstart"].params["TZID"]) == "Asia/Shanghai"
    assert calendar.walk("VTIMEZONE")
    assert space.venue.name in str(event["summary"])


def test_inbox_lists_decisions_and_marks_them_read(client, worker, manager_a, space):
    booking = request_booking(worker, space)
    booking_reject(booking=booking, actor=manager_a, reason="场地维修")
    client.force_login(worker)
    assert client.get(reverse("home")).context["unread_count"] == 1
    page = client.get(reverse("inbox")).content.decode()
    assert "场地维修" in page
    assert not worker.notifications.filter(read_at__isnull=True).exists()


def test_decision_is_also_emailed_when_the_user_has_an_address(
    worker, manager_a, space, mailoutbox, django_capture_on_commit_callbacks
):
    worker.email = "li@example.cn"
    worker.save()
    booking = request_booking(worker, space)
    with django_capture_on_commit_callbacks(execute=True):
        booking_approve(booking=booking, actor=manager_a)
    assert mailoutbox == []  # queued: the worker sends it
    run_worker()
    assert [mail.to for mail in mailoutbox] == [["li@example.cn"]]
