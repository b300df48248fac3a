"""The monthly indexes of every venue, computed in SQL and stored as snapshots.

- activity 活跃度: views, navigation hand-offs, attended bookings and people
  checked in at activities, each worth its points (`IndexWeights`), then
  scaled so the busiest venue scores 100;
- good-review rate 好评度: share of 4–5 star reviews written in the month;
- handling rate 反馈受理度: share of the month's feedback accepted and resolved
  within their deadlines. Closed items stay in the denominator, so closing an
  item never raises the rate;
- 服务先锋指数: the weighted mean of activity and the two rates' scores.

Formula 2 (`FORMULA_VERSION`): a rate enters the composite as a score pulled
towards the district mean by a Bayesian prior of `m` pseudo-observations
(`IndexWeights.prior_weight`):

    score = 100 · (successes + m · mean) / (trials + m)

so a venue without reviews or feedback scores the district mean, not nothing
and not a perfect 100, and a few good reviews move it only part of the way.
A part nobody in the district has data for leaves everyone's weights.

A month that has not ended is refused unless asked for as provisional; a
provisional snapshot is never the default period of the console.

The statements do not grow with the venues: delete the period; insert one row
per venue, joining one GROUP BY pass over each source table; derive the rates;
read the top activity and the district's totals; pull the rates to the prior;
weigh the composite; find the middle handling times per venue and per
organisation for the medians (on PostgreSQL in one statement, elsewhere by
ranking them once per median); then one row per organisation.
"""

import datetime
from collections import defaultdict
from statistics import mean

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Now, NullIf, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.models import Booking
from feedback.models import (
    Appeal,
    IndexSnapshot,
    IndexWeights,
    OrganizationIndexSnapshot,
    Review,
)
from feedback.periods import month_start, next_month
from qunxian.caching import bump_version
from qunxian.workflow import Refused
from venues.models import Venue, VenueDailyStat

FORMULA_VERSION = 2
#: Bumped by every computation: the console keeps whole ranking pages under it.
INDEXES_VERSION = "feedback:indexes-version"
GOOD_ENOUGH = 80  # a rate under this is called out to the venue
LOW_ACTIVITY = 20


def _grouped(queryset, venue_field: str, **aggregates) -> tuple[str, tuple]:
    """SQL for one pass over `queryset`: the aggregates per venue (`venue_key`)."""
    grouped = (
        queryset.order_by()
        .annotate(venue_key=F(venue_field))
        .values("venue_key")
        .annotate(**aggregates)
    )
    return grouped.query.sql_with_params()


def _rate(part, whole):
    """0–100, or NULL when there is nothing to rate."""
    return Case(
        When(
            **{f"{whole}__gt": 0}, then=Cast(F(part), FloatField()) * 100.0 / F(whole)
        ),
        default=None,
        output_field=FloatField(),
    )


def _pulled(successes: str, trials: str, prior: float | None, weight: float):
    """100 · (successes + m · prior) / (trials + m); NULL where there is neither."""
    if prior is None:
        return Value(None, output_field=FloatField())
    score = (Cast(F(successes), FloatField()) * 100.0 + weight * prior) / (
        Cast(F(trials), FloatField()) + weight
    )
    if weight > 0:
        return score
    return Case(
        When(**{f"{trials}__gt": 0}, then=score),
        default=None,
        output_field=FloatField(),
    )


def _weight_if(score: str, weight: float):
    return Case(
        When(**{f"{score}__isnull": False}, then=Value(weight)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _hours(middles) -> float:
    """The median in hours: the mean of a group's one or two middle durations."""
    return mean(duration.total_seconds() / 3600 for duration in middles)


def _medians(appeals: QuerySet, group: str, end: str) -> dict:
    """Median hours from submission to `end` per `group`, from its middle rows.

    The database ranks each group's durations; only the one or two middle rows
    of each group come back, so the work in Python is per group, not per row.
    """
    took = ExpressionWrapper(F(end) - F("created_at"), output_field=DurationField())
    ranked = (
        appeals.filter(**{f"{end}__isnull": False})
        .annotate(
            group_key=F(group),
            took=took,
            position=Window(
                RowNumber(), partition_by=F(group), order_by=[took.asc(), F("pk")]
            ),
            size=Window(Count("pk"), partition_by=F(group)),
        )
        .filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2))
        .order_by()
        .values_list("group_key", "took")
    )
    middles = defaultdict(list)
    for key, duration in ranked:
        middles[key].append(duration)
    return {key: _hours(durations) for key, durations in middles.items()}


