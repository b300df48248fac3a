import datetime

import pytest
from django.utils import timezone

from tests.factories import UserFactory, bookable_space


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A local time `days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


@pytest.fixture
def space(manager_a):
    """A bookable space at a venue manager_a runs."""
    space = bookable_space(capacity=10)
    space.venue.managers.add(manager_a)
    return space


@pytest.fixture
def room(manager_a):
    room = bookable_space(capacity=12, exclusive=True, approval="auto")
    room.venue.managers.add(manager_a)
    return room


@pytest.fixture
def users(db):
    return UserFactory.create_batch(4)
