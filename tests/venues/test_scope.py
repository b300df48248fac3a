"""The venue services check who acts, whatever called them (a view, a shell)."""

import datetime

import pytest
from django.utils import timezone

from qunxian.models import AuditEntry
from qunxian.workflow import Refused
from tests.factories import SpaceFactory, VenueFactory
from venues import services
from venues.models import Closure, Space, Venue


def test_a_manager_updates_only_what_managers_may_change(manager_a, venue_a):
    services.venue_update(
        venue=venue_a, actor=manager_a, data={"phone": "0580-1111111"}
    )
    venue_a.refresh_from_db()
    assert venue_a.phone == "0580-1111111"
    entry = AuditEntry.objects.get(action="venue.update")
    assert "phone:" in entry.details and "0580-1111111" in entry.details


def test_a_manager_cannot_rename_their_venue_through_the_service(manager_a, venue_a):
    with pytest.raises(Refused) as refused:
        services.venue_update(venue=venue_a, actor=manager_a, data={"name": "新名字"})
    assert refused.value.code == "out_of_scope"
    venue_a.refresh_from_db()
    assert venue_a.name == "场所甲"
    assert not AuditEntry.objects.exists()


def test_the_console_may_rename_a_venue(admin_user, venue_a):
    services.venue_update(venue=venue_a, actor=admin_user, data={"name": "新名字"})
    venue_a.refresh_from_db()
    assert venue_a.name == "新名字"


@pytest.mark.parametrize(
    "call",
    [
        lambda actor, venue: services.venue_update(
            venue=venue, actor=actor, data={"phone": "0580-2222222"}
        ),
        lambda actor, venue: services.venue_set_hours(
            venue=venue, actor=actor, ranges=[]
        ),
        lambda actor, venue: services.closure_add(
            venue=venue,
            actor=actor,
            start_date=timezone.localdate() + datetime.timedelta(days=3),
            end_date=timezone.localdate() + datetime.timedelta(days=4),
            reason="维修",
        ),
        lambda actor, venue: services.space_create(
            venue=venue,
            actor=actor,
            name="会议室",
            capacity=10,
            is_exclusive=False,
            description="",
            is_active=True,
        ),
    ],
    ids=["update", "hours", "closure", "space"],
)
def test_the_manager_of_another_venue_is_refused_and_nothing_changes(
    manager_b, venue_a, call
):
    with pytest.raises(Refused) as refused:
        call(manager_b, venue_a)
    assert refused.value.code == "out_of_scope"
    assert not Closure.objects.filter(venue=venue_a).exists()
    assert not Space.objects.filter(venue=venue_a).exists()
    assert not AuditEntry.objects.exists()


def test_only_the_console_suspends_a_venue(manager_a, admin_user, venue_a):
    with pytest.raises(Refused):
        services.venue_set_status(
            venue=venue_a, actor=manager_a, status=Venue.Status.SUSPENDED, reason="x"
        )
    venue = services.venue_set_status(
        venue=venue_a, actor=admin_user, status=Venue.Status.SUSPENDED, reason="整改"
    )
    assert (venue.status, venue.status_reason) == (Venue.Status.SUSPENDED, "整改")


def test_bookable_spaces_are_open_in_active_venues_that_take_bookings(db):
    taking = VenueFactory(is_bookable=True)
    open_space = SpaceFactory(venue=taking)
    SpaceFactory(venue=taking, is_active=False)
    SpaceFactory(venue=VenueFactory(is_bookable=False))
    SpaceFactory(venue=VenueFactory(is_bookable=True, status=Venue.Status.SUSPENDED))
    assert list(Space.objects.bookable()) == [open_space]
