"""Use of the venues over time, gathered from venues, bookings and activities
into `UsageSnapshot` rows that the console reads.

Per week of the last `WEEKS`: views and navigations (the venues' daily
counts), bookings (by the week they are for, refused and cancelled ones left
out) and check-ins (attended bookings and activity sign-ups). Per venue also
views, navigations and check-ins by weekday and hour over the last
`HOURS_DAYS` days: a view counts at the hour of the visitor's first view of
the venue that day (`VenueHourlyViews`, see venues/usage.py), a navigation at
the hand-off, a check-in at the booking's start or the sign-up's check-in.
All of it by SQL aggregates; Python only adds up the groups.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from activities.models import SignUp
from bookings.models import Booking
from venues.models import (
    DemandCount,
    DemandSource,
    UsageSnapshot,
    Venue,
    VenueDailyStat,
    VenueHourlyViews,
)
from venues.usage import HOURS_DAYS

WEEKS = 26
KINDS = ("views", "navigations", "bookings", "check_ins")
HOUR_KINDS = ("views", "navigations", "check_ins")


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _week_counts(start, end):
    """{venue: {week: {kind: count}}} from the daily SQL groups."""
    counts = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(KINDS, 0)))
    daily = (
        VenueDailyStat.objects.filter(date__range=(start, end))
        .values_list("venue_id", "date")
        .annotate(v=Sum("views"), n=Sum("navigations"))
        .order_by()
    )
    for venue, day, views, navigations in daily:
        week = counts[venue][_monday(day)]
        week["views"] += views
        week["navigations"] += navigations
    zone = timezone.get_current_timezone()
    bookings = (
        Booking.objects.filter(
            state__in=Booking.HOLDING, start__date__range=(start, end)
        )
        .annotate(day=TruncDate("start", tzinfo=zone))
        .values_list("space__venue_id", "day")
        .annotate(
            made=Count("id"),
            attended=Count("id", filter=Q(state=Booking.State.ATTENDED)),
        )
        .order_by()
    )
    for venue, day, made, attended in bookings:
        week = counts[venue][_monday(day)]
        week["bookings"] += made
        week["check_ins"] += attended
    signups = (
        SignUp.objects.filter(
            state=SignUp.State.ATTENDED, checked_in_at__date__range=(start, end)
        )
        .annotate(day=TruncDate("checked_in_at", tzinfo=zone))
        .values_list("activity__venue_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for venue, day, n in signups:
        counts[venue][_monday(day)]["check_ins"] += n
    return counts


def _hour_counts(start, end):
    """{venue: {"views"|"navigations"|"check_ins": 7 weekdays × 24 hours}}."""
    grids = defaultdict(
        lambda: {kind: [[0] * 24 for _day in range(7)] for kind in HOUR_KINDS}
    )
    navigations = (
        DemandCount.objects.filter(
            source=DemandSource.NAVIGATION,
            venue__isnull=False,
            date__range=(start, end),
        )
        .annotate(weekday=ExtractIsoWeekDay("date"))
        .values_list("venue_id", "weekday", "hour")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for venue, weekday, hour, n in navigations:
        grids[venue]["navigations"][weekday - 1][hour] += n
    attended = (
        Booking.objects.filter(
            state=Booking.State.ATTENDED, start__date__range=(start, end)
        )
        .annotate(weekday=ExtractIsoWeekDay("start"), hour=ExtractHour("start"))
        .values_list("space__venue_id", "weekday", "hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    checked_in = (
        SignUp.objects.filter(
            state=SignUp.State.ATTENDED, checked_in_at__date__range=(start, end)
        )
        .annotate(
            weekday=ExtractIsoWeekDay("checked_in_at"),
            hour=ExtractHour("checked_in_at"),
        )
        .values_list("activity__venue_id", "weekday", "hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    for rows in (attended, checked_in):
        for venue, weekday, hour, n in rows:
            grids[venue]["check_ins"][weekday - 1][hour] += n
    views = (
        VenueHourlyViews.objects.filter(date__range=(start, end))
        .annotate(weekday=ExtractIsoWeekDay("date"))
        .values_list("venue_id", "weekday", "hour")
        .annotate(n=Sum("views"))
        .order_by()
    )
    for venue, weekday, hour, n in views:
        grids[venue]["views"][weekday - 1][hour] += n
    return grids


def _series(weeks, by_week) -> dict:
    return {
        "weeks": [week.isoformat() for week in weeks],
        **{
            kind: [by_week.get(week, {}).get(kind, 0) for week in weeks]
            for kind in KINDS
        },
    }


def _add(total: dict, part: dict) -> None:
    for week, kinds in part.items():
        into = total.setdefault(week, dict.fromkeys(KINDS, 0))
        for kind, n in kinds.items():
            into[kind] += n


def compute_usage(today: datetime.date | None = None) -> int:
    """A snapshot per venue, organisation and the district; how many rows.

    Whole weeks only, the current one left out: it has not ended.
    """
    today = today or timezone.localdate()
    end = _monday(today) - datetime.timedelta(days=1)
    start = end - datetime.timedelta(weeks=WEEKS) + datetime.timedelta(days=1)
    weeks = [start + datetime.timedelta(weeks=n) for n in range(WEEKS)]
    hours_start = end - datetime.timedelta(days=HOURS_DAYS - 1)
    by_venue = _week_counts(start, end)
    grids = _hour_counts(hours_start, end)
    now = timezone.now()
    common = {"computed_at": now, "period_start": start, "period_end": end}
    rows, by_org, district = [], defaultdict(dict), {}
    for venue, organization in Venue.objects.values_list("pk", "organization_id"):
        weekly = by_venue.get(venue, {})
        _add(by_org[organization], weekly)
        _add(district, weekly)
        rows.append(
            UsageSnapshot(
                scope=UsageSnapshot.Scope.VENUE,
                venue_id=venue,
                data={
                    **_series(weeks, weekly),
                    "hours": grids[venue],
                    "hours_from": hours_start.isoformat(),
                },
                **common,
            )
        )
    for organization, weekly in by_org.items():
        rows.append(
            UsageSnapshot(
                scope=UsageSnapshot.Scope.ORGANIZATION,
                organization_id=organization,
                data=_series(weeks, weekly),
                **common,
            )
        )
    rows.append(
        UsageSnapshot(
            scope=UsageSnapshot.Scope.DISTRICT,
            data=_series(weeks, district),
            **common,
        )
    )
    with transaction.atomic():
        UsageSnapshot.objects.bulk_create(rows, batch_size=500)
        # Only the latest run is read: older ones are dropped with it.
        UsageSnapshot.objects.filter(computed_at__lt=now).delete()
    return len(rows)
