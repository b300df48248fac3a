"""Where a venue manager's notice querysets start: anything outside is a 404."""

from notices.models import Notice
from qunxian.roles import is_system_admin
from venues.permissions import managed_venues


def managed_notices(user):
    return Notice.objects.filter(venue__in=managed_venues(user))


def readable_notices(user):
    """Published notices, plus scheduled ones to those who may edit them."""
    if is_system_admin(user):
        return Notice.objects.all()
    if user.is_authenticated:
        return Notice.objects.published() | managed_notices(user)
    return Notice.objects.published()
