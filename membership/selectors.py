"""What membership adds to the front page of each end (gathered by `dashboards`).

Each function returns a dict the page shows under the name `membership`.
"""

from django.db.models import Count, Q
from django.utils import timezone

from membership.models import MembershipApplication
from membership.permissions import managed_applications

#: What manager_inbox_items reads: a change to one shows in the kept inbox.
INBOX_MODELS = (MembershipApplication,)


def manager_inbox_items(user, now=None) -> dict:
    """How many applications at the manager's venues wait, and how many are late."""
    waiting = managed_applications(user).filter(
        state__in=MembershipApplication.WAITING_FOR_UNION
    )
    return waiting.aggregate(
        waiting=Count("id"),
        overdue=Count("id", filter=Q(due_at__lt=now or timezone.now())),
    )
