"""Where a venue manager's notice querysets start: anything outside is a 404."""

from notices.models import Notice
from venues.permissions import managed_venues


def managed_notices(user):
    return Notice.objects.filter(venue__in=managed_venues(user))
