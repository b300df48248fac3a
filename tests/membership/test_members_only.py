"""What members get: members-only spaces and activities, checked with the card
through `qunxian.roles.is_union_member`, and the home page's greeting."""

import pytest
from django.urls import reverse

from activities.models import SignUp
from bookings.models import Booking
from membership.models import Membership
from tests.activities.factories import ActivityFactory
from tests.bookings.conftest import at
from tests.factories import UserFactory, bookable_space
from tests.membership.factories import member


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def booking_data(when):
    return {
        "start": when.isoformat(),
        "slot_count": "1",
        "headcount": "1",
        "purpose": "会员活动",
        "contact_phone": "13900000001",
    }


@pytest.fixture
def members_space(db):
    space = bookable_space()
    space.members_only = True
    space.save()
    return space


def test_a_non_member_cannot_book_a_members_only_space(client, worker, members_space):
    client.force_login(worker)
    page = client.get(members_space.venue.get_absolute_url()).content.decode()
    assert "Union members only" in page
    response = client.post(
        reverse("bookings:new", args=[members_space.pk]), booking_data(at(1, 10))
    )
    assert "This space is for union members: join the union to book it." in (
        response.content.decode()
    )
    assert not Booking.objects.exists()


def test_a_member_books_a_members_only_space(client, worker, members_space):
    member(worker)
    client.force_login(worker)
    client.post(
        reverse("bookings:new", args=[members_space.pk]), booking_data(at(1, 10))
    )
    assert Booking.objects.filter(user=worker).exists()


def test_a_lapsed_card_does_not_open_members_only_spaces(client, worker, members_space):
    membership = member(worker)
    membership.status = Membership.Status.LAPSED
    membership.save()
    client.force_login(worker)
    client.post(
        reverse("bookings:new", args=[members_space.pk]), booking_data(at(1, 10))
    )
    assert not Booking.objects.exists()


def test_members_only_activity_refuses_a_non_member_and_takes_a_member(client, worker):
    activity = ActivityFactory(members_only=True)
    outsider = UserFactory()
    client.force_login(outsider)
    page = client.get(reverse("activities:detail", args=[activity.pk]))
    assert "Union members only" in page.content.decode()
    response = client.post(
        reverse("activities:sign_up", args=[activity.pk]), follow=True
    )
    assert "This activity is for union members" in response.content.decode()
    assert not SignUp.objects.filter(user=outsider).exists()

    member(worker)
    client.force_login(worker)
    client.post(reverse("activities:sign_up", args=[activity.pk]))
    assert SignUp.objects.filter(user=worker, activity=activity).exists()


def test_a_manager_marks_a_space_members_only(client, manager_a, venue_a):
    from tests.factories import SpaceFactory

    space = SpaceFactory(venue=venue_a)
    client.force_login(manager_a)
    client.post(
        reverse("manage:space_edit", args=[space.pk]),
        {
            "name": space.name,
            "capacity": space.capacity,
            "description": "",
            "is_active": "on",
            "members_only": "on",
        },
    )
    space.refresh_from_db()
    assert space.members_only


def test_a_union_venue_offers_to_join_here(client, venue_a):
    page = client.get(venue_a.get_absolute_url()).content.decode()
    assert reverse("membership:apply") + f"?venue={venue_a.pk}" in page


def test_the_home_page_greets_a_member_with_their_card(client, worker):
    client.force_login(worker)
    home = client.get(reverse("home")).content.decode()
    # The home page is the same for everyone: the greeting comes from its URL.
    assert reverse("membership:greeting") in home
    assert client.get(reverse("membership:greeting")).content == b""
    member(worker)
    greeting = client.get(reverse("membership:greeting")).content.decode()
    assert "Welcome, 李师傅" in greeting
    assert reverse("membership:card") in greeting


def test_no_greeting_for_visitors(client, db):
    assert (
        reverse("membership:greeting")
        not in client.get(reverse("home")).content.decode()
    )
    assert client.get(reverse("membership:greeting")).content == b""


def test_the_managers_to_do_page_counts_applications_to_answer(
    client, manager_a, venue_a
):
    from tests.membership.factories import ApplicationFactory

    ApplicationFactory.create_batch(2, venue=venue_a)
    client.force_login(manager_a)
    page = client.get(reverse("manage:home")).content.decode()
    assert "<strong>2</strong> membership applications to answer" in page
