"""The State Council's yearly notices of public holidays (国务院办公厅关于
部分节假日安排的通知), as far as they are known here: the admin adds the rest
in the console. A make-up working day (调休) keeps the hours of the weekday it
stands in for, Monday unless said otherwise.

2027: the notice was not known when this was written, so only the statutory
days fixed by the calendar are here (元旦, 劳动节, 国庆节); the admin adds the
lunar-calendar holidays and the make-up working days when it is published.
"""

import datetime

from venues.models import PublicHoliday

HOLIDAY = PublicHoliday.Kind.HOLIDAY
WORKDAY = PublicHoliday.Kind.WORKDAY


def _days(name: str, first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day, name, HOLIDAY
        day += datetime.timedelta(days=1)


D = datetime.date

OFFICIAL = [
    # 2026
    *_days("元旦", D(2026, 1, 1), D(2026, 1, 3)),
    *_days("春节", D(2026, 2, 15), D(2026, 2, 23)),
    (D(2026, 2, 14), "春节调休", WORKDAY),
    (D(2026, 2, 28), "春节调休", WORKDAY),
    *_days("清明节", D(2026, 4, 4), D(2026, 4, 6)),
    *_days("劳动节", D(2026, 5, 1), D(2026, 5, 5)),
    (D(2026, 5, 9), "劳动节调休", WORKDAY),
    *_days("端午节", D(2026, 6, 19), D(2026, 6, 21)),
    *_days("中秋节", D(2026, 9, 25), D(2026, 9, 27)),
    *_days("国庆节", D(2026, 10, 1), D(2026, 10, 7)),
    (D(2026, 9, 20), "国庆节调休", WORKDAY),
    (D(2026, 10, 10), "国庆节调休", WORKDAY),
    # 2027, the statutory days only (see above)
    (D(2027, 1, 1), "元旦", HOLIDAY),
    *_days("劳动节", D(2027, 5, 1), D(2027, 5, 2)),
    *_days("国庆节", D(2027, 10, 1), D(2027, 10, 3)),
]


def seed_official_holidays() -> int:
    """Add the official days missing from the list; never changes the admin's."""
    known = set(PublicHoliday.objects.values_list("date", flat=True))
    missing = [
        PublicHoliday(date=day, name=name, kind=kind)
        for day, name, kind in OFFICIAL
        if day not in known
    ]
    PublicHoliday.objects.bulk_create(missing)
    return len(missing)
