"""Use of the venues: weekly series per venue, organisation and district, and
a venue's use by weekday and hour, computed by compute_usage and read by the
console in a constant number of queries."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from dashboards.usage import compute_usage
from tests.dashboards.test_usage_chart import value_at
from tests.factories import (
    BookingFactory,
    OrganizationFactory,
    SpaceFactory,
    VenueFactory,
)
from venues.models import (
    DemandCount,
    DemandSource,
    UsageSnapshot,
    VenueDailyStat,
    VenueHourlyViews,
)


def last_week_day(weekday: int) -> datetime.date:
    """The `weekday` (0 = Monday) of the last whole week."""
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    return monday + datetime.timedelta(days=weekday)


@pytest.fixture
def used(db):
    union = OrganizationFactory(name="普陀区总工会")
    women = OrganizationFactory(name="普陀区妇联", kind="women")
    home = VenueFactory(organization=union)
    other = VenueFactory(organization=women)
    tuesday = last_week_day(1)
    VenueDailyStat.objects.create(venue=home, date=tuesday, views=30, navigations=6)
    VenueDailyStat.objects.create(venue=other, date=tuesday, views=4, navigations=1)
    for hour, views in ((10, 21), (18, 9)):
        VenueHourlyViews.objects.create(
            venue=home, date=tuesday, hour=hour, views=views
        )
    VenueHourlyViews.objects.create(venue=home, date=last_week_day(3), hour=10, views=3)
    VenueHourlyViews.objects.create(venue=other, date=tuesday, hour=9, views=4)
    VenueHourlyViews.objects.create(  # this week: not over, left out
        venue=home, date=timezone.localdate(), hour=10, views=500
    )
    VenueDailyStat.objects.create(  # this week: not over, left out
        venue=home, date=timezone.localdate(), views=500
    )
    DemandCount.objects.create(
        date=tuesday,
        hour=18,
        source=DemandSource.NAVIGATION,
        cell="x",
        venue=home,
        category=home.category,
        count=6,
    )
    start = datetime.datetime.combine(
        tuesday, datetime.time(19), tzinfo=timezone.get_default_timezone()
    )
    space = SpaceFactory(venue=home)
    for state in (Booking.State.ATTENDED,) * 5 + (Booking.State.CANCELLED,):
        BookingFactory(
            space=space,
            start=start,
            end=start + datetime.timedelta(hours=1),
            state=state,
        )
    compute_usage()
    return home, other, union


def test_a_venues_weeks_count_views_navigations_bookings_and_check_ins(used):
    home, _other, _union = used
    data = UsageSnapshot.objects.get(scope="venue", venue=home).data
    assert data["weeks"][-1] == last_week_day(0).isoformat()
    last = {kind: data[kind][-1] for kind in ("views", "navigations")}
    assert last == {"views": 30, "navigations": 6}
    assert (data["bookings"][-1], data["check_ins"][-1]) == (5, 5)
    assert data["hours"]["navigations"][1][18] == 6
    assert data["hours"]["check_ins"][1][19] == 5
    views = data["hours"]["views"]
    assert (views[1][10], views[1][18], views[3][10]) == (21, 9, 3)
    assert sum(map(sum, views)) == 33


def test_organisation_and_district_add_up_their_venues(used):
    home, _other, union = used
    assert UsageSnapshot.objects.get(organization=union).data["views"][-1] == 30
    assert UsageSnapshot.objects.get(scope="district").data["views"][-1] == 34


def test_a_new_run_replaces_the_last(used):
    before = UsageSnapshot.objects.count()
    call_command("compute_usage")
    assert UsageSnapshot.objects.count() == before


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_the_console_shows_a_venues_hours_with_small_counts_hidden(
    used, admin_client, django_assert_max_num_queries
):
    home, other, _union = used
    with django_assert_max_num_queries(8):
        page = admin_client.get(reverse("console:usage"), {"venue": home.pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert home.name in text
    assert [
        row
        for row in page.context["weeks"]
        if row["week"] == (last_week_day(0).isoformat())
    ][0]["counts"] == ["30", "6", "5", "5"]
    grids = {item["kind"]: item["grid"] for item in page.context["grids"]}
    assert list(grids) == ["views", "navigations", "check_ins"]
    views = grids["views"]
    tuesday = views["rows"][1]["cells"]
    assert tuesday[views["columns"].index(10)] == "21"
    assert tuesday[views["columns"].index(18)] == "9"
    thursday = views["rows"][3]["cells"]
    assert thursday[views["columns"].index(10)] == "<5"  # 3: hidden
    assert thursday[views["columns"].index(11)] == ""
    assert 'id="views-title"' in text
    district = admin_client.get(reverse("console:usage"))
    week = district.context["weeks"][0]
    assert week["counts"][0] == "34"
    small = admin_client.get(reverse("console:usage"), {"venue": other.pk})
    assert small.context["weeks"][0]["counts"][:2] == ["<5", "<5"]


def test_the_console_reads_the_same_queries_for_more_venues(
    used, admin_client, django_assert_max_num_queries
):
    for _n in range(20):
        VenueFactory()
    compute_usage()
    with django_assert_max_num_queries(8):
        assert admin_client.get(reverse("console:usage")).status_code == 200


def test_an_unknown_venue_is_a_404(admin_client, db):
    assert admin_client.get(reverse("console:usage"), {"venue": 999}).status_code == 404


def test_a_snapshot_with_views_by_weekday_only_still_shows(used, admin_client):
    """Computed before views were counted by hour: its other grids show."""
    home, _other, _union = used
    snapshot = UsageSnapshot.objects.get(scope="venue", venue=home)
    snapshot.data["hours"]["views"] = [30, 0, 0, 0, 0, 0, 0]
    snapshot.save()
    page = admin_client.get(reverse("console:usage"), {"venue": home.pk})
    assert page.status_code == 200
    kinds = [item["kind"] for item in page.context["grids"]]
    assert kinds == ["navigations", "check_ins"]


def svg_of(page) -> str:
    return re.search(r"<svg class=\"usage-chart-svg\".*?</svg>", page, re.S).group(0)


def test_the_page_draws_the_chart_inline_with_a_legend_and_the_table(
    used, admin_client, django_assert_max_num_queries
):
    home, other, _union = used
    client = admin_client
    with django_assert_max_num_queries(8):
        page = client.get(reverse("console:usage"), {"venue": home.pk})
    text = page.content.decode()
    svg = svg_of(text)
    opening = svg.split(">", 1)[0]
    # Scales with its box: a viewBox, no fixed size; named for screen readers.
    assert 'viewBox="0 0 360 210"' in opening and " width=" not in opening
    assert 'role="img"' in opening
    assert 'aria-labelledby="usage-chart-title usage-chart-desc"' in opening
    assert '<title id="usage-chart-title">' in svg
    assert '<desc id="usage-chart-desc">' in svg
    assert (
        "<script" not in text.split('class="usage-chart"', 1)[1].split("</figure>")[0]
    )
    assert svg.count('class="chart-kind ') == 4
    legend = text.split('class="chart-legend"', 1)[1].split("</ul>", 1)[0]
    for label in (_("Views"), _("Navigations"), _("Bookings"), _("Check-ins")):
        assert label in legend
    assert 'aria-labelledby="weeks-title"' in text  # the numbers, as a table
    chart = page.context["chart"]
    views = next(line for line in chart["lines"] if line["kind"] == "views")
    assert [round(value_at(chart, y)) for _x, y in views["points"]] == [30]

    small = client.get(reverse("console:usage"), {"venue": other.pk})
    svg = svg_of(small.content.decode())
    # 4 views and 1 navigation last week: marks in the strip, no point, no line.
    assert "<circle" not in svg and "<polyline" not in svg
    assert svg.count('class="chart-small"') == 4 * 26
