"""Opening hours: a range whose ``closes <= opens`` runs past midnight into the next
day (00:00-00:00 is a full 24 h); a closure date is closed all day, including the
tail of a range that began the evening before. Times are Asia/Shanghai wall time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: How far ahead (from ``now``) we look for the next opening / the closing time.
HORIZON_DAYS = 14

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class HoursRange:
    """One weekly opening range; ``weekday`` 0=Monday as ``date.weekday()``."""

    weekday: int
    opens: time
    closes: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday!r}")


@dataclass(frozen=True)
class Closure:
    """Inclusive range of dates on which the venue is closed all day."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"closure ends ({self.end}) before it starts")


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    #: When open: end of the current contiguous opening (None if it does not end
    #: within the look-ahead horizon, e.g. a venue open 24/7).
    closes_at: datetime | None
    #: When closed: next opening within the horizon (None if there is none).
    opens_at: datetime | None


def _intervals(
    ranges: list[HoursRange],
    closed: set[date],
    first: date,
    last: date,
    day_weekdays: Mapping[date, int | None],
) -> list[tuple[datetime, datetime]]:
    """Merged opening intervals for ranges starting on days ``first..last``."""
    pieces: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        midnight = datetime.combine(day + _DAY, time(), tzinfo=SHANGHAI)
        weekday = day_weekdays.get(day, day.weekday())
        for r in ranges:
            if r.weekday != weekday:
                continue
            start = datetime.combine(day, r.opens, tzinfo=SHANGHAI)
            end = datetime.combine(day, r.closes, tzinfo=SHANGHAI)
            if r.closes <= r.opens:
                end += _DAY
            # Split at midnight so each piece lies on one date, then drop the
            # pieces on closed dates.
            for a, b in ((start, min(end, midnight)), (midnight, end)):
                if a < b and a.date() not in closed:
                    pieces.append((a, b))
        day += _DAY
    pieces.sort()
    merged: list[tuple[datetime, datetime]] = []
    for a, b in pieces:
        if merged and a <= merged[-1][1]:  # touching or overlapping
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def opening_state(
    ranges: Iterable[HoursRange],
    closures: Iterable[Closure],
    now: datetime,
    day_weekdays: Mapping[date, int | None] | None = None,
) -> OpenState:
    """Whether the venue is open at ``now`` (aware), with closing/next opening.

    ``day_weekdays`` gives the days that keep another weekday's ranges than
    their own (a public holiday, a make-up working day), or none (None).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    now = now.astimezone(SHANGHAI)
    today = now.date()
    # Yesterday's ranges may run into today; generating one day past the horizon
    # makes every end/start up to ``limit`` exact.
    first = today - _DAY
    last = today + timedelta(days=HORIZON_DAYS + 1)
    closure_list = list(closures)
    window = (first + timedelta(days=i) for i in range((last - first).days + 2))
    closed = {d for d in window if any(c.start <= d <= c.end for c in closure_list)}
    limit = now + timedelta(days=HORIZON_DAYS)

    intervals = _intervals(list(ranges), closed, first, last, day_weekdays or {})
    for start, end in intervals:
        if start <= now < end:
            return OpenState(True, end if end <= limit else None, None)
        if start > now:
            return OpenState(False, None, start if start <= limit else None)
    return OpenState(False, None, None)


def week_table(
    ranges: Iterable[HoursRange],
) -> list[tuple[int, list[tuple[time, time]]]]:
    """For each weekday 0..6, its ``(opens, closes)`` ranges sorted by opens."""
    days: list[list[tuple[time, time]]] = [[] for _ in range(7)]
    for r in ranges:
        days[r.weekday].append((r.opens, r.closes))
    return [(wd, sorted(slots)) for wd, slots in enumerate(days)]


_WEEK_SECONDS = 7 * 24 * 3600


def _week_span(r: HoursRange) -> tuple[int, int]:
    """(start, length) in seconds from Monday 00:00; lengths of 0 read as 24 h."""
    opens = r.opens.hour * 3600 + r.opens.minute * 60 + r.opens.second
    closes = r.closes.hour * 3600 + r.closes.minute * 60 + r.closes.second
    length = (closes - opens) % (24 * 3600) or 24 * 3600
    return r.weekday * 24 * 3600 + opens, length


def overlapping_pairs(
    ranges: Iterable[HoursRange],
) -> list[tuple[HoursRange, HoursRange]]:
    """Pairs of ranges that share some moment of the week.

    Ranges past midnight count on the day they run into, and Sunday night wraps
    into Monday; ranges that only touch (12:00 and 12:00) do not overlap.
    """
    spans = [(r, *_week_span(r)) for r in ranges]
    pairs = []
    for i, (a, a_start, a_len) in enumerate(spans):
        for b, b_start, b_len in spans[i + 1 :]:
            if (b_start - a_start) % _WEEK_SECONDS < a_len or (
                a_start - b_start
            ) % _WEEK_SECONDS < b_len:
                pairs.append((a, b))
    return pairs
