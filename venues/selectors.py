"""What venues adds to the front page of each end (gathered by `dashboards`).

Each function returns a dict the page shows under the name `venues`.
"""

from django.db.models import Count, Q, Sum

from qunxian.models import User
from venues.models import Organization, Venue, VenueDailyStat
from venues.permissions import console_organizations, console_venues, managed_venues

#: What manager_inbox_items reads, its venues and who manages them: a change
#: to one shows in the kept inbox.
INBOX_MODELS = (Venue, Venue.managers.through)


def user_home_items() -> dict:
    """District totals, and how many published venues each kind of organisation has."""
    published = Venue.objects.published()
    # Written by feedback's services, so the home needs no query of feedback.
    reviews = published.aggregate(
        count=Sum("review_count"), good=Sum("good_review_count")
    )
    visits = VenueDailyStat.objects.filter(venue__in=published).aggregate(
        total=Sum("views", default=0)
    )
    return {
        "count": published.count(),
        "visits": visits["total"],
        "good_review_share": round(100 * reviews["good"] / reviews["count"])
        if reviews["count"]
        else None,
        "kinds": [
            {**row, "label": Organization.Kind(row["kind"]).label}
            for row in Organization.objects.values("kind")
            .annotate(venues=Count("venues", filter=Q(venues__in=published)))
            .order_by("kind")
        ],
    }


def manager_inbox_items(user) -> dict:
    return {"mine": list(managed_venues(user).order_by("name"))}


def console_home_items(user) -> dict:
    """The console's venues by organisation and status, and who runs them."""
    venues = console_venues(user)
    return {
        "organizations": list(
            console_organizations(user)
            .annotate(
                active_count=Count(
                    "venues", filter=Q(venues__status=Venue.Status.ACTIVE)
                ),
                suspended_count=Count(
                    "venues", filter=Q(venues__status=Venue.Status.SUSPENDED)
                ),
            )
            .order_by("kind", "name")
        ),
        "count": venues.count(),
        "manager_count": User.objects.filter(managed_venues__in=venues)
        .distinct()
        .count(),
        "unmanaged_count": venues.filter(managers__isnull=True).count(),
    }
