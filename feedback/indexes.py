"""The monthly indexes of every venue, computed in SQL and stored as snapshots.

- activity 活跃度: views, navigation hand-offs, attended bookings and people
  checked in at activities, weighted
  (settings.ACTIVITY_WEIGHTS), then scaled so the busiest venue scores 100;
- good-review rate 好评度: share of 4–5 star reviews written in the month;
- handling rate 反馈受理度: share of the month's feedback accepted and resolved
  within their deadlines. Closed items stay in the denominator, so closing an
  item never raises the rate;
- 服务先锋指数: the weighted mean (settings.INDEX_WEIGHTS) of the parts a venue
  has; a part without data (no reviews, no feedback) drops out of the weights.

Five statements whatever the number of venues: delete the period; insert one
row per venue, joining one GROUP BY pass over each source table (so the work
is one read of the month's rows); derive the rates; read the top activity;
then scale the activity and weigh the composite.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.models import Booking
from feedback.models import Appeal, IndexSnapshot, Review
from feedback.periods import month_start, next_month
from venues.models import Venue, VenueDailyStat

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


@transaction.atomic
def compute_indexes(period: datetime.date) -> int:
    """Compute (or recompute) every venue's snapshot for the month `period`."""
    period = month_start(period)
    zone = timezone.get_default_timezone()
    since = datetime.datetime.combine(period, datetime.time(), tzinfo=zone)
    until = datetime.datetime.combine(next_month(period), datetime.time(), tzinfo=zone)
    weights = settings.INDEX_WEIGHTS
    activity_weights = settings.ACTIVITY_WEIGHTS

    IndexSnapshot.objects.filter(period=period).delete()

    stats = VenueDailyStat.objects.filter(date__gte=period, date__lt=next_month(period))
    attended = Booking.objects.filter(
        state=Booking.State.ATTENDED, start__gte=since, start__lt=until
    )
    reviews = Review.objects.visible().filter(
        created_at__gte=since, created_at__lt=until
    )
    appeals = Appeal.objects.filter(created_at__gte=since, created_at__lt=until)
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
            in_time=Count("pk", filter=in_time),
            closed=Count("pk", filter=Q(state=Appeal.State.CLOSED)),
            overdue=Count("pk", filter=overdue),
        ),
    }
    values = {
        "venue_id": "v.id",
        "period": "%s",
        "views": "COALESCE(s.views, 0)",
        "navigations": "COALESCE(s.navigations, 0)",
        "attended": "COALESCE(b.attended, 0)",
        "activity_attendance": "COALESCE(s.activity_attendance, 0)",
        "activity_raw": "0",
        "activity": "0",
        "review_count": "COALESCE(r.reviews, 0)",
        "good_review_count": "COALESCE(r.good, 0)",
        "appeal_count": "COALESCE(a.appeals, 0)",
        "appeals_handled_in_time": "COALESCE(a.in_time, 0)",
        "appeals_closed": "COALESCE(a.closed, 0)",
        "appeals_overdue": "COALESCE(a.overdue, 0)",
        "composite": "0",
        "formula_version": "%s",
        "weights": "%s",
        "computed_at": "%s",
    }
    weights_field = IndexSnapshot._meta.get_field("weights")
    params = [
        period,
        settings.INDEX_FORMULA_VERSION,
        weights_field.get_db_prep_value(weights, connection),  # jsonb on PostgreSQL
        timezone.now(),
    ]
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
        activity_raw=F("views") * activity_weights["views"]
        + F("navigations") * activity_weights["navigations"]
        + F("attended") * activity_weights["attended"]
        + F("activity_attendance") * activity_weights["activity_attendance"],
        good_review_rate=_rate("good_review_count", "review_count"),
        handling_rate=_rate("appeals_handled_in_time", "appeal_count"),
    )
    top = snapshots.aggregate(top=Max("activity_raw"))["top"] or 0
    activity = (
        F("activity_raw") * (100.0 / top)
        if top
        else Value(0.0, output_field=FloatField())
    )
    has_reviews = Case(When(review_count__gt=0, then=Value(1.0)), default=Value(0.0))
    has_appeals = Case(When(appeal_count__gt=0, then=Value(1.0)), default=Value(0.0))
    snapshots.update(
        activity=activity,
        composite=(
            activity * weights["activity"]
            + Coalesce(F("good_review_rate"), Value(0.0)) * weights["good_review"]
            + Coalesce(F("handling_rate"), Value(0.0)) * weights["handling"]
        )
        / (
            Value(weights["activity"])
            + has_reviews * weights["good_review"]
            + has_appeals * weights["handling"]
        ),
    )
    return inserted


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
