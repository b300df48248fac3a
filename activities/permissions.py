"""Which activities and sign-ups a user may run: those of venues they host.

A co-hosting venue shows the activity, but the host venue's managers run it.
The console sees those its venues host, and the series of its organisations.
"""

from activities.models import Activity, Series, SignUp
from venues.permissions import console_organizations, console_venues, managed_venues


def managed_activities(user):
    return Activity.objects.hosted_by(managed_venues(user))


def managed_signups(user):
    return SignUp.objects.filter(activity__venue__in=managed_venues(user))


def console_activities(user):
    return Activity.objects.hosted_by(console_venues(user))


def console_signups(user):
    return SignUp.objects.filter(activity__venue__in=console_venues(user))


def console_series(user):
    return Series.objects.filter(organization__in=console_organizations(user))


def own_signups(user):
    return SignUp.objects.filter(user=user)
