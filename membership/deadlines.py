"""The union's deadline to answer an application, counted in working days.

A working day is Monday to Friday, except the public holidays of the list the
district admin keeps (`venues.PublicHoliday`), plus its make-up working days
(调休) that fall on a weekend.
"""

import datetime

from django.conf import settings

from venues.models import PublicHoliday


def is_working_day(day: datetime.date, listed: dict) -> bool:
    """`listed`: the holiday list's days around `day`, by date."""
    if day in listed:
        return listed[day].kind == PublicHoliday.Kind.WORKDAY
    return day.weekday() < 5


def add_working_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    """`moment` moved on by `days` working days, at the same time of day.

    Something arriving on a Saturday is due as if it came on the Monday
    morning's stroke of that time: its first working day is Monday.
    """
    # Wide enough for the longest run of days off, 春节 with its weekends.
    listed = PublicHoliday.objects.between(
        moment.date(), moment.date() + datetime.timedelta(days=days * 3 + 14)
    )
    day = moment
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day.date(), listed):
            counted += 1
    return day


def answer_due(moment: datetime.datetime) -> datetime.datetime:
    return add_working_days(moment, settings.MEMBERSHIP_ANSWER_WORKING_DAYS)
