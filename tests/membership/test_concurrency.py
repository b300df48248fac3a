"""Approvals racing for a union's next number (PostgreSQL only).

A test wrapped in one transaction cannot race, so these use `transactional_db`;
each thread opens its own connection and closes it when done.
"""

import pytest
from django.db import connection

from membership.models import Membership, MembershipApplication
from membership.services import application_approve
from tests.concurrency import race, run_together
from tests.factories import AdminFactory, VenueFactory
from tests.membership.factories import ApplicationFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)


@pytest.mark.django_db(transaction=True)
def test_twenty_approvals_at_once_get_twenty_different_numbers_in_sequence():
    venue = VenueFactory()
    admin = AdminFactory()
    applications = ApplicationFactory.create_batch(20, venue=venue)
    results = run_together(
        [
            lambda a=a: application_approve(application=a, actor=admin)
            for a in applications
        ]
    )
    assert not [result for result in results if isinstance(result, Exception)]
    numbers = sorted(Membership.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 21))


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_the_same_application_give_one_membership():
    admin = AdminFactory()
    application = ApplicationFactory(venue=VenueFactory())

    def approve():
        # Each its own copy, as two requests would have.
        mine = MembershipApplication.objects.get(pk=application.pk)
        application_approve(application=mine, actor=admin)

    assert sorted(race([approve, approve], success="approved")) == [
        "approved",
        "wrong_state",
    ]
    assert Membership.objects.count() == 1
