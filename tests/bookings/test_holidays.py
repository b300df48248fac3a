"""The district's holiday list: kept by the admin in the console, followed by
every venue's booking calendar (a holiday closes or keeps Sunday's hours, a
make-up working day keeps the hours of the weekday it stands in for)."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from qunxian.models import AuditEntry
from tests.bookings.conftest import at
from tests.bookings.test_portal import request_data
from tests.factories import OpeningHoursFactory
from venues.holiday_list import OFFICIAL
from venues.models import PublicHoliday, Venue


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def add_day(client, **fields):
    return client.post(reverse("console:holiday_list"), fields)


def slots_on(client, space, day: datetime.date) -> str:
    return client.get(
        reverse("bookings:availability", args=[space.pk]), {"date": day.isoformat()}
    ).content.decode()


def test_admin_adds_a_holiday_and_the_venue_closes_that_day(
    client, admin_user, worker, space
):
    client.force_login(admin_user)
    response = add_day(
        client, date=in_days(2).isoformat(), name="国庆节", kind="holiday", works_as=0
    )
    assert response.status_code == 302
    holiday = PublicHoliday.objects.get()
    assert (holiday.date, holiday.name) == (in_days(2), "国庆节")
    assert AuditEntry.objects.filter(action="holiday.add").exists()
    client.force_login(worker)
    book = reverse("bookings:new", args=[space.pk])
    assert client.post(book, request_data(at(2, 10))).status_code == 200
    assert not Booking.objects.exists()
    assert "10:00–11:00" not in slots_on(client, space, in_days(2))
    assert client.post(book, request_data(at(3, 10))).status_code == 302


def test_a_venue_open_on_holidays_keeps_its_sunday_hours(client, worker, space):
    venue = space.venue
    venue.hours.filter(weekday=6).update(
        opens=datetime.time(9), closes=datetime.time(12)
    )
    Venue.objects.filter(pk=venue.pk).update(holiday_hours=Venue.HolidayHours.SUNDAY)
    PublicHoliday.objects.create(date=in_days(2), name="端午节", kind="holiday")
    client.force_login(worker)
    page = slots_on(client, space, in_days(2))
    assert "09:00–10:00" in page and "11:00–12:00" in page
    assert "12:00–13:00" not in page and "08:00–09:00" not in page


def test_a_make_up_working_day_keeps_the_hours_of_its_weekday(client, worker, space):
    venue = space.venue
    day = in_days(3)
    venue.hours.filter(weekday=day.weekday()).delete()  # usually closed that day
    stand_in = (day.weekday() + 1) % 7
    venue.hours.filter(weekday=stand_in).update(
        opens=datetime.time(13), closes=datetime.time(15)
    )
    PublicHoliday.objects.create(
        date=day, name="国庆节调休", kind="workday", works_as=stand_in
    )
    client.force_login(worker)
    page = slots_on(client, space, day)
    assert "13:00–14:00" in page and "14:00–15:00" in page
    assert "10:00–11:00" not in page
    response = client.post(
        reverse("bookings:new", args=[space.pk]), request_data(at(3, 13))
    )
    assert response.status_code == 302


def test_the_manager_chooses_sunday_hours_on_the_hours_page(client, manager_a, venue_a):
    OpeningHoursFactory(venue=venue_a, weekday=6)
    client.force_login(manager_a)
    url = reverse("manage:venue_hours", args=[venue_a.pk])
    page = client.get(url).text
    assert re.search(
        r'<input type="radio" name="holiday_hours" value="closed"[^>]* checked', page
    )
    response = client.post(
        url,
        {
            "week": "1",
            "d6-0-opens": "09:00",
            "d6-0-closes": "17:00",
            "holiday_hours": "sunday",
        },
    )
    assert response.status_code == 302
    venue_a.refresh_from_db()
    assert venue_a.holiday_hours == Venue.HolidayHours.SUNDAY
    response = client.post(url, {"week": "1", "holiday_hours": "always"})
    assert response.status_code == 200
    venue_a.refresh_from_db()
    assert venue_a.holiday_hours == Venue.HolidayHours.SUNDAY


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date": "", "name": "春节", "kind": "holiday"}, "date"),
        ({"date": "2026-02-30", "name": "春节", "kind": "holiday"}, "date"),
        ({"date": "1900-01-01", "name": "春节", "kind": "holiday"}, "date"),
        ({"date": "{today}", "name": "", "kind": "holiday"}, "name"),
        ({"date": "{today}", "name": "春节", "kind": "party"}, "kind"),
        (
            {"date": "{today}", "name": "调休", "kind": "workday", "works_as": 9},
            "works_as",
        ),
        ({"date": "{taken}", "name": "春节", "kind": "holiday"}, "date"),
    ],
)
def test_bad_days_are_refused_and_nothing_changes(client, admin_user, fields, field):
    PublicHoliday.objects.create(date=in_days(5), name="清明节", kind="holiday")
    fields = {
        key: str(value)
        .replace("{today}", in_days(1).isoformat())
        .replace("{taken}", in_days(5).isoformat())
        for key, value in fields.items()
    }
    client.force_login(admin_user)
    response = add_day(client, **fields)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert PublicHoliday.objects.count() == 1


def test_the_list_shows_a_year_and_a_day_can_be_removed(client, admin_user):
    spring = PublicHoliday.objects.create(
        date=datetime.date(2026, 2, 14), name="春节调休", kind="workday", works_as=0
    )
    PublicHoliday.objects.create(
        date=datetime.date(2027, 1, 1), name="元旦", kind="holiday"
    )
    client.force_login(admin_user)
    page = client.get(reverse("console:holiday_list"), {"year": "2026"}).content
    assert "2026-02-14" in page.decode() and "2027-01-01" not in page.decode()
    assert client.get(reverse("console:holiday_list"), {"year": "x"}).status_code == 200
    response = client.post(reverse("console:holiday_delete", args=[spring.pk]))
    assert response.status_code == 302
    assert not PublicHoliday.objects.filter(pk=spring.pk).exists()
    assert AuditEntry.objects.filter(action="holiday.delete").exists()


def test_the_official_list_is_seeded_once_and_keeps_the_admins_days(db):
    PublicHoliday.objects.create(
        date=datetime.date(2026, 10, 1), name="国庆节（区里改名）", kind="holiday"
    )
    call_command("seed_holidays")
    call_command("seed_holidays")
    assert PublicHoliday.objects.count() == len({day for day, *_ in OFFICIAL})
    assert PublicHoliday.objects.get(date=datetime.date(2026, 10, 1)).name == (
        "国庆节（区里改名）"
    )
    spring = PublicHoliday.objects.filter(date__range=("2026-02-14", "2026-02-28"))
    assert list(spring.filter(kind="workday").values_list("date", flat=True)) == [
        datetime.date(2026, 2, 14),
        datetime.date(2026, 2, 28),
    ]
    assert spring.filter(kind="holiday").count() == 9
    assert PublicHoliday.objects.filter(date__year=2026, kind="holiday").count() == 33


def test_open_now_follows_the_holiday_list(client, space):
    venue = space.venue  # open 08:00–22:00 every day
    ten = at(0, 10)
    PublicHoliday.objects.create(date=ten.date(), name="国庆节", kind="holiday")
    assert not Venue.objects.open_at(ten).filter(pk=venue.pk).exists()
    assert not venue.opening_state(ten).is_open
    Venue.objects.filter(pk=venue.pk).update(holiday_hours=Venue.HolidayHours.SUNDAY)
    venue.refresh_from_db()
    assert Venue.objects.open_at(ten).filter(pk=venue.pk).exists()
    assert venue.opening_state(ten).is_open


def test_open_now_on_a_make_up_working_day_reads_its_stand_in(client, space):
    venue = space.venue
    ten = at(0, 10)
    venue.hours.filter(weekday=ten.weekday()).delete()
    PublicHoliday.objects.create(
        date=ten.date(), name="调休", kind="workday", works_as=(ten.weekday() + 1) % 7
    )
    assert Venue.objects.open_at(ten).filter(pk=venue.pk).exists()
    assert venue.opening_state(ten).is_open
    PublicHoliday.objects.all().delete()
    assert not Venue.objects.open_at(ten).filter(pk=venue.pk).exists()
    assert not venue.opening_state(ten).is_open
