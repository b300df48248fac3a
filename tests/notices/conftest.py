import pytest

from tests.factories import OrganizationFactory, VenueFactory
from venues.models import Organization


@pytest.fixture
def youth_league(db):
    return OrganizationFactory(name="共青团普陀区委", kind=Organization.Kind.YOUTH)


@pytest.fixture
def youth_venue(youth_league):
    return VenueFactory(name="青年之家", organization=youth_league)
