"""The console's home (`console:home`): the district at a glance."""

from django.urls import reverse

from tests.factories import OrganizationFactory, VenueFactory
from venues.models import Organization, Venue


def test_console_home_counts_venues_by_organisation(client, admin_user, db):
    youth = OrganizationFactory(name="共青团普陀区委", kind=Organization.Kind.YOUTH)
    VenueFactory.create_batch(2)
    VenueFactory(organization=youth)
    VenueFactory(organization=youth, status=Venue.Status.SUSPENDED)
    client.force_login(admin_user)
    response = client.get(reverse("console:home"))
    section = response.context["venues"]
    counts = {
        o.name: (o.active_count, o.suspended_count) for o in section["organizations"]
    }
    assert counts == {"普陀区总工会": (2, 0), "共青团普陀区委": (1, 1)}
    assert (section["count"], section["unmanaged_count"]) == (4, 4)


def test_console_home_query_count_does_not_grow(
    client, admin_user, manager_a, django_assert_max_num_queries
):
    client.force_login(admin_user)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("console:home"))
    for _ in range(10):
        VenueFactory(organization=OrganizationFactory())
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("console:home"))
    assert response.context["venues"]["manager_count"] == 1
