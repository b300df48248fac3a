import factory
from django.utils import timezone

from membership.deadlines import answer_due
from membership.models import Employer, MembershipApplication, Occupation
from membership.phones import phone_digest
from tests.factories import OrganizationFactory, TownFactory, UserFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application row as a submission leaves it (no event row)."""

    class Meta:
        model = MembershipApplication

    user = factory.SubFactory(UserFactory)
    union = factory.LazyAttribute(
        lambda a: a.venue.organization if a.venue else OrganizationFactory()
    )
    venue = None
    name = factory.Sequence(lambda n: f"申请人{n}")
    employer = Employer.MEITUAN
    occupation = Occupation.RIDER
    town = factory.SubFactory(TownFactory)
    consent = True
    phone_digest = factory.LazyAttribute(lambda a: phone_digest(a.user.phone))
    due_at = factory.LazyFunction(lambda: answer_due(timezone.now()))


def member(user, *, venue=None):
    """`user` made a member through the services, as a union would."""
    from membership.services import application_approve
    from tests.factories import AdminFactory

    application = ApplicationFactory(user=user, venue=venue)
    return application_approve(application=application, actor=AdminFactory())
