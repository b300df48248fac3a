"""Where each end's applications start: anything outside is a 404.

A venue's managers handle the applications made at their venues; the console
handles the district union's and, once escalated, every overdue one (and may
open any). Services ask again with `venues.permissions.check_scope`.
"""

from membership.models import MembershipApplication
from venues.permissions import managed_venues


def managed_applications(user):
    return MembershipApplication.objects.filter(venue__in=managed_venues(user))


def console_applications():
    return MembershipApplication.objects.all()
