"""Reads other pages need: the manager's inbox, the figures of volunteering
month by month."""

from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from volunteering.models import (
    HelpRequest,
    HoursEntry,
    PointsEntry,
    ServiceKind,
    TeamMember,
)
from volunteering.permissions import managed_help_requests

INBOX_SHOWN = 10
#: What manager_inbox_items reads: a change to one shows in the kept inbox.
INBOX_MODELS = (HelpRequest,)


def _overdue(now) -> Q:
    return Q(state=HelpRequest.State.SUBMITTED, accept_due__lt=now) | Q(
        state=HelpRequest.State.ACCEPTED, handle_due__lt=now
    )


def manager_inbox_items(user, now=None) -> dict:
    """The open help requests of the manager's venues, the overdue first,
    then the oldest; with their counts. Two queries, however many there are."""
    now = now or timezone.now()
    open_requests = managed_help_requests(user).filter(state__in=HelpRequest.OPEN)
    counts = open_requests.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=_overdue(now))
    )
    items = (
        open_requests.annotate(
            overdue=Case(
                When(_overdue(now), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("venue")
        .order_by("-overdue", "created_at")[:INBOX_SHOWN]
    )
    return {
        "help_requests_open": counts["open"],
        "help_requests_overdue": counts["overdue"],
        "help_requests": list(items),
    }


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
