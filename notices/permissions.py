"""Where the staff ends' notice querysets start: anything outside is a 404."""

from notices.models import Notice
from qunxian.roles import is_system_admin
from venues.permissions import console_organizations, managed_venues


def managed_notices(user):
    return Notice.objects.filter(venue__in=managed_venues(user))


def console_notices(user):
    """Every notice for a system admin; an organisation admin's organisations'
    (their venues' and their district-wide ones)."""
    if is_system_admin(user):
        return Notice.objects.all()
    return Notice.objects.filter(organization__in=console_organizations(user))


def readable_notices(user):
    """Published notices, plus scheduled ones to those who may edit them."""
    if is_system_admin(user):
        return Notice.objects.all()
    if user.is_authenticated:
        return (
            Notice.objects.published() | managed_notices(user) | console_notices(user)
        )
    return Notice.objects.published()
