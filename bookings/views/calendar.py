"""The manager's week of all my spaces, and the printable sheet of one day.

The slots and their seats come from `bookings.availability`, the one place
that lays them; each page runs the same few queries whatever the number of
venues, spaces and bookings. Deciding goes through the existing approve and
reject views, which find only my venues' bookings.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.views.generic import TemplateView

from bookings.availability import SlotInfo, closure_on, many_day_slots
from bookings.forms import CalendarForm
from bookings.models import Booking
from bookings.permissions import managed_bookings
from qunxian.roles import ManagerRequiredMixin
from venues.models import Space
from venues.permissions import managed_venues

DAY = datetime.timedelta(days=1)
VISIBLE_DIGITS = 4


def mask_phone(phone: str) -> str:
    """A sheet left on a desk shows only the last four digits: *******1234."""
    hidden = max(len(phone) - VISIBLE_DIGITS, 0)
    return "*" * hidden + phone[hidden:]


@dataclass
class SlotCell:
    info: SlotInfo
    pending: bool  # a request awaiting a decision holds seats here

    @property
    def taken(self) -> int:
        return self.info.capacity - self.info.seats_left

    @property
    def state(self) -> str:
        if self.info.seats_left <= 0:
            return "full"
        return "held" if self.taken else "free"


@dataclass
class DayCell:
    day: datetime.date
    slots: list[SlotCell]
    closure: object = None
    requests: list[Booking] = field(default_factory=list)


def calendar_spaces(user, venue=None) -> list[Space]:
    """My venues' spaces open for booking, with what the slot rules read."""
    spaces = (
        Space.objects.filter(venue__in=managed_venues(user), is_active=True)
        .select_related("venue", "rules")
        .prefetch_related("venue__hours", "venue__closures")
        .order_by("venue__name", "venue_id", "name")
    )
    if venue is not None:
        spaces = spaces.filter(venue=venue)
    return list(spaces)


def _span(days, slots_by_key) -> tuple[datetime.datetime, datetime.datetime]:
    """From the first day's midnight to the last slot's end (an evening range
    may run past midnight)."""
    zone = timezone.get_default_timezone()
    first = datetime.datetime.combine(days[0], datetime.time(), tzinfo=zone)
    after = datetime.datetime.combine(days[-1] + DAY, datetime.time(), tzinfo=zone)
    ends = [slot.end for slots in slots_by_key.values() for slot in slots]
    return first, max([after, *ends])


def _by_venue(spaces, make_row) -> list[dict]:
    groups: list[dict] = []
    for space in spaces:
        if not groups or groups[-1]["venue"].pk != space.venue_id:
            groups.append({"venue": space.venue, "rows": []})
        groups[-1]["rows"].append(make_row(space))
    return groups


class CalendarMixin(ManagerRequiredMixin):
    def calendar_form(self) -> CalendarForm:
        return CalendarForm(
            self.request.GET,
            venues=managed_venues(self.request.user).order_by("name"),
        )


class WeekCalendarView(CalendarMixin, TemplateView):
    """Every space of my venues × the 7 days of a week × each slot."""

    template_name = "manage/bookings/calendar.html"

    def get_context_data(self, **kwargs):
        form = self.calendar_form()
        day, venue = form.day(), form.chosen_venue()
        monday = day - datetime.timedelta(days=day.weekday())
        days = [monday + n * DAY for n in range(7)]
        spaces = calendar_spaces(self.request.user, venue)
        slots = many_day_slots(spaces, days)
        first, after = _span(days, slots)
        pending: dict[int, list[Booking]] = {}
        for booking in (
            managed_bookings(self.request.user)
            .filter(
                space_id__in=[space.pk for space in spaces],
                state=Booking.State.PENDING,
                start__gte=first,
                start__lt=after,
            )
            .select_related("user")
            .order_by("start", "created_at")
        ):
            pending.setdefault(booking.space_id, []).append(booking)

        def cell(space, on):
            waiting = pending.get(space.pk, ())
            requests = [b for b in waiting if timezone.localdate(b.start) == on]
            return DayCell(
                day=on,
                slots=[
                    SlotCell(
                        info,
                        any(b.start < info.end and b.end > info.start for b in waiting),
                    )
                    for info in slots[space.pk, on]
                ],
                closure=closure_on(space, on),
                requests=requests,
            )

        venues = _by_venue(
            spaces,
            lambda space: {"space": space, "cells": [cell(space, d) for d in days]},
        )
        return super().get_context_data(
            form=form,
            day=day,
            days=[
                {
                    "day": d,
                    "pending": sum(
                        timezone.localdate(b.start) == d
                        for found in pending.values()
                        for b in found
                    ),
                }
                for d in days
            ],
            today=timezone.localdate(),
            now=timezone.now(),
            venue=venue,
            venues=venues,
            pending_count=sum(len(found) for found in pending.values()),
            previous_week=day - 7 * DAY,
            next_week=day + 7 * DAY,
            **kwargs,
        )


class DaySheetView(CalendarMixin, TemplateView):
    """One day of my spaces on paper: who comes when, how many, a masked phone."""

    template_name = "manage/bookings/day_sheet.html"

    def get_context_data(self, **kwargs):
        form = self.calendar_form()
        day, venue = form.day(), form.chosen_venue()
        spaces = calendar_spaces(self.request.user, venue)
        slots = many_day_slots(spaces, [day])
        first, after = _span([day], slots)
        bookings: dict[int, list[Booking]] = {}
        for booking in (
            managed_bookings(self.request.user)
            .filter(
                space_id__in=[space.pk for space in spaces],
                state__in=Booking.HOLDING,
                start__lt=after,
                end__gt=first,
            )
            .select_related("user")
            .order_by("start", "created_at")
        ):
            booking.masked_phone = mask_phone(booking.contact_phone)
            bookings.setdefault(booking.space_id, []).append(booking)

        def row(space):
            mine = bookings.get(space.pk, [])
            slot_rows = []
            for info in slots[space.pk, day]:
                here = [b for b in mine if b.start < info.end and b.end > info.start]
                slot_rows.append(
                    {
                        "slot": info,
                        "bookings": here,
                        "headcount": _headcount(here),
                    }
                )
            placed = {b.pk for slot_row in slot_rows for b in slot_row["bookings"]}
            return {
                "space": space,
                "slots": slot_rows,
                "closure": closure_on(space, day),
                "others": [b for b in mine if b.pk not in placed],
                "headcount": _headcount(mine),
            }

        venues = _by_venue(spaces, row)
        for group in venues:
            group["headcount"] = sum(r["headcount"] for r in group["rows"])
        return super().get_context_data(
            form=form,
            day=day,
            venue=venue,
            venues=venues,
            previous_day=day - DAY,
            next_day=day + DAY,
            printed_at=timezone.localtime(),
            **kwargs,
        )


def _headcount(bookings) -> int:
    """People expected: requests still awaiting a decision are not counted."""
    return sum(b.headcount for b in bookings if b.state != Booking.State.PENDING)
