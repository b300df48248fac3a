"""Bookings: past visits (requested, approved, checked in) and requests to decide.

Visits fall on every other calendar day of the last 80, two a day, keyed by
the date: a re-run the same day finds them all, a run a week later adds the
week's. The three requests awaiting the manager are renewed only once they
are over or decided against, so the inbox always holds something to do.
"""

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bookings.availability import slot_grid
from bookings.models import Booking
from bookings.services import booking_approve, booking_check_in, booking_create
from demo.loaders import demo_row, seeded
from demo.loaders.accounts import MANAGED_VENUES, People
from venues.models import Space, Venue

HISTORY_DAYS = 80
PURPOSES = ["班组学习", "亲子阅读", "青年联谊", "健康讲座", "读书分享", "职工议事"]


def visit_days(today: datetime.date) -> list[datetime.date]:
    days = (today - datetime.timedelta(days=n) for n in range(HISTORY_DAYS, 1, -1))
    return [day for day in days if day.toordinal() % 2 == 0]


def _book(rng, person, space, start, *, now, headcount) -> Booking:
    return booking_create(
        user=person,
        space=space,
        start=start,
        headcount=headcount,
        purpose=rng.choice(PURPOSES),
        contact_phone=person.phone,
        now=now,
    )


def _visit(key: str, person, spaces: list[Space], day, people: People):
    """A past visit: requested a day ahead, approved, checked in; or None."""
    rng = seeded(key)
    space = rng.choice(spaces)
    starts = [start for start, _end in slot_grid(space, day)]
    if not starts:
        return None
    start = rng.choice(starts)
    staff = people.staff_for(space.venue)
    try:
        with transaction.atomic():  # all three steps, or no visit
            booking = _book(
                rng,
                person,
                space,
                start,
                now=start - datetime.timedelta(days=1),
                headcount=rng.randint(1, min(6, space.capacity)),
            )
            if booking.state == Booking.State.PENDING:
                booking = booking_approve(booking=booking, actor=staff)
            return booking_check_in(booking=booking, actor=staff, now=start)
    except ValidationError:  # the slot is taken, or the person already booked
        return None


def load_visits(people: People, venues: dict[str, Venue]) -> dict[str, Booking]:
    """The demo's past visits by key, those of earlier runs included."""
    spaces = list(
        Space.objects.filter(
            is_active=True, venue__is_bookable=True, venue__in=venues.values()
        )
        .select_related("venue")
        .prefetch_related("venue__hours", "venue__closures")
        .order_by("pk")
    )
    visits = {}
    for day in visit_days(timezone.localdate()):
        for n, person in enumerate(seeded("visitors", day).sample(people.residents, 2)):
            key = f"visit:{day}:{n}"
            booking = demo_row(
                key, Booking, partial(_visit, key, person, spaces, day, people)
            )
            if booking is not None:
                visits[key] = booking
    return visits


def _request(key: str, person, space: Space, day, slot: int) -> Booking | None:
    starts = [start for start, _end in slot_grid(space, day)]
    if not starts:
        return None
    try:
        return _book(
            seeded(key),
            person,
            space,
            starts[min(slot, len(starts) - 1)],
            now=timezone.now(),
            headcount=2,
        )
    except ValidationError:
        return None


def load_requests(people: People, venues: dict[str, Venue]) -> int:
    """Requests at the manager's venue for the coming days, awaiting a decision."""
    space = (
        Space.objects.filter(
            is_active=True,
            venue__is_bookable=True,
            venue__in=[venues[name] for name in MANAGED_VENUES],
        )
        .select_related("venue")
        .order_by("pk")
        .first()
    )
    now = timezone.now()
    today = timezone.localdate()
    # From the day after tomorrow, the days the space has slots: a weekday it
    # is closed on would leave a request out.
    ahead = (today + datetime.timedelta(days=n) for n in range(2, 30))
    open_days = [day for day in ahead if slot_grid(space, day)]
    requests = [
        demo_row(
            f"request:{n}",
            Booking,
            partial(_request, f"request:{n}", person, space, day, slot=n),
            fresh=lambda b: b.state in Booking.ACTIVE and b.start > now,
        )
        for n, (person, day) in enumerate(
            zip(people.residents[1:4], open_days, strict=False), start=1
        )
    ]
    return sum(1 for b in requests if b and b.state == Booking.State.PENDING)
