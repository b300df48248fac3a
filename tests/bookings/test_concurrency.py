"""Real parallel connections racing for the last seats (PostgreSQL only).

A test wrapped in one transaction cannot race, so these use `transactional_db`;
each thread opens its own connection and closes it when done.
"""

import pytest
from django.core.management import call_command
from django.db import connection

from bookings.models import Booking, Slot
from bookings.services import booking_create
from tests import concurrency
from tests.bookings.conftest import at
from tests.factories import UserFactory, bookable_space

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)


def race(space, attempts, *, headcount=1, slot_count=1):
    """One booking request per (user, start), all at once; how each ended."""
    return concurrency.race(
        [
            lambda user=user, start=start: booking_create(
                user=user,
                space=space,
                start=start,
                slot_count=slot_count,
                headcount=headcount,
                purpose="抢座",
                contact_phone=user.phone,
            )
            for user, start in attempts
        ],
        success="booked",
    )


@pytest.mark.django_db(transaction=True)
def test_twenty_four_clients_race_for_five_seats():
    space = bookable_space(capacity=8)
    early = UserFactory()
    booking_create(
        user=early,
        space=space,
        start=at(1, 10),
        headcount=3,
        purpose="先到",
        contact_phone=early.phone,
    )
    users = UserFactory.create_batch(24)
    results = race(space, [(user, at(1, 10)) for user in users])
    assert results.count("booked") == 5
    assert set(results) == {"booked", "taken"}
    assert Slot.objects.get(space=space, start=at(1, 10)).seats_taken == 8
    call_command("check_seats")  # exits non-zero on any drift


@pytest.mark.django_db(transaction=True)
def test_exclusive_room_goes_to_exactly_one_of_twenty_over_overlapping_slots():
    space = bookable_space(capacity=12, exclusive=True)
    users = UserFactory.create_batch(20)
    # Half ask for 10:00–12:00, half for 11:00–13:00: all overlap at 11:00.
    attempts = [(user, at(1, 10 + index % 2)) for index, user in enumerate(users)]
    results = race(space, attempts, headcount=4, slot_count=2)
    assert results.count("booked") == 1
    assert Booking.objects.count() == 1
    call_command("check_seats")


@pytest.mark.django_db(transaction=True)
def test_one_person_double_submitting_in_parallel_gets_one_booking():
    space = bookable_space(capacity=30)
    user = UserFactory()
    results = race(space, [(user, at(1, 15))] * 20)
    assert results.count("booked") == 1
    assert set(results) - {"booked"} <= {"duplicate", "user_limit"}
    assert Booking.objects.filter(user=user).count() == 1
    call_command("check_seats")
