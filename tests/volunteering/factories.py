import datetime

import factory
from django.utils import timezone

from tests.factories import OrganizationFactory, UserFactory, VenueFactory
from volunteering.models import (
    HelpRequest,
    Outcome,
    PointsRule,
    PointsTable,
    Reward,
    ServiceKind,
    ServiceOrder,
    Team,
    TeamMember,
    TeamService,
)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"维修队{n}")
    organization = factory.SubFactory(OrganizationFactory)
    home_venue = factory.SubFactory(VenueFactory)

    @factory.post_generation
    def kinds(self, create, extracted, **kwargs):
        for kind in extracted if extracted is not None else [ServiceKind.REPAIR]:
            TeamService.objects.create(team=self, kind=kind)


def member(team, user=None, *, role=TeamMember.Role.MEMBER):
    return TeamMember.objects.create(
        team=team,
        user=user or UserFactory(),
        role=role,
        state=TeamMember.State.ACTIVE,
    )


def leader(team, user=None):
    return member(team, user, role=TeamMember.Role.LEADER)


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpRequest

    user = factory.SubFactory(UserFactory)
    venue = factory.SubFactory(VenueFactory)
    kind = HelpRequest.Kind.BREAKDOWN
    text = "电瓶车没电了"
    cell = "88309a4cd9fffff"
    accept_due = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(hours=2)
    )
    handle_due = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(hours=24)
    )


def later(hours=1):
    return timezone.now() + datetime.timedelta(hours=hours)


class ServiceOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOrder

    requester = factory.SubFactory(UserFactory)
    kind = ServiceKind.REPAIR
    lat = 29.952
    lng = 122.300
    starts_at = factory.LazyFunction(lambda: later(1))
    ends_at = factory.LazyFunction(lambda: later(3))
    description = "车胎扎了"


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"奶茶{n}")
    points = 10
    stock = 5
    pickup_venue = factory.SubFactory(VenueFactory)


def points_table(points=10, **by_outcome):
    """A table giving `points` for every kind and outcome, unless told."""
    table = PointsTable.objects.create(version=(PointsTable.objects.count() + 1))
    PointsRule.objects.bulk_create(
        PointsRule(
            table=table,
            kind=kind,
            outcome=outcome,
            points=by_outcome.get(outcome, points),
        )
        for kind in ServiceKind.values
        for outcome in Outcome.values
    )
    return table
