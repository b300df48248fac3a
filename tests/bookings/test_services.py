import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bookings.availability import day_slots
from bookings.models import Booking, BookingEvent, Slot
from bookings.services import (
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_mark_no_show,
    booking_reject,
    bookings_cancel_for_closure,
    bookings_expire,
    seat_drift,
)
from qunxian.models import Notification
from qunxian.workflow import Refused
from tests.bookings.conftest import at
from tests.factories import ClosureFactory, UserFactory, bookable_space

State = Booking.State


def book(user, space, start, **kwargs):
    return booking_create(
        user=user,
        space=space,
        start=start,
        headcount=kwargs.pop("headcount", 2),
        purpose="班组学习",
        contact_phone=user.phone,
        **kwargs,
    )


def seats_taken(space, start):
    return Slot.objects.get(space=space, start=start).seats_taken


# Requests and their rules


def test_request_in_a_manual_space_is_pending_and_holds_seats(space, worker):
    booking = book(worker, space, at(1, 10), headcount=4, slot_count=2)
    assert booking.state == State.PENDING
    assert (booking.start, booking.end) == (at(1, 10), at(1, 12))
    assert seats_taken(space, at(1, 10)) == seats_taken(space, at(1, 11)) == 4
    assert booking.events.get().to_state == State.PENDING


def test_request_in_an_automatic_space_is_approved_and_the_user_told(room, worker):
    booking = book(worker, room, at(1, 10), headcount=8)
    assert booking.state == State.APPROVED
    assert seats_taken(room, at(1, 10)) == 1  # exclusive: one booking fills it
    assert Notification.objects.filter(user=worker).count() == 1


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (lambda: at(-1, 10), "timing"),  # past
        (lambda: at(1, 10, 30), "no_slot"),  # misaligned
        (lambda: at(1, 6), "no_slot"),  # before opening
        (lambda: at(1, 21, 30), "no_slot"),  # would end after closing
        (lambda: at(20, 10), "timing"),  # beyond the 14-day window
        (lambda: timezone.localtime() + datetime.timedelta(minutes=30), "no_slot"),
    ],
)
def test_requests_outside_the_rules_are_refused(space, worker, start, code):
    with pytest.raises(Refused) as refused:
        book(worker, space, start())
    assert refused.value.code == code
    assert not Booking.objects.exists() and not Slot.objects.exists()


def test_request_inside_the_minimum_notice_is_refused(space, worker):
    now = at(1, 9, 30)
    with pytest.raises(Refused) as refused:
        book(worker, space, at(1, 10), now=now)
    assert refused.value.code == "timing"


def test_closed_day_offers_no_slots_and_refuses_requests(space, worker):
    ClosureFactory(
        venue=space.venue,
        start_date=timezone.localdate() + datetime.timedelta(days=2),
        reason="设备检修",
    )
    assert day_slots(space, at(2, 0).date()) == []
    with pytest.raises(Refused):
        book(worker, space, at(2, 10))


@pytest.mark.parametrize("headcount", [0, -1, 11, 10_000])
def test_headcount_must_fit_the_space(space, worker, headcount):
    with pytest.raises(Refused) as refused:
        book(worker, space, at(1, 10), headcount=headcount)
    assert refused.value.code == "headcount"


def test_too_many_consecutive_slots_are_refused(space, worker):
    with pytest.raises(Refused) as refused:
        book(worker, space, at(1, 10), slot_count=3)
    assert refused.value.code == "slot_count"


def test_per_user_limit_of_active_bookings(space, worker):
    for hour in (9, 11, 13):
        book(worker, space, at(1, hour))
    with pytest.raises(Refused) as refused:
        book(worker, space, at(1, 15))
    assert refused.value.code == "user_limit"


