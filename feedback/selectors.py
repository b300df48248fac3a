"""Reads the handlers' pages share: the order of a queue, and the inbox counts.

`manager_inbox_items` is what feedback adds to the manager's work inbox
(gathered by `dashboards`), shown there under the name `feedback`.
"""

from django.db.models import Case, Count, IntegerField, Q, When
from django.utils import timezone

from feedback.models import Appeal, Review
from feedback.permissions import managed_appeals, managed_reviews

#: How many appeals and reviews the manager's inbox lists; the counts say the rest.
INBOX_SHOWN = 5
#: What manager_inbox_items reads: a change to one shows in the kept inbox.
INBOX_MODELS = (Appeal, Review)


def handling_order(appeals, now=None):
    """Overdue first, then the other open items, oldest first; then the done ones."""
    now = now or timezone.now()
    return (
        appeals.overdue_first(now)
        .annotate(
            is_done=Case(
                When(state__in=Appeal.OPEN, then=0),
                default=1,
                output_field=IntegerField(),
            )
        )
        .order_by("is_late", "is_done", "created_at", "id")
    )


def manager_inbox_counts(user, now=None) -> dict[str, int]:
    """What waits for a venue manager, in two queries whatever the numbers."""
    now = now or timezone.now()
    late = Q(pk__in=Appeal.objects.overdue(now).values("pk"))
    appeals = managed_appeals(user).aggregate(
        appeals_open=Count("pk", filter=Q(state__in=Appeal.OPEN)),
        appeals_overdue=Count("pk", filter=late),
    )
    return {
        **appeals,
        "reviews_awaiting_reply": managed_reviews(user).awaiting_reply().count(),
    }


def manager_inbox_items(user, now=None) -> dict:
    """The counts, the open appeals in handling order, reviews awaiting a reply."""
    now = now or timezone.now()
    return {
        **manager_inbox_counts(user, now),
        "appeals": list(
            handling_order(managed_appeals(user).open(), now).select_related("venue")[
                :INBOX_SHOWN
            ]
        ),
        "reviews": list(
            managed_reviews(user)
            .awaiting_reply()
            .select_related("venue", "user")
            .order_by("created_at")[:INBOX_SHOWN]
        ),
    }
