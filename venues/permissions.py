"""Where the staff ends' querysets start: anything outside is a 404.

A venue manager's start from `managed_venues`; the console's from
`console_venues` and `console_organizations`, which are everything for a system
admin and the user's own organisations' for an organisation admin. Services ask
the same questions with `check_scope` and `check_organization_scope`, so that
one called from anywhere else (a shell, a command, a future API) acts only
within them too.
"""

from django.utils.translation import gettext as _

from qunxian.roles import is_organization_admin, is_system_admin
from qunxian.workflow import Refused
from venues.models import Organization, Space, Venue


def managed_venues(user):
    return Venue.objects.managed_by(user)


def managed_spaces(user):
    return Space.objects.filter(venue__in=managed_venues(user)).select_related("venue")


def console_organizations(user):
    if is_system_admin(user):
        return Organization.objects.all()
    if is_organization_admin(user):
        return Organization.objects.filter(admins=user)
    return Organization.objects.none()


def console_venues(user):
    if is_system_admin(user):
        return Venue.objects.all()
    if is_organization_admin(user):
        return Venue.objects.administered_by(user)
    return Venue.objects.none()


def check_scope(user, venue: Venue | None) -> None:
    """Refuse (code "out_of_scope") unless `user` may act for `venue`.

    Admins act for every venue, an organisation admin for their organisations'
    venues, a manager for the venues they manage. No venue means the district's
    own business (feedback addressed to it, moderation), which is the system
    admins' alone.
    """
    if is_system_admin(user):
        return
    if venue is not None and (
        managed_venues(user).filter(pk=venue.pk).exists()
        or console_venues(user).filter(pk=venue.pk).exists()
    ):
        return
    raise Refused(
        _("Only the managers of this venue can do this."), code="out_of_scope"
    )


def check_organization_scope(user, organization: Organization | None) -> None:
    """Refuse (code "out_of_scope") unless `user` runs `organization` in the
    console: a system admin every one, an organisation admin their own. No
    organisation means the district's, which is the system admins' alone."""
    if is_system_admin(user):
        return
    if (
        organization is not None
        and console_organizations(user).filter(pk=organization.pk).exists()
    ):
        return
    raise Refused(
        _("Only the administrators of this organisation can do this."),
        code="out_of_scope",
    )