# The k-th of n rows is the first whose position k/n reaches the fraction, so
# 0.5 picks the lower middle row and 0.5 + ε the upper one (the same row when n
# is odd) for any n below 1/(2ε), five hundred million feedback items.
MIDDLE_ROWS = [0.5, 0.5 + 1e-9]


def _medians_in_one_pass(appeals: QuerySet) -> dict:
    """PostgreSQL: both medians per venue and per organisation in one statement.

    `percentile_disc` returns the middle rows' durations themselves; GROUPING
    SETS groups the month's feedback by venue and by organisation in the one
    scan. The hours are worked out as in `_medians`, so they are the same.
    """
    handled = Q(accepted_at__isnull=False) | Q(resolved_at__isnull=False)
    durations = (
        appeals.filter(handled)
        .annotate(
            venue_key=F("venue"),
            organization_key=F("venue__organization"),
            accept=ExpressionWrapper(
                F("accepted_at") - F("created_at"), output_field=DurationField()
            ),
            resolve=ExpressionWrapper(
                F("resolved_at") - F("created_at"), output_field=DurationField()
            ),
        )
        .values("venue_key", "organization_key", "accept", "resolve")
    )
    sql, params = durations.order_by().query.sql_with_params()
    # The inner SELECT is the ORM's; every value is a parameter.
    statement = (
        "SELECT GROUPING(venue_key), venue_key, organization_key, "  # noqa: S608
        "percentile_disc(%s) WITHIN GROUP (ORDER BY accept), "
        "percentile_disc(%s) WITHIN GROUP (ORDER BY resolve) "
        f"FROM ({sql}) d GROUP BY GROUPING SETS ((venue_key), (organization_key))"
    )
    medians = {"venue": ({}, {}), "venue__organization": ({}, {})}
    with connection.cursor() as cursor:
        cursor.execute(statement, [MIDDLE_ROWS, MIDDLE_ROWS, *params])
        for by_organization, venue, organization, accept, resolve in cursor:
            group, key = (
                ("venue__organization", organization)
                if by_organization
                else ("venue", venue)
            )
            for found, middles in zip(medians[group], (accept, resolve), strict=True):
                if middles is not None:
                    found[key] = _hours(middles)
    return medians


def _handling_medians(appeals: QuerySet) -> dict:
    """{"venue" or "venue__organization": (accept, resolve)}, each {key: hours}."""
    if connection.vendor == "postgresql":
        return _medians_in_one_pass(appeals)
    return {
        group: (
            _medians(appeals, group, "accepted_at"),
            _medians(appeals, group, "resolved_at"),
        )
        for group in ("venue", "venue__organization")
    }


def period_has_ended(period: datetime.date, today: datetime.date | None = None):
    return next_month(month_start(period)) <= (today or timezone.localdate())


