"""Real parallel connections racing for an activity's seats (PostgreSQL only).

Like tests/bookings/test_concurrency.py: `transactional_db`, one thread per
person released together by a barrier, each closing its own connection.
"""

import pytest
from django.db import connection

from activities.models import Activity, SignUp
from activities.services import signup_cancel, signup_create
from tests.activities.factories import ActivityFactory
from tests.concurrency import run_together
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)
State = SignUp.State


@pytest.mark.django_db(transaction=True)
def test_twenty_four_people_race_for_five_seats():
    activity = ActivityFactory(seats=5)
    users = UserFactory.create_batch(24)
    results = run_together(
        [
            lambda user=user: signup_create(activity=activity, user=user)
            for user in users
        ]
    )
    assert all(isinstance(result, SignUp) for result in results), results
    activity.refresh_from_db()
    assert activity.seats_taken == 5
    signups = list(SignUp.objects.filter(activity=activity).order_by("id"))
    assert [s.state for s in signups].count(State.CONFIRMED) == 5
    assert [s.state for s in signups].count(State.WAITLISTED) == 19
    # The lock let them in one by one: ids, times and states agree on the order,
    # the five seats going to the first five in.
    assert signups == sorted(signups, key=lambda s: (s.created_at, s.id))
    assert [s.state for s in signups] == [State.CONFIRMED] * 5 + [State.WAITLISTED] * 19
    waiting = list(SignUp.objects.filter(activity=activity).waiting_in_order())
    assert waiting == signups[5:]


@pytest.mark.django_db(transaction=True)
def test_parallel_cancellations_promote_exactly_one_each_in_order():
    activity = ActivityFactory(seats=2)
    users = UserFactory.create_batch(6)
    signups = [signup_create(activity=activity, user=user) for user in users]
    holders, waiting = signups[:2], signups[2:]

    results = run_together(
        [lambda s=holder: signup_cancel(signup=s, actor=s.user) for holder in holders]
    )
    assert all(isinstance(result, SignUp) for result in results), results
    activity.refresh_from_db()
    assert activity.seats_taken == 2
    states = dict(SignUp.objects.values_list("pk", "state"))
    assert [states[s.pk] for s in waiting] == [
        State.CONFIRMED,
        State.CONFIRMED,
        State.WAITLISTED,
        State.WAITLISTED,
    ]


@pytest.mark.django_db(transaction=True)
def test_one_cancel_racing_many_sign_ups_promotes_exactly_one():
    activity = ActivityFactory(seats=3)
    first = [
        signup_create(activity=activity, user=u) for u in UserFactory.create_batch(4)
    ]
    holder, in_line = first[0], first[3]
    late = UserFactory.create_batch(10)
    results = run_together(
        [lambda: signup_cancel(signup=holder, actor=holder.user)]
        + [
            lambda user=user: signup_create(activity=activity, user=user)
            for user in late
        ]
    )
    assert all(isinstance(result, SignUp) for result in results), results
    activity.refresh_from_db()
    assert activity.seats_taken == 3
    in_line.refresh_from_db()
    # The one already waiting gets the freed seat, not a newcomer.
    assert in_line.state == State.CONFIRMED
    assert SignUp.objects.filter(activity=activity, state=State.CONFIRMED).count() == 3
    assert SignUp.objects.filter(user__in=late, state=State.WAITLISTED).count() == 10
    assert Activity.objects.get(pk=activity.pk).seats_taken == 3
