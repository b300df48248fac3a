"""The console's figures of membership: counts only, small groups hidden.

Month by month per union: applications made, approvals, and the median days
from application to approval. Members now (valid or lapsed) by occupation
and by street or town; a group of fewer than MIN_GROUP people shows as "<5",
and where that would leave one hidden group recoverable from the total, the
next smallest is hidden too.
"""

import statistics
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth

from membership.models import Membership, MembershipApplication, Occupation
from venues.models import Organization, Town

MIN_GROUP = 5
HIDDEN = "<5"
SECONDS_A_DAY = 86400


@dataclass
class MonthRow:
    union: str
    month: object  # a date: the month's first day
    applications: int = 0
    approvals: int = 0
    median_days: float | None = None


def monthly(months: int = 12) -> list[MonthRow]:
    """The last `months` months that saw an application or an approval."""
    rows: dict[tuple[int, object], MonthRow] = {}
    unions = dict(Organization.objects.values_list("pk", "name"))
    applied = (
        MembershipApplication.objects.annotate(month=TruncMonth("created_at"))
        .values("union", "month")
        .annotate(count=Count("id"))
        .order_by()
    )
    for item in applied:
        key = (item["union"], item["month"].date())
        rows.setdefault(
            key, MonthRow(unions[item["union"]], key[1])
        ).applications = item["count"]
    # The median needs each duration: only approvals' two dates are read.
    durations: dict[tuple[int, object], list[float]] = {}
    approved = MembershipApplication.objects.filter(
        state=MembershipApplication.State.APPROVED, decided_at__isnull=False
    ).annotate(month=TruncMonth("decided_at"))
    for union, month, created, decided in approved.values_list(
        "union", "month", "created_at", "decided_at"
    ).iterator():
        durations.setdefault((union, month.date()), []).append(
            (decided - created).total_seconds() / SECONDS_A_DAY
        )
    for key, days in durations.items():
        row = rows.setdefault(key, MonthRow(unions[key[0]], key[1]))
        row.approvals = len(days)
        row.median_days = round(statistics.median(days), 1)
    ordered = sorted(
        rows.values(), key=lambda row: (row.month, row.union), reverse=True
    )
    recent = sorted({row.month for row in ordered}, reverse=True)[:months]
    return [row for row in ordered if row.month in recent]


@dataclass
class Group:
    label: str
    count: int
    hidden: bool = False

    @property
    def shown(self) -> str:
        return HIDDEN if self.hidden else str(self.count)


def _suppressed(groups: list[Group]) -> list[Group]:
    for group in groups:
        group.hidden = 0 < group.count < MIN_GROUP
    if sum(group.hidden for group in groups) == 1:
        others = [group for group in groups if group.count and not group.hidden]
        if others:
            min(others, key=lambda group: group.count).hidden = True
    return groups


def members_by(column: str) -> tuple[list[Group], Group]:
    """Current members by "occupation" or "town", and their total (itself
    hidden when small: with it, a few hidden groups could be told apart)."""
    counts = dict(
        Membership.objects.current()
        .values_list(column)
        .annotate(count=Count("id"))
        .order_by()
    )
    if column == "occupation":
        labels = [(code, label) for code, label in Occupation.choices]
    else:
        labels = list(Town.objects.values_list("pk", "name"))
    groups = [Group(str(label), counts.get(key, 0)) for key, label in labels]
    total = sum(counts.values())
    return _suppressed(groups), Group("", total, hidden=0 < total < MIN_GROUP)
