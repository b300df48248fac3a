import datetime

import factory
from django.utils import timezone

from activities.models import Activity, Series
from tests.factories import OrganizationFactory, VenueFactory


def soon(days=1, hours=0):
    """A start in the future, whole minutes."""
    return timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(
        days=days, hours=hours
    )


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ["name"]

    name = "亲子乐系列活动"
    organization = factory.SubFactory(OrganizationFactory)


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity row as-is (seats_taken 0); services make the sign-ups."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"活动{n}")
    venue = factory.SubFactory(VenueFactory)
    place = "二楼活动室"
    starts_at = factory.LazyFunction(soon)
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + datetime.timedelta(hours=2))
    seats = 10


def activity_personas(worker, venue):
    """For tests/test_roles_by_url.py: an activity of `venue`, the worker signed up."""
    from activities.services import signup_create

    activity = ActivityFactory(venue=venue)
    return {
        "activity_a": activity,
        "signup_a": signup_create(activity=activity, user=worker),
    }
