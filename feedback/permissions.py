"""Whose feedback a handler may see and act on: anything outside is a 404.

A venue's managers handle what is addressed to their venues. The district
handles what is addressed to it (no venue) and, as escalation, any venue's
item while it is overdue; once it is back on time it is the venue's again.
An organisation admin's console handles its venues' overdue items, and
moderates its venues' reviews.
"""

from feedback.models import Appeal, IndexSnapshot, Review
from qunxian.roles import is_system_admin
from venues.models import Venue
from venues.permissions import console_venues, managed_venues


def managed_appeals(user):
    return Appeal.objects.filter(venue__in=managed_venues(user))


def managed_reviews(user):
    return Review.objects.filter(venue__in=managed_venues(user))


def district_appeals(now=None):
    return Appeal.objects.filter(venue__isnull=True) | Appeal.objects.overdue(now)


def console_appeals(user, now=None):
    """What a console handles: the district's, or an organisation's overdue."""
    if is_system_admin(user):
        return district_appeals(now)
    return Appeal.objects.overdue(now).filter(venue__in=console_venues(user))


def console_reviews(user):
    return Review.objects.filter(venue__in=console_venues(user))


def console_snapshots(user):
    """The console's part of the ranking: its venues' indexes."""
    return IndexSnapshot.objects.filter(venue__in=console_venues(user))


def viewable_appeals(user):
    """Every appeal some page shows this user: their own, their venues', and
    what their console handles; so also whose photo they may see."""
    if not user.is_authenticated:
        return Appeal.objects.none()
    return (
        Appeal.objects.filter(user=user) | managed_appeals(user) | console_appeals(user)
    )


def viewable_reviews(user):
    """The public's visible reviews of published venues, plus the user's own,
    their venues' hidden ones, and those their console moderates (every one,
    for an admin)."""
    public = Review.objects.visible().filter(venue__in=Venue.objects.published())
    if not user.is_authenticated:
        return public
    if is_system_admin(user):
        return Review.objects.all()
    return (
        public
        | Review.objects.filter(user=user)
        | managed_reviews(user)
        | console_reviews(user)
    )
