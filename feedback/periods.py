"""Index periods are calendar months, named by their first day."""

import datetime

from django.utils import timezone


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(period: datetime.date) -> datetime.date:
    return (period + datetime.timedelta(days=32)).replace(day=1)


def previous_month(period: datetime.date) -> datetime.date:
    return month_start(period - datetime.timedelta(days=1))


def period_window(
    today: datetime.date | None = None,
) -> tuple[datetime.date, datetime.date]:
    """The months whose indexes can be asked for: the last ten years, to this one."""
    today = today or timezone.localdate()
    return today.replace(year=today.year - 10, day=1), today


def last_complete_month(today: datetime.date | None = None) -> datetime.date:
    return previous_month(month_start(today or timezone.localdate()))
