"""Reads other pages need: the figures of volunteering, month by month."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from volunteering.models import HoursEntry, PointsEntry, ServiceKind, TeamMember


def figures_by_team_and_kind():
    """Hours and services per month, team and kind; reversals count against."""
    rows = (
        HoursEntry.objects.annotate(month=TruncMonth("served_on"))
        .values("month", "team__name", "kind")
        .annotate(
            hours=Sum("hours"),
            services=Count("pk", filter=Q(reverses__isnull=True))
            - Count("pk", filter=Q(reverses__isnull=False)),
        )
        .order_by("-month", "team__name", "kind")
    )
    kinds = dict(ServiceKind.choices)
    for row in rows:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        yield row


def points_by_month():
    """Points earned, redeemed and given back by a cancelled redemption, per
    month, each as a positive number."""
    Reason = PointsEntry.Reason
    rows = (
        PointsEntry.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            issued=Sum("amount", filter=Q(reason=Reason.EARN)),
            spent=Sum("amount", filter=Q(reason=Reason.SPEND)),
            returned=Sum("amount", filter=Q(reason=Reason.REFUND)),
        )
        .order_by("-month")
    )
    for row in rows:
        row["redeemed"] = -(row.pop("spent") or 0)
        yield row


def listed_volunteers():
    """Volunteers who chose to be named, with their hours."""
    return (
        TeamMember.objects.filter(listed=True, state=TeamMember.State.ACTIVE)
        .values("user__display_name", "user__username", "team__name")
        .annotate(hours=Sum("user__hours_entries__hours"))
        .order_by("-hours", "team__name")
    )