@transaction.atomic
def compute_indexes(period: datetime.date, *, provisional: bool = False) -> int:
    """Compute (or recompute) every venue's snapshot for the month `period`.

    A month that has not ended is refused unless `provisional`.
    """
    period = month_start(period)
    if not period_has_ended(period):
        if not provisional:
            raise Refused(
                _("%(month)s has not ended yet: its indexes can only be provisional.")
                % {"month": f"{period:%Y-%m}"},
                code="not_ended",
            )
    else:
        provisional = False
    zone = timezone.get_default_timezone()
    since = datetime.datetime.combine(period, datetime.time(), tzinfo=zone)
    until = datetime.datetime.combine(next_month(period), datetime.time(), tzinfo=zone)
    weights = IndexWeights.objects.current()

    IndexSnapshot.objects.filter(period=period).delete()
    OrganizationIndexSnapshot.objects.filter(period=period).delete()
    bump_version(INDEXES_VERSION)

    stats = VenueDailyStat.objects.filter(date__gte=period, date__lt=next_month(period))
    attended = Booking.objects.filter(
        state=Booking.State.ATTENDED, start__gte=since, start__lt=until
    )
    reviews = Review.objects.visible().filter(
        created_at__gte=since, created_at__lt=until
    )
    appeals = Appeal.objects.filter(
        created_at__gte=since, created_at__lt=until, venue__isnull=False
    )
    in_time = Q(
        state__in=[Appeal.State.RESOLVED, Appeal.State.CONFIRMED],
        accepted_at__lte=F("accept_due"),
        resolved_at__lte=F("resolve_due"),
    )
    overdue = Q(state=Appeal.State.SUBMITTED, accept_due__lt=Now()) | Q(
        state=Appeal.State.ACCEPTED, resolve_due__lt=Now()
    )
    # One GROUP BY pass over each source table, joined to the venues once.
    parts = {
        "s": _grouped(
            stats,
            "venue",
            views=Sum("views"),
            navigations=Sum("navigations"),
            activity_attendance=Sum("activity_attendance"),
        ),
        "b": _grouped(attended, "space__venue", attended=Count("pk")),
        "r": _grouped(
            reviews,
            "venue",
            reviews=Count("pk"),
            good=Count("pk", filter=Q(rating__gte=4)),
        ),
        "a": _grouped(
            appeals,
            "venue",
            appeals=Count("pk"),
            accepted=Count("pk", filter=Q(accepted_at__lte=F("accept_due"))),
            in_time=Count("pk", filter=in_time),
            closed=Count("pk", filter=Q(state=Appeal.State.CLOSED)),
            overdue=Count("pk", filter=overdue),
        ),
    }
    values = {
        "venue_id": "v.id",
        "period": "%s",
        "provisional": "%s",
        "views": "COALESCE(s.views, 0)",
        "navigations": "COALESCE(s.navigations, 0)",
        "attended": "COALESCE(b.attended, 0)",
        "activity_attendance": "COALESCE(s.activity_attendance, 0)",
        "activity_raw": "0",
        "activity": "0",
        "review_count": "COALESCE(r.reviews, 0)",
        "good_review_count": "COALESCE(r.good, 0)",
        "appeal_count": "COALESCE(a.appeals, 0)",
        "appeals_accepted_in_time": "COALESCE(a.accepted, 0)",
        "appeals_handled_in_time": "COALESCE(a.in_time, 0)",
        "appeals_closed": "COALESCE(a.closed, 0)",
        "appeals_overdue": "COALESCE(a.overdue, 0)",
        "composite": "0",
        "formula_version": "%s",
        "weights_id": "%s",
        "computed_at": "%s",
    }
    params = [period, provisional, FORMULA_VERSION, weights.pk, timezone.now()]
    joins = []
    for alias, (sql, part_params) in parts.items():
        joins.append(f"LEFT JOIN ({sql}) {alias} ON {alias}.venue_key = v.id")
        params.extend(part_params)
    quote = connection.ops.quote_name
    # Built from our own names and ORM-compiled SQL; every value is a parameter.
    statement = (
        f"INSERT INTO {quote(IndexSnapshot._meta.db_table)} "  # noqa: S608
        f"({', '.join(map(quote, values))}) "
        f"SELECT {', '.join(values.values())} "
        f"FROM {quote(Venue._meta.db_table)} v {' '.join(joins)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        inserted = cursor.rowcount

    snapshots = IndexSnapshot.objects.filter(period=period)
    snapshots.update(
        activity_raw=F("views") * weights.views
        + F("navigations") * weights.navigations
        + F("attended") * weights.attended
        + F("activity_attendance") * weights.activity_attendance,
        good_review_rate=_rate("good_review_count", "review_count"),
        handling_rate=_rate("appeals_handled_in_time", "appeal_count"),
    )
    district = snapshots.aggregate(
        top=Max("activity_raw"),
        reviews=Sum("review_count"),
        good=Sum("good_review_count"),
        appeals=Sum("appeal_count"),
        in_time=Sum("appeals_handled_in_time"),
    )
    top = district["top"] or 0
    prior_review = (
        district["good"] * 100 / district["reviews"] if district["reviews"] else None
    )
    prior_handling = (
        district["in_time"] * 100 / district["appeals"] if district["appeals"] else None
    )
    snapshots.update(
        activity=F("activity_raw") * (100.0 / top)
        if top
        else Value(0.0, output_field=FloatField()),
        prior_good_review=Value(prior_review, output_field=FloatField()),
        prior_handling=Value(prior_handling, output_field=FloatField()),
        good_review_score=_pulled(
            "good_review_count", "review_count", prior_review, weights.prior_weight
        ),
        handling_score=_pulled(
            "appeals_handled_in_time",
            "appeal_count",
            prior_handling,
            weights.prior_weight,
        ),
    )
    weighed = (
        F("activity") * weights.activity
        + Coalesce(F("good_review_score"), Value(0.0)) * weights.good_review
        + Coalesce(F("handling_score"), Value(0.0)) * weights.handling
    ) / NullIf(
        Value(weights.activity)
        + _weight_if("good_review_score", weights.good_review)
        + _weight_if("handling_score", weights.handling),
        Value(0.0),
    )
    snapshots.update(composite=Coalesce(weighed, Value(0.0)))

    medians = _handling_medians(appeals)
    _record_handling_times(period, snapshots, *medians["venue"])
    _organization_snapshots(
        period, provisional, weights, *medians["venue__organization"]
    )
    return inserted


def _record_handling_times(period, snapshots, accept: dict, resolve: dict) -> None:
    venues = list(accept.keys() | resolve.keys())
    if connection.vendor == "postgresql":
        # One statement for every venue; bulk_update's CASE per row costs more
        # to build in Python than the statement takes to run.
        table = connection.ops.quote_name(IndexSnapshot._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} s SET median_accept_hours = m.accept, "  # noqa: S608
                "median_resolve_hours = m.resolve "
                "FROM unnest(%s::bigint[], %s::float8[], %s::float8[]) "
                "AS m(venue, accept, resolve) "
                "WHERE s.venue_id = m.venue AND s.period = %s",
                [
                    venues,
                    [accept.get(venue) for venue in venues],
                    [resolve.get(venue) for venue in venues],
                    period,
                ],
            )
        return
    timed = list(snapshots.filter(venue__in=venues))
    for snapshot in timed:
        snapshot.median_accept_hours = accept.get(snapshot.venue_id)
        snapshot.median_resolve_hours = resolve.get(snapshot.venue_id)
    IndexSnapshot.objects.bulk_update(
        timed, ["median_accept_hours", "median_resolve_hours"], batch_size=500
    )