def test_seats_run_out_with_a_friendly_offer_of_other_slots(space, users):
    book(users[0], space, at(1, 10), headcount=6)
    with pytest.raises(Refused) as refused:
        book(users[1], space, at(1, 10), headcount=5)
    assert refused.value.code == "taken"
    assert [slot.start for slot in refused.value.alternatives] == [
        at(1, 9),
        at(1, 11),
        at(1, 8),
    ] or len(refused.value.alternatives) == 3
    assert seats_taken(space, at(1, 10)) == 6
    book(users[1], space, at(1, 10), headcount=4)
    assert seats_taken(space, at(1, 10)) == 10


def test_exclusive_space_takes_one_booking_per_slot(room, users):
    book(users[0], room, at(1, 10), headcount=1)
    with pytest.raises(Refused) as refused:
        book(users[1], room, at(1, 10), headcount=1)
    assert refused.value.code == "taken"


def test_same_person_cannot_hold_the_same_slot_twice(space, worker):
    book(worker, space, at(1, 10))
    with pytest.raises(Refused) as refused:
        book(worker, space, at(1, 10))
    assert refused.value.code == "duplicate"
    assert Booking.objects.count() == 1


def test_fair_use_no_shows_turn_automatic_approval_into_manual(room, worker, settings):
    for days in (1, 2, 3):
        Booking.objects.create(
            user=worker,
            space=room,
            start=at(-days, 10),
            end=at(-days, 11),
            headcount=1,
            seats=1,
            purpose="x",
            contact_phone=worker.phone,
            state=State.NO_SHOW,
        )
    booking = book(worker, room, at(1, 10))
    assert booking.state == State.PENDING
    assert booking.fair_use_hold
    assert "3" in booking.events.get().reason


# Transitions


def test_approve_then_check_in(space, worker, manager_a):
    booking = book(worker, space, at(1, 10))
    booking = booking_approve(booking=booking, actor=manager_a)
    assert booking.state == State.APPROVED
    booking = booking_check_in(booking=booking, actor=manager_a, now=at(1, 9, 45))
    assert booking.state == State.ATTENDED
    assert [e.to_state for e in booking.events.all()] == [
        State.PENDING,
        State.APPROVED,
        State.ATTENDED,
    ]
    assert seats_taken(space, at(1, 10)) == 2


def test_reject_needs_a_reason_and_gives_seats_back(space, worker, manager_a):
    booking = book(worker, space, at(1, 10), headcount=3)
    with pytest.raises(Refused):
        booking_reject(booking=booking, actor=manager_a, reason=" ")
    booking = booking_reject(booking=booking, actor=manager_a, reason="场地维修")
    assert booking.state == State.REJECTED
    assert seats_taken(space, at(1, 10)) == 0
    assert booking.events.last().reason == "场地维修"
    assert Notification.objects.filter(user=worker, body__contains="场地维修").exists()


def test_user_cancels_before_the_cutoff_only(space, worker):
    booking = book(worker, space, at(1, 10))
    with pytest.raises(Refused) as refused:
        booking_cancel(booking=booking, actor=worker, now=at(1, 8, 30))
    assert refused.value.code == "cutoff"
    booking = booking_cancel(booking=booking, actor=worker, now=at(1, 7, 30))
    assert booking.state == State.CANCELLED
    assert seats_taken(space, at(1, 10)) == 0


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ("rejected", lambda b, u: booking_approve(booking=b, actor=u)),
        ("rejected", lambda b, u: booking_cancel(booking=b, actor=u, by_venue=True)),
        ("pending", lambda b, u: booking_check_in(booking=b, actor=u, now=b.start)),
        ("pending", lambda b, u: booking_mark_no_show(booking=b, actor=u, now=b.end)),
        ("cancelled", lambda b, u: booking_reject(booking=b, actor=u, reason="x")),
    ],
)
def test_transitions_from_the_wrong_state_are_refused(
    space, worker, manager_a, setup, action
):
    booking = book(worker, space, at(1, 10))
    if setup == "rejected":
        booking = booking_reject(booking=booking, actor=manager_a, reason="满")
    elif setup == "cancelled":
        booking = booking_cancel(booking=booking, actor=worker)
    events = BookingEvent.objects.count()
    with pytest.raises(Refused) as refused:
        action(booking, manager_a)
    assert refused.value.code == "wrong_state"
    assert BookingEvent.objects.count() == events


