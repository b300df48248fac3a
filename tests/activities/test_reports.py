"""The console's reach report: counts only, small groups hidden as '<5'."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import ReachSnapshot
from activities.reports import HIDDEN, reach_by_month, reach_table
from tests.activities.factories import ActivityFactory, SeriesFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AGE_COLUMNS = ["under_18", "18_34", "35_49", "50_plus", "unknown"]


def aged(age, **fields):
    year = timezone.localdate().year - age
    return UserFactory(birth_year=year, **fields)


@pytest.fixture
def parents_series(manager_a, venue_a):
    """亲子乐: 6 consenting women of ~35 (4 came), 3 men of ~40 without consent."""
    series = SeriesFactory(name="亲子乐系列活动")
    activity = ActivityFactory(venue=venue_a, series=series, seats=20)
    women = [aged(35, gender="female", profile_consent=True) for _ in range(6)]
    men = [aged(40, gender="male", profile_consent=False) for _ in range(3)]
    signups = [
        services.signup_create(activity=activity, user=user) for user in women + men
    ]
    activity.starts_at = timezone.now()
    activity.save(update_fields=["starts_at"])
    for signup in signups[:4]:
        services.signup_check_in(signup=signup, actor=manager_a)
    return series


def cells(row, measure="signups"):
    return [cell.shown for cell in getattr(row, measure)]


def test_by_age_hides_groups_under_five_and_one_more_of_the_row(parents_series):
    (row,) = reach_table("age")
    assert row.series == parents_series
    # 35–49: 6 women; unknown: 3 men without consent (their age is not used),
    # hidden, so the 6 is hidden too or it could be worked out from the total.
    assert cells(row) == ["0", "0", HIDDEN, "0", HIDDEN]
    # 4 attended, all consenting 35-year-olds: fewer than five people.
    assert cells(row, "attended") == ["0", "0", HIDDEN, "0", "0"]


def test_by_gender_counts_only_consenting_users_gender(parents_series):
    (row,) = reach_table("gender")
    assert [cell.count for cell in row.signups] == [6, 0, 3]  # women, men, unknown
    assert cells(row) == [HIDDEN, "0", HIDDEN]


def test_groups_of_five_or_more_are_shown(manager_a, venue_a):
    series = SeriesFactory(name="青春健身")
    activity = ActivityFactory(venue=venue_a, series=series, seats=30)
    for _ in range(5):
        services.signup_create(
            activity=activity, user=aged(25, gender="male", profile_consent=True)
        )
    for _ in range(7):
        services.signup_create(
            activity=activity, user=aged(55, gender="male", profile_consent=True)
        )
    (row,) = reach_table("age")
    assert cells(row) == ["0", "5", "0", "7", "0"]
    (row,) = reach_table("gender")
    assert cells(row) == ["0", "12", "0"]


def test_cancelled_sign_ups_do_not_count(venue_a):
    activity = ActivityFactory(venue=venue_a, series=SeriesFactory())
    signup = services.signup_create(activity=activity, user=UserFactory())
    services.signup_cancel(signup=signup, actor=signup.user)
    assert reach_table("age") == []


def test_report_page_shows_the_hidden_marker_not_the_count(
    client, admin_user, parents_series
):
    client.force_login(admin_user)
    response = client.get(reverse("console:activity_reach"))
    page = response.content.decode()
    assert "亲子乐系列活动" in page
    assert "&lt;5" in page
    table = page.split('id="reach-gender"')[1].split("</table>")[0]
    assert ">6<" not in table and ">3<" not in table


# -- Month by month, from what compute_reach stored


def test_reach_is_counted_month_by_month_and_hidden_when_small(
    client, admin_user, manager_a, venue_a, django_assert_max_num_queries
):
    series = SeriesFactory(name="亲子乐系列活动")
    this_month = timezone.localtime().replace(day=1, hour=12)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    now = ActivityFactory(venue=venue_a, series=series, seats=30)
    for _n in range(6):
        services.signup_create(
            activity=now, user=aged(30, gender="female", profile_consent=True)
        )
    earlier = ActivityFactory(venue=venue_a, series=series, seats=30)
    for _n in range(2):
        services.signup_create(
            activity=earlier, user=aged(30, gender="female", profile_consent=True)
        )
    # when they took place: this month and the last
    now.starts_at, now.ends_at = this_month, this_month + datetime.timedelta(hours=2)
    now.save()
    earlier.starts_at = last_month
    earlier.ends_at = last_month + datetime.timedelta(hours=2)
    earlier.save()

    call_command("compute_reach")
    assert ReachSnapshot.objects.filter(dimension="gender").count() == 2

    [item] = reach_by_month("gender", last_month.date())
    assert item.series == series
    assert [row.period for row in item.months] == [this_month.date(), last_month.date()]
    assert [c.shown for c in item.months[0].signups] == ["6", "0", "0"]
    assert [c.shown for c in item.months[1].signups] == [HIDDEN, "0", "0"]

    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("console:activity_reach")).content.decode()
    table = page.split('id="reach-gender-month-1"')[1].split("</table>")[0]
    assert ">6<" in table and "&lt;5" in table and ">2<" not in table

    # recomputing a month replaces it
    call_command("compute_reach", "--period", f"{last_month:%Y-%m}")
    assert ReachSnapshot.objects.filter(dimension="gender").count() == 2
