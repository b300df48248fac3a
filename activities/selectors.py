"""What activities adds to the front page of each end (gathered by `dashboards`).

Each function returns a dict the page shows under the name `activities`.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from activities.models import Activity, SignUp
from activities.permissions import managed_activities, managed_signups

#: How many of today's activities the manager's inbox lists.
INBOX_SHOWN = 5
#: What manager_inbox_items reads: a change to one shows in the kept inbox.
INBOX_MODELS = (Activity, SignUp)


def manager_inbox_items(user, now=None) -> dict:
    """Today's activities at the manager's venues with people still to check in.

    An activity under way counts as today's until it ends; `count` is the
    sign-ups waiting at the door across all of them.
    """
    now = now or timezone.now()
    tomorrow = datetime.datetime.combine(
        timezone.localdate(now) + datetime.timedelta(days=1),
        datetime.time(),
        tzinfo=timezone.get_current_timezone(),
    )
    today = Activity.objects.published().filter(ends_at__gt=now, starts_at__lt=tomorrow)
    to_check = Q(signups__state=SignUp.State.CONFIRMED)
    return {
        "count": managed_signups(user)
        .filter(state=SignUp.State.CONFIRMED, activity__in=today)
        .count(),
        "items": list(
            managed_activities(user)
            .filter(pk__in=today)
            .annotate(to_check=Count("signups", filter=to_check))
            .filter(to_check__gt=0)
            .select_related("venue")
            .order_by("starts_at", "id")[:INBOX_SHOWN]
        ),
    }
