"""The demo's use of the venues: the console's usage page has weeks to chart
and, per venue, views, navigations and check-ins by weekday and hour."""

import datetime

from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qunxian.models import User
from venues.models import Venue, VenueDailyStat, VenueHourlyViews
from venues.usage import HOURS_DAYS


def test_the_demos_views_by_hour_add_up_to_its_days_and_show(demo):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    window = (yesterday - datetime.timedelta(days=HOURS_DAYS - 1), yesterday)
    days = {
        (venue, day): views
        for venue, day, views in VenueDailyStat.objects.filter(
            date__range=window, views__gt=0
        ).values_list("venue", "date", "views")
    }
    hours = {
        (venue, day): views
        for venue, day, views in VenueHourlyViews.objects.filter(date__range=window)
        .values_list("venue", "date")
        .annotate(n=Sum("views"))
        .values_list("venue", "date", "n")
    }
    assert len(days) > 40 * HOURS_DAYS
    assert hours == days  # each day's hours add up to its views
    used = set(VenueHourlyViews.objects.values_list("hour", flat=True))
    assert len(used) > 10  # spread over the day, not one hour

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    venue = Venue.objects.get(name="沈家门渔港环卫工人爱心驿站")
    page = client.get(reverse("console:usage"), {"venue": venue.pk})
    grids = {item["kind"]: item["grid"] for item in page.context["grids"]}
    views = [cell for row in grids["views"]["rows"] for cell in row["cells"]]
    assert sum(cell.isdigit() for cell in views) >= 20
    assert page.context["chart"]["lines"][0]["points"]  # the weeks, drawn
