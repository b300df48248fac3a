"""Whose feedback a handler may see and act on: anything outside is a 404.

A venue's managers handle what is addressed to their venues. The district
handles what is addressed to it (no venue) and, as escalation, any venue's
item while it is overdue; once it is back on time it is the venue's again.
"""

from feedback.models import Appeal, Review
from venues.permissions import managed_venues


def managed_appeals(user):
    return Appeal.objects.filter(venue__in=managed_venues(user))


def managed_reviews(user):
    return Review.objects.filter(venue__in=managed_venues(user))


def district_appeals(now=None):
    return Appeal.objects.filter(venue__isnull=True) | Appeal.objects.overdue(now)