def _organization_snapshots(
    period, provisional, weights, accept: dict, resolve: dict
) -> None:
    group = "venue__organization"
    totals = (
        IndexSnapshot.objects.filter(period=period)
        .values(group)
        .annotate(
            venue_count=Count("pk"),
            activity=Avg("activity"),
            composite=Avg("composite"),
            review_count=Sum("review_count"),
            good_review_count=Sum("good_review_count"),
            appeal_count=Sum("appeal_count"),
            appeals_accepted_in_time=Sum("appeals_accepted_in_time"),
            appeals_handled_in_time=Sum("appeals_handled_in_time"),
        )
        .order_by()
    )
    rows = []
    for row in totals:
        organization = row.pop(group)
        rows.append(
            OrganizationIndexSnapshot(
                organization_id=organization,
                period=period,
                provisional=provisional,
                weights=weights,
                median_accept_hours=accept.get(organization),
                median_resolve_hours=resolve.get(organization),
                **row,
            )
        )
    OrganizationIndexSnapshot.objects.bulk_create(rows, batch_size=500)


def weak_points(snapshot: IndexSnapshot) -> list[str]:
    """What pulled a venue's index down this period, in plain words."""
    points = []
    if snapshot.appeals_overdue:
        points.append(
            ngettext(
                "%(count)d feedback item is past its deadline.",
                "%(count)d feedback items are past their deadline.",
                snapshot.appeals_overdue,
            )
            % {"count": snapshot.appeals_overdue}
        )
    if snapshot.handling_rate is not None and snapshot.handling_rate < GOOD_ENOUGH:
        points.append(
            _("Only %(rate)d%% of feedback was accepted and resolved in time.")
            % {"rate": snapshot.handling_rate}
        )
    if snapshot.appeals_closed:
        points.append(
            ngettext(
                "%(count)d item was closed without being resolved.",
                "%(count)d items were closed without being resolved.",
                snapshot.appeals_closed,
            )
            % {"count": snapshot.appeals_closed}
        )
    if (
        snapshot.good_review_rate is not None
        and snapshot.good_review_rate < GOOD_ENOUGH
    ):
        points.append(
            _("%(rate)d%% of reviews gave 4 or 5 stars.")
            % {"rate": snapshot.good_review_rate}
        )
    if snapshot.activity < LOW_ACTIVITY:
        points.append(_("Few visits, navigations and attended bookings this month."))
    return points
