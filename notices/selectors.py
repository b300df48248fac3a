"""What notices adds to the front page of each end (gathered by `dashboards`).

Each function returns a dict the page shows under the name `notices`.
"""

from django.utils import timezone

from notices.models import Notice
from notices.permissions import managed_notices

HOME_NOTICE_COUNT = 3
#: How many scheduled notices the manager's inbox lists; the count says the rest.
INBOX_SHOWN = 5
#: What manager_inbox_items reads: a change to one shows in the kept inbox.
INBOX_MODELS = (Notice,)


def user_home_items() -> dict:
    return {
        "latest": list(
            Notice.objects.published()
            .notices()
            .select_related("organization", "venue")
            .defer("body", "body_text")
            .order_by("-published_at", "-id")[:HOME_NOTICE_COUNT]
        )
    }


def manager_inbox_items(user, now=None) -> dict:
    """Notices of the manager's venues still to be published, soonest first.

    A notice has no draft state: one with a future `published_at` waits, and
    the manager may still edit it before it goes out.
    """
    scheduled = managed_notices(user).filter(published_at__gt=now or timezone.now())
    return {
        "count": scheduled.count(),
        "items": list(
            scheduled.select_related("venue")
            .defer("body", "body_text")
            .order_by("published_at", "id")[:INBOX_SHOWN]
        ),
    }