def test_no_show_only_after_the_start(space, worker, manager_a):
    booking = booking_approve(booking=book(worker, space, at(1, 10)), actor=manager_a)
    with pytest.raises(Refused):
        booking_mark_no_show(booking=booking, actor=manager_a, now=at(1, 9))
    booking = booking_mark_no_show(booking=booking, actor=manager_a, now=at(1, 10, 5))
    assert booking.state == State.NO_SHOW


def test_check_in_window(space, worker, manager_a):
    booking = booking_approve(booking=book(worker, space, at(1, 10)), actor=manager_a)
    with pytest.raises(Refused):
        booking_check_in(booking=booking, actor=manager_a, now=at(1, 9))
    with pytest.raises(Refused):
        booking_check_in(booking=booking, actor=manager_a, now=at(1, 11))


def test_expire_pending_past_start_is_idempotent(space, worker, manager_a):
    pending = book(worker, space, at(1, 10))
    approved = booking_approve(booking=book(worker, space, at(1, 12)), actor=manager_a)
    later = book(worker, space, at(2, 10))
    assert bookings_expire(now=at(1, 13)) == 1
    assert bookings_expire(now=at(1, 13)) == 0
    pending.refresh_from_db()
    approved.refresh_from_db()
    later.refresh_from_db()
    assert (pending.state, approved.state, later.state) == (
        State.EXPIRED,
        State.APPROVED,
        State.PENDING,
    )
    assert seats_taken(space, at(1, 10)) == 0


def test_a_closure_cancels_the_bookings_it_hits_and_tells_users(
    space, users, manager_a
):
    hit = book(users[0], space, at(3, 10))
    spared = book(users[1], space, at(4, 10))
    day = at(3, 0).date()
    closure = ClosureFactory(
        venue=space.venue, start_date=day, end_date=day, reason="台风停业"
    )
    count = bookings_cancel_for_closure(closure=closure, actor=manager_a)
    assert count == 1
    hit.refresh_from_db()
    spared.refresh_from_db()
    assert hit.state == State.CANCELLED and spared.state == State.PENDING
    assert Notification.objects.get(user=users[0]).body.endswith("台风停业")


def test_check_seats_reports_and_repairs_drift(space, worker):
    book(worker, space, at(1, 10), headcount=3)
    assert seat_drift() == []
    call_command("check_seats")
    Slot.objects.update(seats_taken=7)
    with pytest.raises(CommandError):  # a non-zero exit from the command line
        call_command("check_seats")
    call_command("check_seats", "--repair")
    assert seats_taken(space, at(1, 10)) == 3


def test_database_refuses_overbooking_whatever_the_code(space, worker):
    from django.db import IntegrityError, transaction

    book(worker, space, at(1, 10), headcount=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.update(seats_taken=11)


def test_user_factory_phone_sequence_is_valid(db):
    UserFactory().full_clean(exclude=["password"])


def test_bookable_space_helper_makes_open_hours(db):
    space = bookable_space()
    assert len(day_slots(space, at(1, 0).date())) == 14


def test_closure_page_cancels_hit_bookings(client, manager_a, worker):
    from django.urls import reverse

    space = bookable_space()
    space.venue.managers.add(manager_a)
    hit = book(worker, space, at(3, 10))
    day = at(3, 0).date().isoformat()
    client.force_login(manager_a)
    response = client.post(
        reverse("manage:venue_closures", args=[space.venue.pk]),
        {"start_date": day, "end_date": day, "reason": "台风停业"},
        follow=True,
    )
    assert response.status_code == 200
    hit.refresh_from_db()
    assert hit.state == State.CANCELLED
    assert hit.events.last().reason == "台风停业"
