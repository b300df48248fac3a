"""Which groups each series reaches: sign-ups and attendance by age band and gender.

Counts only, computed by SQL aggregates: over all time for the summary, and
month by month (by the month the activity starts) into `ReachSnapshot` rows by
`compute_reach`, which the console's month-by-month tables only read. A
person's age and gender count only if they consented to their use; otherwise,
or when not given, they are "unknown". Any cell behind which stand fewer than
`MIN_GROUP` people shows as "<5"; where that would leave a single hidden cell
in a row (recoverable from the other table's total), the next smallest cell is
hidden too.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ReachSnapshot, Series, SignUp
from feedback.periods import month_start, next_month

MIN_GROUP = 5
HIDDEN = "<5"
UNKNOWN = "unknown"

AGE_BANDS = [
    ("under_18", _("Under 18")),
    ("18_34", _("18–34")),
    ("35_49", _("35–49")),
    ("50_plus", _("50 and over")),
    (UNKNOWN, _("Unknown")),
]
GENDERS = [
    ("female", _("Women")),
    ("male", _("Men")),
    (UNKNOWN, _("Unknown")),
]


@dataclass
class Cell:
    count: int
    people: int
    hidden: bool = False

    @property
    def shown(self) -> str:
        return HIDDEN if self.hidden else str(self.count)


@dataclass
class Row:
    series: Series | None
    signups: list[Cell]
    attended: list[Cell]


def _age_band():
    consented = Q(user__profile_consent=True, user__birth_year__isnull=False)
    return Case(
        When(~consented, then=Value(UNKNOWN)),
        When(age__lt=18, then=Value("under_18")),
        When(age__lt=35, then=Value("18_34")),
        When(age__lt=50, then=Value("35_49")),
        default=Value("50_plus"),
        output_field=CharField(),
    )


def _gender():
    return Case(
        When(
            Q(user__profile_consent=True) & ~Q(user__gender=""),
            then=F("user__gender"),
        ),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _suppress(cells: list[Cell]) -> list[Cell]:
    for cell in cells:
        cell.hidden = 0 < cell.people < MIN_GROUP
    hidden = [cell for cell in cells if cell.hidden]
    if len(hidden) == 1:
        others = [cell for cell in cells if cell.count and not cell.hidden]
        if others:
            min(others, key=lambda cell: cell.count).hidden = True
    return cells


def _counted(signups, group: str):
    """Per series and group: sign-ups, people, and those who attended."""
    return (
        signups.exclude(state=SignUp.State.CANCELLED)
        .exclude(activity__status=Activity.Status.CANCELLED)
        .alias(age=ExtractYear("activity__starts_at") - F("user__birth_year"))
        .annotate(group=_age_band() if group == "age" else _gender())
        .values("activity__series", "group")
        .annotate(
            signups=Count("id"),
            people=Count("user", distinct=True),
            attended=Count("id", filter=Q(state=SignUp.State.ATTENDED)),
            attended_people=Count(
                "user", distinct=True, filter=Q(state=SignUp.State.ATTENDED)
            ),
        )
        .order_by()
    )


def reach_table(group: str, signups=None) -> list[Row]:
    """One row per series (and one for activities without), one cell per group.

    `group` is "age" or "gender". Cancelled sign-ups do not count; sign-ups
    count confirmed, waiting and attended ones.
    """
    keys = AGE_BANDS if group == "age" else GENDERS
    counted = _counted(signups if signups is not None else SignUp.objects.all(), group)
    found: dict = {}
    for item in counted:
        found[(item["activity__series"], item["group"])] = item
    series_ids = {series_id for series_id, _group in found}
    series = Series.objects.in_bulk([pk for pk in series_ids if pk is not None])
    rows = []
    ordered = sorted(series.values(), key=lambda s: s.name)
    for one in [*ordered, *([None] if None in series_ids else [])]:
        pk = one.pk if one else None
        items = [found.get((pk, key), {}) for key, _label in keys]
        rows.append(
            Row(
                series=one,
                signups=_suppress(
                    [Cell(i.get("signups", 0), i.get("people", 0)) for i in items]
                ),
                attended=_suppress(
                    [
                        Cell(i.get("attended", 0), i.get("attended_people", 0))
                        for i in items
                    ]
                ),
            )
        )
    return rows


# -- Month by month


@transaction.atomic
def compute_reach(period: datetime.date) -> int:
    """Store (replace) the month's reach of every series; the rows written."""
    period = month_start(period)
    zone = timezone.get_default_timezone()
    since = datetime.datetime.combine(period, datetime.time(), tzinfo=zone)
    until = datetime.datetime.combine(next_month(period), datetime.time(), tzinfo=zone)
    signups = SignUp.objects.filter(
        activity__starts_at__gte=since, activity__starts_at__lt=until
    )
    ReachSnapshot.objects.filter(period=period).delete()
    rows = [
        ReachSnapshot(
            period=period,
            series_id=item["activity__series"],
            dimension=dimension,
            group=item["group"],
            signups=item["signups"],
            people=item["people"],
            attended=item["attended"],
            attended_people=item["attended_people"],
        )
        for dimension in ReachSnapshot.Dimension.values
        for item in _counted(signups, dimension)
    ]
    ReachSnapshot.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@dataclass
class MonthRow:
    period: datetime.date
    signups: list[Cell]
    attended: list[Cell]


@dataclass
class SeriesMonths:
    series: Series | None
    months: list[MonthRow]


def reach_by_month(
    dimension: str, since: datetime.date, series=None
) -> list[SeriesMonths]:
    """Each series' stored months from `since`, newest first, small groups
    hidden; only those of `series` when given."""
    keys = [key for key, _label in (AGE_BANDS if dimension == "age" else GENDERS)]
    snapshots = ReachSnapshot.objects.filter(
        dimension=dimension, period__gte=since
    ).select_related("series")
    if series is not None:
        snapshots = snapshots.filter(series__in=series)
    found: dict = {}
    for snapshot in snapshots:
        by_period = found.setdefault(snapshot.series_id, (snapshot.series, {}))[1]
        by_period.setdefault(snapshot.period, {})[snapshot.group] = snapshot
    result = []
    ordered = sorted(found.values(), key=lambda pair: (pair[0] is None, str(pair[0])))
    for series, by_period in ordered:
        months = []
        for period in sorted(by_period, reverse=True):
            groups = [by_period[period].get(key) for key in keys]
            months.append(
                MonthRow(
                    period=period,
                    signups=_suppress(
                        [Cell(g.signups, g.people) if g else Cell(0, 0) for g in groups]
                    ),
                    attended=_suppress(
                        [
                            Cell(g.attended, g.attended_people) if g else Cell(0, 0)
                            for g in groups
                        ]
                    ),
                )
            )
        result.append(SeriesMonths(series=series, months=months))
    return result
