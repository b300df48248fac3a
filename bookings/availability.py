"""When a space can be booked: the one place that answers it, for pages and
services alike.

A day's slots are laid from the start of each opening range of that weekday in
steps of the space's slot length, and must end within the range (a range past
midnight keeps its slots on the day it starts). A slot touching a closed date is
not offered, nor one overlapping the closed hours of a day; a closure of one
space closes only that space. On a day of the district's holiday list the venue
keeps the hours that list gives it (`PublicHoliday.weekday_for`). Whether a slot
can still be taken depends on the time now (notice, advance window) and on the
seats its `Slot` row says are taken. Until when its user may cancel a booking is
answered here too, for the page and the service.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bookings.models import Booking, Slot, SpaceRules
from venues.models import PublicHoliday, Space

DAY = datetime.timedelta(days=1)
# Days with slots: at the ends of the calendar the next day, or the time in
# UTC, would overflow. The forms refuse such days long before.
FIRST_DAY = datetime.date.min + DAY
LAST_DAY = datetime.date.max - DAY


def rules_for(space: Space) -> SpaceRules:
    try:
        return space.rules
    except SpaceRules.DoesNotExist:
        return SpaceRules(space=space)


def booking_days(
    space: Space, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The first and last day a space can be booked for: today to its advance window."""
    today = today or timezone.localdate()
    return today, today + datetime.timedelta(days=rules_for(space).advance_days)


def seats_per_booking(space: Space, headcount: int) -> int:
    """An exclusive space is taken whole by one booking."""
    return 1 if space.is_exclusive else headcount


def slot_capacity(space: Space) -> int:
    return 1 if space.is_exclusive else space.capacity


@dataclass(frozen=True)
class SlotInfo:
    start: datetime.datetime
    end: datetime.datetime
    capacity: int
    seats_left: int
    problem: str  # empty when it can be booked now

    @property
    def bookable(self) -> bool:
        return not self.problem


def holidays_for(days) -> dict:
    """The public holidays and make-up working days among `days`, in one query."""
    days = list(days)
    if not days:
        return {}
    return PublicHoliday.objects.between(min(days), max(days))


def hours_weekday(space: Space, day: datetime.date, holidays: dict) -> int | None:
    """Whose weekday's hours the venue keeps on `day`; None when it is closed."""
    holiday = holidays.get(day)
    return day.weekday() if holiday is None else holiday.weekday_for(space.venue)


def slot_grid(space: Space, day: datetime.date, holidays=None) -> list[tuple]:
    """(start, end) of every slot starting on `day`, from the venue's hours.

    `holidays` (by date, from `holidays_for`) saves a query per day.
    """
    if not FIRST_DAY <= day <= LAST_DAY:
        return []
    if holidays is None:
        holidays = holidays_for([day])
    weekday = hours_weekday(space, day, holidays)
    if weekday is None:
        return []
    zone = timezone.get_default_timezone()
    rules = rules_for(space)
    length = datetime.timedelta(minutes=rules.slot_minutes)
    closures = [c for c in space.venue.closures.all() if c.closes_space(space.pk)]
    reach = (day, day + DAY)  # a range past midnight reaches the next day
    closed = {
        date
        for date in reach
        if any(not c.is_timed and c.start_date <= date <= c.end_date for c in closures)
    }
    closed_hours = [
        (
            datetime.datetime.combine(c.start_date, c.start_time, tzinfo=zone),
            datetime.datetime.combine(c.start_date, c.end_time, tzinfo=zone),
        )
        for c in closures
        if c.is_timed and c.start_date in reach
    ]
    grid = []
    for hours in space.venue.hours.all():
        if hours.weekday != weekday:
            continue
        start = datetime.datetime.combine(day, hours.opens, tzinfo=zone)
        end = datetime.datetime.combine(day, hours.closes, tzinfo=zone)
        if hours.closes <= hours.opens:
            end += DAY
        while start + length <= end:
            last_moment = start + length - datetime.timedelta(microseconds=1)
            if (
                start.date() not in closed
                and last_moment.date() not in closed
                and not any(a < start + length and start < b for a, b in closed_hours)
            ):
                grid.append((start, start + length))
            start += length
    return sorted(set(grid))


def problem_at(space: Space, start: datetime.datetime, now: datetime.datetime) -> str:
    """Why a slot starting at `start` cannot be requested now, or ''."""
    rules = rules_for(space)
    if start <= now:
        return str(_("This time has passed."))
    if start < now + datetime.timedelta(minutes=rules.min_notice_minutes):
        return ngettext(
            "Book at least %(minutes)s minute ahead.",
            "Book at least %(minutes)s minutes ahead.",
            rules.min_notice_minutes,
        ) % {"minutes": rules.min_notice_minutes}
    _today, last_day = booking_days(space, timezone.localdate(now))
    if timezone.localdate(start) > last_day:
        return ngettext(
            "Bookings open %(days)s day ahead.",
            "Bookings open %(days)s days ahead.",
            rules.advance_days,
        ) % {"days": rules.advance_days}
    return ""


