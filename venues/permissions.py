"""Where a venue manager's querysets start: anything outside is a 404.

Services ask the same question with `check_scope`, so that one called from
anywhere else (a shell, a command, a future API) acts only within it too.
"""

from django.utils.translation import gettext as _

from qunxian.roles import is_system_admin
from qunxian.workflow import Refused
from venues.models import Space, Venue


def managed_venues(user):
    return Venue.objects.managed_by(user)


def managed_spaces(user):
    return Space.objects.filter(venue__in=managed_venues(user)).select_related("venue")


def check_scope(user, venue: Venue | None) -> None:
    """Refuse (code "out_of_scope") unless `user` may act for `venue`.

    Admins act for every venue; a manager for the venues they manage. No venue
    means the district's own business (feedback addressed to it, moderation),
    which is the admins' alone.
    """
    if is_system_admin(user):
        return
    if venue is None or not managed_venues(user).filter(pk=venue.pk).exists():
        raise Refused(
            _("Only the managers of this venue can do this."), code="out_of_scope"
        )
