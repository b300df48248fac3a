"""The venue-manager end for bookings: queue, decisions, day view, door, rules."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingEvent, Slot, SpaceRules
from bookings.services import (
    booking_approve,
    booking_create,
    booking_reject,
    space_rules_update,
)
from qunxian.models import AuditEntry, Notification
from tests.bookings.conftest import at
from tests.factories import SpaceFactory, UserFactory, bookable_space

State = Booking.State
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def mine(manager_a):
    """A bookable space at a venue manager_a runs."""
    space = bookable_space(capacity=10)
    space.venue.managers.add(manager_a)
    return space


@pytest.fixture
def theirs(manager_b):
    space = bookable_space(capacity=10)
    space.venue.managers.add(manager_b)
    return space


@pytest.fixture
def as_a(client, manager_a):
    client.force_login(manager_a)
    return client


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


def booking_row(user, space, *, start, state=State.APPROVED, headcount=2):
    """A booking written straight to the table: for times services refuse now."""
    return Booking.objects.create(
        user=user,
        space=space,
        start=start,
        end=start + HOUR,
        headcount=headcount,
        seats=headcount,
        purpose="班组学习",
        contact_phone=user.phone,
        state=state,
    )


def this_hour():
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def state_of(booking) -> str:
    return Booking.objects.get(pk=booking.pk).state


def seats_taken(space, start):
    return Slot.objects.get(space=space, start=start).seats_taken


# --- the queue ---------------------------------------------------------------


def test_queue_lists_only_my_pending_bookings_oldest_request_first(
    as_a, manager_a, mine, theirs, users
):
    later_slot_asked_first = book(users[0], mine, at(2, 10))
    earlier_slot_asked_later = book(users[1], mine, at(1, 10))
    approved = booking_approve(booking=book(users[2], mine, at(1, 12)), actor=manager_a)
    other_venue = book(users[3], theirs, at(1, 10))

    response = as_a.get(reverse("manage:booking_queue"))

    assert response.status_code == 200
    assert list(response.context["bookings"]) == [
        later_slot_asked_first,
        earlier_slot_asked_later,
    ]
    assert approved not in response.context["bookings"]
    assert other_venue not in response.context["bookings"]
    assert str(users[3]) not in response.content.decode()


def test_queue_filters_by_venue_space_and_date(as_a, manager_a, mine, users):
    second_space = SpaceFactory(venue=mine.venue, capacity=10)
    SpaceRules.objects.create(space=second_space)
    other_venue = bookable_space()
    other_venue.venue.managers.add(manager_a)
    tomorrow = book(users[0], mine, at(1, 10))
    day_after = book(users[1], mine, at(2, 10))
    in_second = book(users[2], second_space, at(1, 10))
    elsewhere = book(users[3], other_venue, at(1, 10))
    url = reverse("manage:booking_queue")

    def listed(**params):
        return set(as_a.get(url, params).context["bookings"])

    assert listed() == {tomorrow, day_after, in_second, elsewhere}
    assert listed(venue=mine.venue.pk) == {tomorrow, day_after, in_second}
    assert listed(space=mine.pk) == {tomorrow, day_after}
    assert listed(date=at(2, 0).date().isoformat()) == {day_after}
    assert listed(venue=mine.venue.pk, date=at(1, 0).date().isoformat()) == {
        tomorrow,
        in_second,
    }


def test_queue_filter_choices_are_my_venues_and_spaces_only(as_a, mine, theirs, users):
    theirs_booking = book(users[0], theirs, at(1, 10))
    response = as_a.get(reverse("manage:booking_queue"))
    form = response.context["filter"].form
    assert theirs.venue not in form.fields["venue"].queryset
    assert theirs not in form.fields["space"].queryset
    assert mine in form.fields["space"].queryset
    # Asking for someone else's venue or space is an invalid choice: nothing shown.
    for params in ({"venue": theirs.venue.pk}, {"space": theirs.pk}):
        response = as_a.get(reverse("manage:booking_queue"), params)
        assert list(response.context["bookings"]) == []
        assert theirs_booking not in response.context["bookings"]


def test_queue_query_count_does_not_grow_with_the_bookings(
    as_a, mine, django_assert_max_num_queries
):
    def pending(count):
        for _ in range(count):
            n = Booking.objects.count()
            start = at(1 + n // 10, 8 + n % 10)
            booking_row(UserFactory(), mine, start=start, state=State.PENDING)

    url = reverse("manage:booking_queue")
    pending(3)
    with CaptureQueriesContext(connection) as few:
        assert len(as_a.get(url).context["bookings"]) == 3
    pending(27)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        assert len(as_a.get(url).context["bookings"]) == 30
    assert len(few) == len(many)


# --- deciding one at a time --------------------------------------------------


def test_approve_changes_state_through_the_service_and_tells_the_user(
    as_a, manager_a, mine, worker
):
    booking = book(worker, mine, at(1, 10))
    response = as_a.post(reverse("manage:booking_approve", args=[booking.pk]))
    assert response.status_code == 302
    assert state_of(booking) == State.APPROVED
    event = BookingEvent.objects.filter(booking=booking).last()
    assert (event.to_state, event.actor) == (State.APPROVED, manager_a)
    assert Notification.objects.filter(user=worker, title="Booking approved").exists()
    assert any("Approved" in text for text in texts(response))


def test_reject_needs_a_reason_gives_seats_back_and_tells_the_user(as_a, mine, worker):
    booking = book(worker, mine, at(1, 10), headcount=4)
    url = reverse("manage:booking_reject", args=[booking.pk])

    response = as_a.post(url, {"reason": "  "})
    assert state_of(booking) == State.PENDING
    assert seats_taken(mine, at(1, 10)) == 4
    assert "Please give a reason." in texts(response)

    response = as_a.post(url, {"reason": "场地维修"})
    assert state_of(booking) == State.REJECTED
    assert seats_taken(mine, at(1, 10)) == 0
    assert BookingEvent.objects.filter(booking=booking).last().reason == "场地维修"
    assert Notification.objects.filter(user=worker, body__contains="场地维修").exists()


def test_action_from_the_queue_returns_to_the_filtered_queue(as_a, mine, worker):
    booking = book(worker, mine, at(1, 10))
    back = reverse("manage:booking_queue") + f"?space={mine.pk}"
    response = as_a.post(
        reverse("manage:booking_approve", args=[booking.pk]), {"next": back}
    )
    assert response["Location"] == back
    response = as_a.post(
        reverse("manage:booking_approve", args=[booking.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("manage:booking_detail", args=[booking.pk])


def test_wrong_state_actions_show_the_refusal_and_change_nothing(
    as_a, manager_a, mine, worker
):
    booking = booking_reject(
        booking=book(worker, mine, at(1, 10)), actor=manager_a, reason="满"
    )
    events = BookingEvent.objects.count()
    notifications = Notification.objects.count()
    shown = []
    for name, data in [
        ("manage:booking_approve", {}),
        ("manage:booking_reject", {"reason": "again"}),
        ("manage:booking_cancel", {"reason": "again"}),
        ("manage:booking_check_in", {}),
        ("manage:booking_no_show", {}),
    ]:
        response = as_a.post(reverse(name, args=[booking.pk]), data, follow=True)
        messages = list(response.context["messages"])
        assert [m.level_tag for m in messages] == ["error"], name
        assert state_of(booking) == State.REJECTED
        shown.append(str(messages[0]))
    # Check-in and no-show refuse on time first (tomorrow); the others on state.
    assert (
        shown[0] == "This booking is already “Rejected”; it cannot become “Approved”."
    )
    assert BookingEvent.objects.count() == events
    assert Notification.objects.count() == notifications


def test_venue_cancels_with_a_reason_and_the_user_is_told(as_a, mine, worker):
    booking = book(worker, mine, at(1, 10))
    url = reverse("manage:booking_cancel", args=[booking.pk])
    as_a.post(url, {"reason": ""})
    assert state_of(booking) == State.PENDING
    as_a.post(url, {"reason": "台风停业"})
    assert state_of(booking) == State.CANCELLED
    assert Notification.objects.filter(user=worker, body__contains="台风停业").exists()


# --- deciding several at once ------------------------------------------------


def test_bulk_approve_acts_on_each_selected_booking(as_a, mine, users):
    chosen = [book(users[n], mine, at(1, 10 + n)) for n in range(3)]
    left = book(users[3], mine, at(1, 15))
    response = as_a.post(
        reverse("manage:booking_bulk_decide"),
        {"booking": [b.pk for b in chosen], "action": "approve"},
    )
    assert response["Location"] == reverse("manage:booking_queue")
    assert [state_of(b) for b in chosen] == [State.APPROVED] * 3
    assert state_of(left) == State.PENDING
    assert "3 bookings approved." in texts(response)
    assert Notification.objects.filter(title="Booking approved").count() == 3


def test_bulk_reject_needs_one_reason_and_gives_seats_back(as_a, mine, users):
    chosen = [book(users[n], mine, at(1, 10), headcount=3) for n in range(2)]
    url = reverse("manage:booking_bulk_decide")
    ids = [b.pk for b in chosen]

    response = as_a.post(url, {"booking": ids, "action": "reject", "reason": ""})
    assert [state_of(b) for b in chosen] == [State.PENDING] * 2
    assert "Please give a reason." in texts(response)

    response = as_a.post(url, {"booking": ids, "action": "reject", "reason": "满员"})
    assert [state_of(b) for b in chosen] == [State.REJECTED] * 2
    assert seats_taken(mine, at(1, 10)) == 0
    assert "2 bookings rejected." in texts(response)
    assert Notification.objects.filter(body__contains="满员").count() == 2


def test_bulk_reports_refusals_and_acts_only_on_my_bookings(
    as_a, manager_a, mine, theirs, users
):
    fine = book(users[0], mine, at(1, 10))
    decided = booking_reject(
        booking=book(users[1], mine, at(1, 11)), actor=manager_a, reason="满"
    )
    other_venue = book(users[2], theirs, at(1, 10))
    events = BookingEvent.objects.filter(booking=other_venue).count()

    response = as_a.post(
        reverse("manage:booking_bulk_decide"),
        {"booking": [fine.pk, decided.pk, other_venue.pk], "action": "approve"},
    )

    assert state_of(fine) == State.APPROVED
    assert state_of(decided) == State.REJECTED
    assert state_of(other_venue) == State.PENDING
    assert BookingEvent.objects.filter(booking=other_venue).count() == events
    assert not Notification.objects.filter(user=users[2]).exists()
    shown = texts(response)
    assert "1 booking approved." in shown
    assert any(str(users[1]) in t and "already “Rejected”" in t for t in shown)
    assert f"Booking #{other_venue.pk}: not found at your venues." in shown
    assert not any(str(users[2]) in t for t in shown)


@pytest.mark.parametrize(
    "data",
    [
        lambda b: {"action": "approve"},  # nothing selected
        lambda b: {"booking": [b.pk, "x"], "action": "approve"},
        lambda b: {"booking": [b.pk], "action": "delete"},
    ],
)
def test_bulk_with_bad_input_changes_nothing(as_a, mine, worker, data):
    booking = book(worker, mine, at(1, 10))
    data = data(booking)
    response = as_a.post(reverse("manage:booking_bulk_decide"), data)
    assert response.status_code == 302
    assert state_of(booking) == State.PENDING
    assert [m.level_tag for m in get_messages(response.wsgi_request)][0] == "error"


# --- a booking's page --------------------------------------------------------


def test_booking_page_shows_details_phone_history_and_the_valid_actions(
    as_a, manager_a, mine, worker
):
    booking = book(worker, mine, at(1, 10))
    url = reverse("manage:booking_detail", args=[booking.pk])
    page = as_a.get(url).content.decode()
    assert worker.phone in page and str(worker) in page
    assert reverse("manage:booking_approve", args=[booking.pk]) in page
    assert reverse("manage:booking_check_in", args=[booking.pk]) not in page

    booking_reject(booking=booking, actor=manager_a, reason="设备检修")
    page = as_a.get(url).content.decode()
    assert "设备检修" in page and str(manager_a) in page
    assert reverse("manage:booking_approve", args=[booking.pk]) not in page
    assert reverse("manage:booking_cancel", args=[booking.pk]) not in page


def test_approved_booking_page_offers_check_in_no_show_and_cancel(
    as_a, manager_a, mine, worker
):
    booking = booking_approve(booking=book(worker, mine, at(1, 10)), actor=manager_a)
    page = as_a.get(reverse("manage:booking_detail", args=[booking.pk])).content
    for name in ("booking_check_in", "booking_no_show", "booking_cancel"):
        assert reverse(f"manage:{name}", args=[booking.pk]).encode() in page
    assert reverse("manage:booking_approve", args=[booking.pk]).encode() not in page


# --- the day view ------------------------------------------------------------


def test_day_view_shows_each_slot_with_its_bookings(as_a, manager_a, mine, users):
    approved = booking_approve(
        booking=book(users[0], mine, at(1, 10), headcount=3, slot_count=2),
        actor=manager_a,
    )
    pending = book(users[1], mine, at(1, 10), headcount=2)
    rejected = booking_reject(
        booking=book(users[2], mine, at(1, 14)), actor=manager_a, reason="满"
    )
    url = reverse("manage:space_day", args=[mine.pk])

    response = as_a.get(url, {"date": at(1, 0).date().isoformat()})

    assert response.status_code == 200
    rows = {row["slot"].start: row for row in response.context["rows"]}
    assert len(rows) == 14
    at_ten = [(e["booking"], e["starts_here"]) for e in rows[at(1, 10)]["entries"]]
    assert at_ten == [(approved, True), (pending, True)]
    assert [e["booking"] for e in rows[at(1, 11)]["entries"]] == [approved]
    assert rows[at(1, 10)]["slot"].seats_left == 5
    assert rows[at(1, 14)]["entries"] == []
    page = response.content.decode()
    assert str(users[0]) in page and str(users[1]) in page
    assert str(users[2]) not in page
    assert reverse("manage:booking_check_in", args=[approved.pk]) in page
    assert reverse("manage:booking_check_in", args=[pending.pk]) not in page
    assert rejected not in response.context["others"]


def test_day_view_defaults_to_today_and_survives_a_bad_date(as_a, mine):
    url = reverse("manage:space_day", args=[mine.pk])
    assert as_a.get(url).context["day"] == timezone.localdate()
    response = as_a.get(url, {"date": "not-a-date"})
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()


def test_day_view_query_count_is_bounded(
    as_a, manager_a, mine, users, django_assert_max_num_queries
):
    for n, user in enumerate(users):
        booking_approve(booking=book(user, mine, at(1, 9 + n)), actor=manager_a)
    with django_assert_max_num_queries(12):
        as_a.get(
            reverse("manage:space_day", args=[mine.pk]),
            {"date": at(1, 0).date().isoformat()},
        )


def test_no_show_only_after_the_start(as_a, manager_a, mine, worker, users):
    coming = booking_approve(booking=book(worker, mine, at(1, 10)), actor=manager_a)
    started = booking_row(users[0], mine, start=this_hour() - HOUR)
    day_url = reverse("manage:space_day", args=[mine.pk])

    response = as_a.post(
        reverse("manage:booking_no_show", args=[coming.pk]), {"next": day_url}
    )
    assert response["Location"] == day_url
    assert state_of(coming) == State.APPROVED
    assert "A booking can be marked as a no-show only after it starts." in texts(
        response
    )

    as_a.post(reverse("manage:booking_no_show", args=[started.pk]))
    assert state_of(started) == State.NO_SHOW
    event = BookingEvent.objects.get(booking=started)
    assert (event.from_state, event.to_state, event.actor) == (
        State.APPROVED,
        State.NO_SHOW,
        manager_a,
    )


def test_check_in_button_works_in_the_check_in_window(as_a, mine, worker):
    booking = booking_row(worker, mine, start=this_hour())
    as_a.post(reverse("manage:booking_check_in", args=[booking.pk]))
    assert state_of(booking) == State.ATTENDED


# --- check-in by code --------------------------------------------------------


def test_check_in_by_code_is_case_insensitive_and_ignores_spaces(as_a, mine, worker):
    booking = booking_row(worker, mine, start=this_hour())
    code = booking.check_in_code
    typed = f" {code[:3].lower()} {code[3:].lower()} "
    url = reverse("manage:booking_check_in_code")

    response = as_a.get(url, {"code": typed})
    assert response.context["booking"] == booking
    assert worker.phone in response.content.decode()

    response = as_a.post(url, {"code": typed})
    assert response["Location"] == url
    assert state_of(booking) == State.ATTENDED
    assert any(text.startswith("Checked in") for text in texts(response))


def test_check_in_by_code_refuses_another_venues_code(as_a, manager_b, theirs, worker):
    booking = booking_row(worker, theirs, start=this_hour())
    url = reverse("manage:booking_check_in_code")
    for response in (
        as_a.get(url, {"code": booking.check_in_code}),
        as_a.post(url, {"code": booking.check_in_code}),
    ):
        assert response.status_code == 200
        assert response.context["form"].errors["code"] == [
            "No such booking at your venues."
        ]
        assert not response.context.get("booking")
        assert worker.phone not in response.content.decode()
    assert state_of(booking) == State.APPROVED


def test_check_in_by_code_refuses_a_booking_not_approved(as_a, mine, worker):
    booking = booking_row(worker, mine, start=this_hour(), state=State.PENDING)
    url = reverse("manage:booking_check_in_code")
    response = as_a.post(url, {"code": booking.check_in_code})
    assert state_of(booking) == State.PENDING
    assert any("already “Awaiting approval”" in text for text in texts(response))
    assert not BookingEvent.objects.filter(booking=booking).exists()


def test_check_in_by_code_with_a_malformed_code_is_a_form_error(as_a, mine):
    response = as_a.post(reverse("manage:booking_check_in_code"), {"code": "ABC"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


# --- booking rules -----------------------------------------------------------

GOOD_RULES = {
    "slot_minutes": 90,
    "advance_days": 30,
    "min_notice_minutes": 60,
    "max_slots_per_booking": 3,
    "max_active_per_user": 5,
    "cancel_cutoff_minutes": 30,
    "approval": "auto",
}


def rules_values(space) -> dict:
    rules = SpaceRules.objects.filter(space=space).first()
    return {name: getattr(rules, name) for name in GOOD_RULES} if rules else {}


def test_rules_form_creates_the_missing_row_and_records_it(as_a, manager_a, venue_a):
    space = SpaceFactory(venue=venue_a)
    url = reverse("manage:space_rules", args=[space.pk])
    response = as_a.get(url)
    assert response.status_code == 200
    assert response.context["form"]["advance_days"].value() == 14  # the default

    response = as_a.post(url, GOOD_RULES)

    assert response["Location"] == url
    assert rules_values(space) == GOOD_RULES
    entry = AuditEntry.objects.get(action="space.rules")
    assert (entry.actor, entry.subject_type, entry.subject_id) == (
        manager_a,
        "venue",
        venue_a.pk,
    )
    assert "advance_days=30" in entry.details


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("advance_days", 0),
        ("advance_days", 91),
        ("slot_minutes", 45),
        ("min_notice_minutes", "two hours"),
        ("max_active_per_user", 0),
        ("approval", "sometimes"),
    ],
)
def test_bad_rules_are_form_errors_and_change_nothing(as_a, mine, field, value):
    before = rules_values(mine)
    response = as_a.post(
        reverse("manage:space_rules", args=[mine.pk]), {**GOOD_RULES, field: value}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert rules_values(mine) == before
    assert not AuditEntry.objects.filter(action="space.rules").exists()


def test_slot_length_cannot_change_under_upcoming_bookings(as_a, mine, worker):
    book(worker, mine, at(1, 10))
    response = as_a.post(reverse("manage:space_rules", args=[mine.pk]), GOOD_RULES)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert rules_values(mine)["slot_minutes"] == 60
    # Everything but the length can still change.
    response = as_a.post(
        reverse("manage:space_rules", args=[mine.pk]),
        {**GOOD_RULES, "slot_minutes": 60},
    )
    assert response.status_code == 302
    assert rules_values(mine)["advance_days"] == 30


# --- scope: another venue's manager ------------------------------------------


def test_manager_of_other_venue_gets_404_on_my_bookings_and_spaces(
    client, manager_a, manager_b, mine, worker
):
    client.force_login(manager_b)
    booking = book(worker, mine, at(1, 10))
    for name in ("manage:booking_detail",):
        assert client.get(reverse(name, args=[booking.pk])).status_code == 404
    for name in ("manage:space_day", "manage:space_rules"):
        assert client.get(reverse(name, args=[mine.pk])).status_code == 404
    assert (
        client.post(
            reverse("manage:space_rules", args=[mine.pk]), GOOD_RULES
        ).status_code
        == 404
    )
    for name, data in [
        ("manage:booking_approve", {}),
        ("manage:booking_reject", {"reason": "x"}),
        ("manage:booking_cancel", {"reason": "x"}),
        ("manage:booking_check_in", {}),
        ("manage:booking_no_show", {}),
    ]:
        response = client.post(reverse(name, args=[booking.pk]), data)
        assert response.status_code == 404, name
    assert state_of(booking) == State.PENDING
    assert BookingEvent.objects.filter(booking=booking).count() == 1
    assert not SpaceRules.objects.filter(space=mine, advance_days=30).exists()
    assert not AuditEntry.objects.filter(action="space.rules").exists()


def test_worker_cannot_reach_the_manager_pages(client, worker, mine):
    booking = book(worker, mine, at(1, 10))
    client.force_login(worker)
    assert client.get(reverse("manage:booking_queue")).status_code == 403
    response = client.post(reverse("manage:booking_approve", args=[booking.pk]))
    assert response.status_code == 403
    assert state_of(booking) == State.PENDING


# --- the rules service, called directly ---------------------------------------


def test_rules_service_refuses_values_outside_the_rules_whoever_calls(manager_a, mine):
    before = rules_values(mine)
    with pytest.raises(ValidationError):
        space_rules_update(space=mine, actor=manager_a, advance_days=0)
    with pytest.raises(ValidationError):
        space_rules_update(space=mine, actor=manager_a, slot_minutes=45)
    with pytest.raises(TypeError):
        space_rules_update(space=mine, actor=manager_a, capacity=3)
    assert rules_values(mine) == before
    assert not AuditEntry.objects.filter(action="space.rules").exists()


def test_rules_service_records_nothing_when_nothing_changes(manager_a, mine):
    space_rules_update(space=mine, actor=manager_a, **rules_values(mine))
    assert not AuditEntry.objects.filter(action="space.rules").exists()
    space_rules_update(space=mine, actor=manager_a, max_active_per_user=4)
    assert AuditEntry.objects.get(action="space.rules").details.endswith(
        "max_active_per_user=4"
    )
