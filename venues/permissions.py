"""Where a venue manager's querysets start: anything outside is a 404."""

from venues.models import Venue


def managed_venues(user):
    return Venue.objects.managed_by(user)