def _slot_infos(space: Space, grid, taken: dict, now) -> list[SlotInfo]:
    """The grid's slots with the seats `taken` (by start) and their problems."""
    capacity = slot_capacity(space)
    slots = []
    for start, end in grid:
        seats_left = capacity - taken.get(start, 0)
        problem = problem_at(space, start, now)
        if not problem and seats_left <= 0:
            problem = str(_("Fully booked."))
        slots.append(SlotInfo(start, end, capacity, seats_left, problem))
    return slots


def day_slots(space: Space, day: datetime.date, *, now=None) -> list[SlotInfo]:
    """Every slot of `day` with the seats left and why it cannot be taken."""
    now = now or timezone.now()
    grid = slot_grid(space, day)
    if not grid:
        return []
    taken = dict(
        Slot.objects.filter(
            space=space, start__gte=grid[0][0], start__lte=grid[-1][0]
        ).values_list("start", "seats_taken")
    )
    return _slot_infos(space, grid, taken, now)


def many_day_slots(spaces, days, *, now=None) -> dict[tuple, list[SlotInfo]]:
    """`day_slots` of every space on every day, keyed by (space id, day).

    One query for the seats taken, whatever the number of spaces and days;
    give the spaces with `rules`, `venue__hours` and `venue__closures`
    fetched, or each space asks for them.
    """
    now = now or timezone.now()
    holidays = holidays_for(days)
    grids = {
        (space.pk, day): slot_grid(space, day, holidays)
        for space in spaces
        for day in days
    }
    starts = [start for grid in grids.values() for start, _end in grid]
    taken: dict[int, dict] = {}
    if starts:
        rows = Slot.objects.filter(
            space__in=[space.pk for space in spaces],
            start__gte=min(starts),
            start__lte=max(starts),
        ).values_list("space_id", "start", "seats_taken")
        for space_id, start, seats in rows:
            taken.setdefault(space_id, {})[start] = seats
    return {
        (space.pk, day): _slot_infos(
            space, grids[space.pk, day], taken.get(space.pk, {}), now
        )
        for space in spaces
        for day in days
    }


#: How many days the picker's strip shows, at most (the advance window may end sooner).
STRIP_DAYS = 14


@dataclass(frozen=True)
class DayInfo:
    day: datetime.date
    slots: list[SlotInfo]

    @property
    def free(self) -> int:
        """How many slots of the day can still be booked."""
        return sum(slot.bookable for slot in self.slots)


def day_strip(space: Space, *, now=None) -> list[DayInfo]:
    """The next days a space can be booked, each with its slots, in one query."""
    now = now or timezone.now()
    first, last = booking_days(space, timezone.localdate(now))
    count = min(STRIP_DAYS, (last - first).days + 1)
    days = [first + datetime.timedelta(days=n) for n in range(count)]
    slots = many_day_slots([space], days, now=now)
    return [DayInfo(day, slots[space.pk, day]) for day in days]


def first_free_day(strip: list[DayInfo]) -> datetime.date | None:
    return next((info.day for info in strip if info.free), None)


def closure_on(space: Space, day: datetime.date):
    """The closure of the venue or the space covering all of `day`, or None
    (from the fetched closures)."""
    for closure in space.venue.closures.all():
        if (
            closure.closes_space(space.pk)
            and not closure.is_timed
            and closure.start_date <= day <= closure.end_date
        ):
            return closure
    return None


def nearest_free(space: Space, around: datetime.datetime, *, seats: int, count=3):
    """Free slots on the same day closest to `around`: what to offer after a race."""
    candidates = [
        slot
        for slot in day_slots(space, timezone.localdate(around))
        if slot.bookable and slot.seats_left >= seats and slot.start != around
    ]
    candidates.sort(key=lambda slot: abs(slot.start - around))
    return sorted(candidates[:count], key=lambda slot: slot.start)


def cancel_deadline(
    booking: Booking, cutoff_minutes: int | None = None
) -> datetime.datetime:
    """The last moment its user may cancel a booking (the venue may at any
    time). `cutoff_minutes` is its space's rule, if read with the booking."""
    if cutoff_minutes is None:
        cutoff_minutes = rules_for(booking.space).cancel_cutoff_minutes
    return booking.start - datetime.timedelta(minutes=cutoff_minutes)


def user_may_cancel(booking: Booking, *, now=None, deadline=None) -> bool:
    now = now or timezone.now()
    deadline = deadline or cancel_deadline(booking)
    return booking.state in Booking.ACTIVE and now <= deadline
