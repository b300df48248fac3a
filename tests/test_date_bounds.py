"""Dates that overflow: every date a person types is bounded to a sensible window.

Far-off days answer a translated form error, never a 500, and write nothing;
the pieces behind a page stay up even if such a day reached them.
"""

import datetime
import importlib
import inspect
import pkgutil

import django_filters
import pytest
from django import forms
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from activities.models import Activity
from bookings.availability import day_slots, slot_grid
from bookings.models import Booking, Slot
from bookings.services import booking_create
from feedback.models import IndexSnapshot
from notices.models import Notice
from tests.activities.factories import ActivityFactory
from tests.bookings.conftest import at
from tests.factories import (
    ClosureFactory,
    NoticeFactory,
    UserFactory,
    VenueFactory,
    bookable_space,
)
from venues.models import Closure, Organization, Venue

pytestmark = pytest.mark.django_db

APPS = ["qunxian", "venues", "bookings", "feedback", "activities", "notices"]
FAR_DAYS = ["0001-01-01", "1970-01-01", "9999-12-31"]
FAR_MONTHS = ["0001-01", "1970-01", "9999-12"]
DAY = datetime.timedelta(days=1)
ZONE = timezone.get_default_timezone()


def today():
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + n * DAY


def out_of_window(first, last) -> str:
    """The error as the site shows it, in its language (Chinese)."""
    return gettext("Pick a day between %(first)s and %(last)s.") % {
        "first": first.isoformat(),
        "last": last.isoformat(),
    }


def assert_no_server_error(response):
    assert response.status_code < 500, response.status_code


# -- Every date field of every form of the project --------------------------------


def is_abstract(cls) -> bool:
    """A ModelForm or FilterSet base without a model: its subclasses are checked."""
    meta = getattr(cls, "_meta", None)
    return meta is not None and meta.model is None


def project_forms():
    """Each Form, ModelForm and FilterSet class defined in the project's apps."""
    found = {}
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any(part in info.name for part in ("migrations", "wsgi", "asgi")):
                continue
            module = importlib.import_module(info.name)
            for cls in vars(module).values():
                if (
                    inspect.isclass(cls)
                    and cls.__module__ == module.__name__
                    and issubclass(cls, forms.BaseForm | django_filters.FilterSet)
                    and not is_abstract(cls)
                ):
                    found[f"{cls.__module__}.{cls.__name__}"] = cls
    return found


def build(cls, data, context):
    """The form (of a FilterSet, its form) bound to `data`, with what it needs."""
    needed = {
        name: context[name]
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if parameter.kind is parameter.KEYWORD_ONLY
        and parameter.default is parameter.empty
    }
    built = cls(data, **needed)
    return built.form if isinstance(built, django_filters.FilterSet) else built


def date_fields(form):
    return {
        name: field
        for name, field in form.fields.items()
        if isinstance(
            field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField
        )
    }


@pytest.fixture
def context(db):
    space = bookable_space()
    return {
        "space": space,
        "venue": space.venue,
        "user": UserFactory(),
        "venues": Venue.objects.all(),
        "organization": space.venue.organization,
        "organizations": Organization.objects.all(),
        "console_venues": Venue.objects.all(),
        "photo_count": 0,
    }


def test_every_date_field_is_bounded_and_refuses_far_days(context):
    from qunxian.forms import DateWindowMixin

    seen = set()
    for path, cls in project_forms().items():
        for name, field in date_fields(build(cls, None, context)).items():
            seen.add(f"{cls.__name__}.{name}")
            assert isinstance(field, DateWindowMixin), f"{path}.{name} is unbounded"
            monthly = list(getattr(field, "input_formats", [])) == ["%Y-%m"]
            for value in FAR_MONTHS if monthly else FAR_DAYS:
                form = build(cls, {name: value}, context)
                assert name in form.errors, f"{path}.{name} took {value}"
    # The walk found them all, not an empty list.
    assert {
        "DayForm.date",
        "BookingForm.start",
        "DateForm.date",
        "ManagerBookingFilter.date",
        "ClosureForm.start_date",
        "ClosureForm.end_date",
        "HolidayForm.date",
        "ActivityForm.starts_at",
        "ActivityForm.ends_at",
        "NoticeForm.published_at",
        "ManagerNoticeForm.published_at",
        "ConsoleNoticeForm.published_at",
        "PeriodForm.period",
    } <= seen


