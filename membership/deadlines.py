"""The union's deadline to answer an application, counted in working days.

The project keeps no list of public holidays, so a working day is Monday to
Friday; a holiday list would be skipped here, in this one place.
"""

import datetime

from django.conf import settings


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5


def add_working_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    """`moment` moved on by `days` working days, at the same time of day.

    Something arriving on a Saturday is due as if it came on the Monday
    morning's stroke of that time: its first working day is Monday.
    """
    day = moment
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day.date()):
            counted += 1
    return day


def answer_due(moment: datetime.datetime) -> datetime.datetime:
    return add_working_days(moment, settings.MEMBERSHIP_ANSWER_WORKING_DAYS)
