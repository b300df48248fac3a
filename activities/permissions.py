"""Which activities and sign-ups a user may run: those of venues they host.

A co-hosting venue shows the activity, but the host venue's managers run it.
"""

from activities.models import Activity, SignUp
from venues.permissions import managed_venues


def managed_activities(user):
    return Activity.objects.hosted_by(managed_venues(user))


def managed_signups(user):
    return SignUp.objects.filter(activity__venue__in=managed_venues(user))


def own_signups(user):
    return SignUp.objects.filter(user=user)