def test_a_datetime_past_year_9999_in_the_site_zone_is_refused(context):
    field = build(project_forms()["bookings.forms.BookingForm"], None, context).fields[
        "start"
    ]
    with pytest.raises(forms.ValidationError) as error:
        field.clean("9999-12-31T23:00:00-05:00")  # 10000-01-01 in Shanghai
    assert error.value.code == "out_of_window"


# -- Through HTTP ---------------------------------------------------------------


@pytest.fixture
def space(db):
    return bookable_space(capacity=10, advance_days=14)


@pytest.fixture
def space_manager(space):
    user = UserFactory()
    space.venue.managers.add(user)
    return user


@pytest.mark.parametrize("value", FAR_DAYS)
def test_availability_refuses_a_far_day(client, space, value):
    response = client.get(
        reverse("bookings:availability", args=[space.pk]), {"date": value}
    )
    assert response.status_code == 200
    assert response.context["slots"] == []
    assert out_of_window(today(), days(14)) in response.content.decode()


@pytest.mark.parametrize("value", [*FAR_DAYS, "9999-12-31T10:00:00"])
def test_booking_a_far_start_is_refused_and_writes_nothing(client, space, value):
    client.force_login(UserFactory())
    url = reverse("bookings:new", args=[space.pk])
    assert_no_server_error(client.get(url, {"start": value}))
    response = client.post(
        url,
        {
            "start": value,
            "slot_count": "1",
            "headcount": "1",
            "purpose": "班组学习",
            "contact_phone": "13900000001",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start"] == [
        out_of_window(today(), days(14))
    ]
    assert out_of_window(today(), days(14)) in response.content.decode()
    assert not Booking.objects.exists()
    assert not Slot.objects.exists()


@pytest.mark.parametrize("value", FAR_DAYS)
def test_manager_day_view_refuses_a_far_day_and_shows_today(
    client, space, space_manager, value
):
    client.force_login(space_manager)
    response = client.get(reverse("manage:space_day", args=[space.pk]), {"date": value})
    assert response.status_code == 200
    assert response.context["day"] == today()
    page = response.content.decode()
    assert out_of_window(days(-3 * 366), days(366)) in page


@pytest.mark.parametrize("value", FAR_DAYS)
def test_manager_queue_refuses_a_far_day(client, space, space_manager, value):
    client.force_login(space_manager)
    response = client.get(reverse("manage:booking_queue"), {"date": value})
    assert response.status_code == 200
    assert out_of_window(days(-3 * 366), days(366)) in response.content.decode()


def closure_data(start, end):
    return {"start_date": start, "end_date": end, "reason": "设备检修"}


@pytest.mark.parametrize(
    ("start", "end"),
    [(today, value) for value in FAR_DAYS] + [(value, today) for value in FAR_DAYS],
)
def test_closure_with_a_far_day_is_refused_and_cancels_nothing(
    client, space, space_manager, start, end
):
    booking = booking_create(
        user=UserFactory(),
        space=space,
        start=at(1, 10),
        headcount=1,
        purpose="x",
        contact_phone="13900000001",
    )
    start = start().isoformat() if callable(start) else start
    end = end().isoformat() if callable(end) else end
    client.force_login(space_manager)
    response = client.post(
        reverse("manage:venue_closures", args=[space.venue.pk]),
        closure_data(start, end),
    )
    assert response.status_code == 200
    field = "end_date" if start == today().isoformat() else "start_date"
    message = out_of_window(days(-31), days(2 * 365))
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not Closure.objects.exists()
    booking.refresh_from_db()
    assert booking.state in Booking.ACTIVE


def notice_data(**overrides):
    return {
        "kind": "notice",
        "title": "本周六场所暂停开放",
        "topic": "",
        "body": "<p>因设备检修，暂停开放一天。</p>",
        **overrides,
    }


@pytest.mark.parametrize("value", [*FAR_DAYS, "9999-12-31T23:59"])
def test_notice_with_a_far_publish_time_is_refused(
    client, manager_a, venue_a, admin_user, value
):
    message = out_of_window(days(-5 * 365), days(366))
    client.force_login(manager_a)
    response = client.post(
        reverse("manage:notice_create"),
        notice_data(venue=venue_a.pk, published_at=value),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    client.force_login(admin_user)
    response = client.post(
        reverse("console:notice_create"),
        notice_data(organization=venue_a.organization.pk, published_at=value),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Notice.objects.exists()


def activity_data(venue, starts, ends):
    return {
        "title": "亲子手工课",
        "venue": venue.pk,
        "place": "二楼活动室",
        "starts_at": starts,
        "ends_at": ends,
        "seats": 10,
    }


@pytest.mark.parametrize("value", FAR_DAYS)
def test_activity_with_a_far_time_is_refused(client, manager_a, venue_a, value):
    client.force_login(manager_a)
    soon = f"{days(1).isoformat()}T10:00"
    for starts, ends, field in ((value, soon, "starts_at"), (soon, value, "ends_at")):
        response = client.post(
            reverse("manage:activity_create"), activity_data(venue_a, starts, ends)
        )
        assert response.status_code == 200
        message = out_of_window(today(), days(366))
        assert response.context["form"].errors[field] == [message]
        assert message in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("value", ["0", "1", "1899", "9999", *FAR_DAYS])
def test_profile_refuses_a_birth_year_outside_1900_to_this_year(client, worker, value):
    client.force_login(worker)
    response = client.post(
        reverse("profile"), {"display_name": "李师傅", "birth_year": value}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["birth_year"]
    worker.refresh_from_db()
    assert worker.birth_year is None


@pytest.mark.parametrize("value", ["1900", "1970", str(timezone.localdate().year)])
def test_profile_takes_a_birth_year_from_1900_to_this_year(client, worker, value):
    client.force_login(worker)
    response = client.post(
        reverse("profile"), {"display_name": "李师傅", "birth_year": value}
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.birth_year == int(value)


@pytest.mark.parametrize("value", FAR_MONTHS)
def test_index_months_outside_the_window_are_refused(client, admin_user, value):
    client.force_login(admin_user)
    assert client.get(reverse("console:indexes"), {"period": value}).status_code == 404
    assert (
        client.get(reverse("console:indexes_csv"), {"period": value}).status_code == 404
    )
    response = client.post(
        reverse("console:indexes_compute"), {"period": value}, follow=True
    )
    assert response.status_code == 200
    first = today().replace(year=today().year - 10, day=1)
    message = gettext("Pick a month between %(first)s and %(last)s.") % {
        "first": f"{first:%Y-%m}",
        "last": f"{today():%Y-%m}",
    }
    assert message in response.content.decode()
    assert not IndexSnapshot.objects.exists()


@pytest.mark.parametrize("value", FAR_MONTHS)
def test_compute_indexes_command_refuses_a_far_month(value):
    VenueFactory()
    with pytest.raises(CommandError, match="must be between"):
        call_command("compute_indexes", "--period", value)
    assert not IndexSnapshot.objects.exists()


# -- The edges of each window ---------------------------------------------------


def valid(field, value) -> bool:
    try:
        field.clean(value)
    except forms.ValidationError:
        return False
    return True


def test_booking_window_is_today_to_the_end_of_the_advance_window(space):
    from bookings.forms import BookingForm, DayForm

    day = DayForm(space=space).fields["date"]
    start = BookingForm(space=space).fields["start"]
    for n, allowed in ((-1, False), (0, True), (14, True), (15, False)):
        assert valid(day, days(n).isoformat()) is allowed, n
        assert valid(start, at(n, 10).isoformat()) is allowed, n
    # The last minute of the last day is still in it.
    assert valid(start, f"{days(14).isoformat()}T23:59")
    assert not valid(start, f"{days(15).isoformat()}T00:00")


def test_manager_day_window_reaches_three_years_back_and_one_ahead():
    from bookings.forms import DateForm

    field = DateForm().fields["date"]
    for n, allowed in ((-3 * 366 - 1, False), (-3 * 366, True), (366, True)):
        assert valid(field, days(n).isoformat()) is allowed, n
    assert not valid(field, days(367).isoformat())


def test_closure_window_is_a_month_back_to_two_years_ahead(db):
    from venues.forms import ClosureForm

    for name in ("start_date", "end_date"):
        field = ClosureForm(venue=VenueFactory()).fields[name]
        for n, allowed in ((-32, False), (-31, True), (730, True), (731, False)):
            assert valid(field, days(n).isoformat()) is allowed, (name, n)


def test_activity_window_is_today_to_a_year_ahead_or_its_own_times(venue_a):
    from activities.forms import ActivityForm

    new = ActivityForm(venues=Venue.objects.all()).fields["starts_at"]
    for n, allowed in ((-1, False), (0, True), (366, True), (367, False)):
        assert valid(new, f"{days(n).isoformat()}T09:00") is allowed, n
    past = ActivityFactory(
        venue=venue_a,
        starts_at=at(-20, 9),
        ends_at=at(-20, 11),
    )
    edited = ActivityForm(instance=past, venues=Venue.objects.all())
    assert valid(edited.fields["starts_at"], f"{days(-20).isoformat()}T09:00")
    assert valid(edited.fields["ends_at"], f"{days(-20).isoformat()}T11:00")
    assert not valid(edited.fields["starts_at"], f"{days(-21).isoformat()}T09:00")


def test_notice_window_is_five_years_back_to_a_year_ahead_or_its_own_time():
    from notices.forms import NoticeForm

    field = NoticeForm().fields["published_at"]
    for n, allowed in ((-5 * 365 - 1, False), (-5 * 365, True), (366, True)):
        assert valid(field, f"{days(n).isoformat()}T09:00") is allowed, n
    assert not valid(field, f"{days(367).isoformat()}T09:00")
    assert valid(field, "")  # empty: now
    old = NoticeFactory(published_at=datetime.datetime(2015, 3, 1, 9, 30, tzinfo=ZONE))
    kept = NoticeForm(notice=old).fields["published_at"]
    assert valid(kept, "2015-03-01T09:30")
    assert not valid(kept, "2015-02-28T09:30")


def test_editing_an_old_notice_keeps_its_time(client, admin_user):
    old = NoticeFactory(published_at=datetime.datetime(2015, 3, 1, 9, 30, tzinfo=ZONE))
    client.force_login(admin_user)
    response = client.post(
        reverse("console:notice_edit", args=[old.pk]),
        notice_data(
            title="改",
            organization=old.organization.pk,
            published_at="2015-03-01T09:30",
        ),
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.title == "改"


def test_index_month_window_is_ten_years_back_to_this_month():
    from feedback.periods import period_window

    assert period_window(datetime.date(2026, 2, 28)) == (
        datetime.date(2016, 2, 1),
        datetime.date(2026, 2, 28),
    )
    # 29 February: ten years earlier has none, the first of the month is safe.
    assert period_window(datetime.date(2028, 2, 29))[0] == datetime.date(2018, 2, 1)


# -- What lies behind a page stays up at the ends of the calendar -------------------


def test_slot_grid_and_day_slots_survive_the_ends_of_the_calendar():
    space = bookable_space(capacity=10)
    ClosureFactory(
        venue=space.venue,
        start_date=datetime.date(9999, 12, 1),
        end_date=datetime.date.max,
    )
    for day in (datetime.date.min, datetime.date.max):
        assert slot_grid(space, day) == []
        assert day_slots(space, day) == []
    # The days next to them still have their slots, and their seats are read.
    assert slot_grid(space, datetime.date.min + DAY)
    assert day_slots(space, datetime.date(9999, 11, 30))
