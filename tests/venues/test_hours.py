"""Opening-hours rules (pure Python: no database, no settings needed)."""

from datetime import UTC, date, datetime, time

import pytest

from venues.hours import (
    SHANGHAI,
    Closure,
    HoursRange,
    OpenState,
    opening_state,
    week_table,
)

# Week of 2025-06-02: Mon 2, Tue 3, ..., Fri 6, Sat 7, Sun 8.
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def sh(day: int, hour: int, minute: int = 0) -> datetime:
    """An aware Asia/Shanghai datetime in June 2025."""
    return datetime(2025, 6, day, hour, minute, tzinfo=SHANGHAI)


def weekdays_9_to_17() -> list[HoursRange]:
    return [HoursRange(wd, time(9), time(17)) for wd in range(MON, SAT)]


def test_open_within_normal_range():
    state = opening_state(weekdays_9_to_17(), [], sh(3, 10))
    assert state == OpenState(is_open=True, closes_at=sh(3, 17), opens_at=None)
    assert opening_state(
        weekdays_9_to_17(), [], sh(3, 9)
    ).is_open  # opening minute counts


def test_closed_before_opening():
    state = opening_state(weekdays_9_to_17(), [], sh(3, 8, 59))
    assert state == OpenState(is_open=False, closes_at=None, opens_at=sh(3, 9))


def test_closed_after_closing_opens_next_day():
    assert not opening_state(
        weekdays_9_to_17(), [], sh(3, 17)
    ).is_open  # closing minute is shut
    assert opening_state(weekdays_9_to_17(), [], sh(3, 18)).opens_at == sh(4, 9)


def test_closed_friday_evening_opens_monday():
    assert opening_state(weekdays_9_to_17(), [], sh(6, 18)).opens_at == sh(9, 9)


def test_lunch_gap():
    ranges = [
        HoursRange(TUE, time(8, 30), time(12)),
        HoursRange(TUE, time(14), time(18)),
    ]
    assert opening_state(ranges, [], sh(3, 11)).closes_at == sh(3, 12)
    state = opening_state(ranges, [], sh(3, 12, 30))
    assert state == OpenState(is_open=False, closes_at=None, opens_at=sh(3, 14))
    assert opening_state(ranges, [], sh(3, 15)).closes_at == sh(3, 18)


def test_range_past_midnight():
    ranges = [HoursRange(FRI, time(22), time(2))]
    assert opening_state(ranges, [], sh(6, 23)).is_open
    state = opening_state(ranges, [], sh(7, 1))
    assert state == OpenState(is_open=True, closes_at=sh(7, 2), opens_at=None)
    state = opening_state(ranges, [], sh(7, 3))
    assert state == OpenState(is_open=False, closes_at=None, opens_at=sh(13, 22))


def test_midnight_to_midnight_is_open_all_day():
    ranges = [HoursRange(WED, time(0), time(0))]
    for hour in (0, 6, 12, 23):
        assert opening_state(ranges, [], sh(4, hour)).is_open
    assert opening_state(ranges, [], sh(4, 12)).closes_at == sh(5, 0)
    assert not opening_state(ranges, [], sh(5, 0)).is_open
    assert not opening_state(ranges, [], sh(3, 23, 59)).is_open


def test_closure_cuts_tail_of_previous_evening():
    ranges = [HoursRange(FRI, time(22), time(2)), HoursRange(SAT, time(22), time(2))]
    closures = [Closure(date(2025, 6, 7), date(2025, 6, 7))]
    # Friday evening is open, but only until the closed Saturday begins.
    assert opening_state(ranges, closures, sh(6, 23)).closes_at == sh(7, 0)
    state = opening_state(ranges, closures, sh(7, 1))
    assert state.is_open is False
    # Saturday's own evening is closed too; Sunday's tail of it opens at 00:00.
    assert state.opens_at == sh(8, 0)


def test_multi_day_closure_pushes_opens_at():
    closures = [Closure(date(2025, 6, 3), date(2025, 6, 5))]  # Tue..Thu
    state = opening_state(weekdays_9_to_17(), closures, sh(2, 18))
    assert state == OpenState(is_open=False, closes_at=None, opens_at=sh(6, 9))
    assert not opening_state(weekdays_9_to_17(), closures, sh(4, 10)).is_open


def test_no_opening_within_14_days():
    closures = [Closure(date(2025, 6, 1), date(2025, 7, 31))]
    state = opening_state(weekdays_9_to_17(), closures, sh(3, 10))
    assert state == OpenState(is_open=False, closes_at=None, opens_at=None)


def test_closes_at_continues_into_next_days_range():
    ranges = [HoursRange(FRI, time(20), time(0)), HoursRange(SAT, time(0), time(8))]
    state = opening_state(ranges, [], sh(6, 21))
    assert state == OpenState(is_open=True, closes_at=sh(7, 8), opens_at=None)


def test_overlapping_ranges_are_one_opening():
    ranges = [HoursRange(MON, time(9), time(13)), HoursRange(MON, time(12), time(18))]
    assert opening_state(ranges, [], sh(2, 10)).closes_at == sh(2, 18)


def test_always_open_has_no_closes_at():
    ranges = [HoursRange(wd, time(0), time(0)) for wd in range(7)]
    state = opening_state(ranges, [], sh(4, 12))
    assert state == OpenState(is_open=True, closes_at=None, opens_at=None)
    # ... until a closure comes within the horizon.
    closures = [Closure(date(2025, 6, 10), date(2025, 6, 10))]
    assert opening_state(ranges, closures, sh(4, 12)).closes_at == sh(10, 0)


def test_no_ranges_is_closed_forever():
    state = opening_state([], [], sh(3, 10))
    assert state == OpenState(is_open=False, closes_at=None, opens_at=None)


def test_utc_now_is_compared_in_shanghai_time():
    ranges = [HoursRange(TUE, time(9), time(10))]
    now = datetime(2025, 6, 3, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
    state = opening_state(ranges, [], now)
    assert state.is_open
    assert state.closes_at == sh(3, 10)
    assert state.closes_at.tzinfo == SHANGHAI
    # 16:30 UTC Monday is already 00:30 Tuesday in Shanghai.
    later = datetime(2025, 6, 2, 16, 30, tzinfo=UTC)
    assert opening_state(ranges, [], later).opens_at == sh(3, 9)


def test_naive_now_is_rejected():
    with pytest.raises(ValueError, match="aware"):
        opening_state([], [], datetime(2025, 6, 3, 10))  # noqa: DTZ001


def test_week_table_orders_days_and_ranges():
    ranges = [
        HoursRange(WED, time(14), time(18)),
        HoursRange(MON, time(9), time(12)),
        HoursRange(WED, time(8, 30), time(12)),
        HoursRange(SUN, time(22), time(2)),
    ]
    assert week_table(ranges) == [
        (MON, [(time(9), time(12))]),
        (TUE, []),
        (WED, [(time(8, 30), time(12)), (time(14), time(18))]),
        (THU, []),
        (FRI, []),
        (SAT, []),
        (SUN, [(time(22), time(2))]),
    ]


def test_invalid_data_is_rejected():
    with pytest.raises(ValueError):
        HoursRange(7, time(9), time(17))
    with pytest.raises(ValueError):
        Closure(date(2025, 6, 5), date(2025, 6, 3))
