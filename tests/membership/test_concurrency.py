"""Approvals racing for a union's next number (PostgreSQL only).

A test wrapped in one transaction cannot race, so these use `transactional_db`;
each thread opens its own connection and closes it when done.
"""

import threading

import pytest
from django.db import connection, connections

from membership.models import Membership, MembershipApplication
from membership.services import application_approve
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
    barrier = threading.Barrier(len(applications))
    errors = []

    def approve(application):
        try:
            barrier.wait()
            application_approve(application=application, actor=admin)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(Membership.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 21))


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_the_same_application_give_one_membership():
    admin = AdminFactory()
    application = ApplicationFactory(venue=VenueFactory())
    barrier = threading.Barrier(2)
    results = []

    def approve():
        try:
            barrier.wait()
            # Each its own copy, as two requests would have.
            mine = MembershipApplication.objects.get(pk=application.pk)
            application_approve(application=mine, actor=admin)
            results.append("approved")
        except Exception as error:  # noqa: BLE001 - counted below
            results.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["Refused", "approved"]
    assert Membership.objects.count() == 1
