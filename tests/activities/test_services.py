"""Every transition and refusal of activities and sign-ups."""

import datetime

import pytest
from django.utils import timezone

from activities import services
from activities.models import Activity, SignUp, SignUpEvent
from qunxian.models import AuditEntry, Notification
from qunxian.workflow import Refused
from tests.activities.factories import ActivityFactory, SeriesFactory, soon
from tests.factories import UserFactory
from venues.models import VenueDailyStat

pytestmark = pytest.mark.django_db
State = SignUp.State


def sign_up_many(activity, count):
    users = UserFactory.create_batch(count)
    return [services.signup_create(activity=activity, user=u) for u in users]


def new_activity(manager, venue, **overrides):
    fields = {
        "actor": manager,
        "venue": venue,
        "title": "亲子手工课",
        "place": "二楼活动室",
        "starts_at": soon(2),
        "ends_at": soon(2, 2),
        "seats": 3,
        "series": SeriesFactory(),
    }
    return services.activity_create(**{**fields, **overrides})


# -- Activities


def test_manager_creates_an_activity_for_their_venue(manager_a, venue_a, venue_b):
    activity = new_activity(manager_a, venue_a, other_venues=[venue_b, venue_a])
    assert activity.status == Activity.Status.PUBLISHED
    assert list(activity.other_venues.all()) == [venue_b]  # the host is not a co-host
    assert AuditEntry.objects.filter(action="activity.create").count() == 1


def test_manager_of_another_venue_cannot_create_there(manager_b, venue_a):
    with pytest.raises(Refused) as refused:
        new_activity(manager_b, venue_a)
    assert refused.value.code == "out_of_scope"
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"starts_at": soon(-1), "ends_at": soon(-1, 1)}, "past"),
        ({"ends_at": soon(1)}, "times"),
        ({"seats": 0}, "seats"),
        ({"min_age": 50, "max_age": 40}, "ages"),
    ],
)
def test_create_refuses_bad_fields(manager_a, venue_a, overrides, code):
    with pytest.raises(Refused) as refused:
        new_activity(manager_a, venue_a, **overrides)
    assert refused.value.code == code


def test_update_cannot_lower_seats_below_those_taken(manager_a, venue_a):
    activity = new_activity(manager_a, venue_a, seats=3)
    sign_up_many(activity, 3)
    with pytest.raises(Refused) as refused:
        services.activity_update(activity=activity, actor=manager_a, seats=2)
    assert refused.value.code == "seats"


def test_more_seats_promote_the_waiting_list_in_order(manager_a, venue_a):
    activity = new_activity(manager_a, venue_a, seats=1)
    first, second, third = sign_up_many(activity, 3)
    assert [s.state for s in (first, second, third)] == [
        State.CONFIRMED,
        State.WAITLISTED,
        State.WAITLISTED,
    ]
    updated = services.activity_update(activity=activity, actor=manager_a, seats=2)
    assert updated.seats_taken == 2
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.state, third.state) == (State.CONFIRMED, State.WAITLISTED)


def test_cancelling_the_activity_cancels_and_tells_everyone(manager_a, venue_a):
    activity = new_activity(manager_a, venue_a, seats=1)
    signups = sign_up_many(activity, 2)
    services.activity_cancel(activity=activity, actor=manager_a, reason="台风")
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED
    assert activity.seats_taken == 0
    assert SignUp.objects.filter(state=State.CANCELLED).count() == 2
    assert Notification.objects.filter(user__in=[s.user for s in signups]).count() == 2
    with pytest.raises(Refused):
        services.activity_cancel(activity=activity, actor=manager_a)
    with pytest.raises(Refused) as refused:
        services.signup_create(activity=activity, user=UserFactory())
    assert refused.value.code == "cancelled"


# -- Sign-ups


def test_sign_up_confirms_while_seats_last_then_waitlists():
    activity = ActivityFactory(seats=2)
    states = [s.state for s in sign_up_many(activity, 4)]
    assert states == [State.CONFIRMED, State.CONFIRMED, State.WAITLISTED] + [
        State.WAITLISTED
    ]
    activity.refresh_from_db()
    assert activity.seats_taken == 2
    assert SignUpEvent.objects.count() == 4


def test_signing_up_twice_is_refused():
    activity = ActivityFactory()
    user = UserFactory()
    services.signup_create(activity=activity, user=user)
    with pytest.raises(Refused) as refused:
        services.signup_create(activity=activity, user=user)
    assert refused.value.code == "duplicate"


def test_signing_up_after_the_start_is_refused():
    activity = ActivityFactory()
    with pytest.raises(Refused) as refused:
        services.signup_create(
            activity=activity,
            user=UserFactory(),
            now=activity.starts_at + datetime.timedelta(minutes=1),
        )
    assert refused.value.code == "started"


def test_cancel_frees_the_seat_for_the_first_waiting_and_tells_them():
    activity = ActivityFactory(seats=1)
    holder, first_waiting, second_waiting = sign_up_many(activity, 3)
    services.signup_cancel(signup=holder, actor=holder.user)
    states = dict(SignUp.objects.values_list("pk", "state"))
    assert states[holder.pk] == State.CANCELLED
    assert states[first_waiting.pk] == State.CONFIRMED
    assert states[second_waiting.pk] == State.WAITLISTED
    activity.refresh_from_db()
    assert activity.seats_taken == 1
    assert Notification.objects.filter(user=first_waiting.user).count() == 1
    assert not Notification.objects.filter(user=second_waiting.user).exists()

    # The next free seat goes to the next in line.
    services.signup_cancel(signup=first_waiting, actor=first_waiting.user)
    second_waiting.refresh_from_db()
    assert second_waiting.state == State.CONFIRMED


def test_leaving_the_waiting_list_frees_no_seat():
    activity = ActivityFactory(seats=1)
    _holder, waiting = sign_up_many(activity, 2)
    services.signup_cancel(signup=waiting, actor=waiting.user)
    activity.refresh_from_db()
    assert activity.seats_taken == 1


def test_one_can_sign_up_again_after_cancelling_and_goes_to_the_back():
    activity = ActivityFactory(seats=1)
    holder, other = sign_up_many(activity, 2)
    services.signup_cancel(signup=holder, actor=holder.user)
    again = services.signup_create(activity=activity, user=holder.user)
    assert again.state == State.WAITLISTED
    other.refresh_from_db()
    assert other.state == State.CONFIRMED


def test_cancel_twice_is_refused():
    activity = ActivityFactory()
    (signup,) = sign_up_many(activity, 1)
    services.signup_cancel(signup=signup, actor=signup.user)
    with pytest.raises(Refused) as refused:
        services.signup_cancel(signup=signup, actor=signup.user)
    assert refused.value.code == "wrong_state"


# -- Check-in


def test_check_in_counts_towards_the_host_venues_activity_index(manager_a, venue_a):
    activity = ActivityFactory(venue=venue_a, starts_at=soon(0, 0.5))
    first, second = sign_up_many(activity, 2)
    services.signup_check_in(signup=first, actor=manager_a)
    services.signup_check_in(signup=second, actor=manager_a)
    first.refresh_from_db()
    assert first.state == State.ATTENDED
    assert first.checked_in_at is not None
    stat = VenueDailyStat.objects.get(venue=venue_a, date=timezone.localdate())
    assert stat.activity_attendance == 2


def test_check_in_refuses_too_early_twice_waiting_and_other_managers(
    manager_a, manager_b, venue_a
):
    activity = ActivityFactory(venue=venue_a, seats=1, starts_at=soon(0, 0.5))
    confirmed, waiting = sign_up_many(activity, 2)
    with pytest.raises(Refused) as refused:
        services.signup_check_in(
            signup=confirmed,
            actor=manager_a,
            now=activity.starts_at - datetime.timedelta(hours=2),
        )
    assert refused.value.code == "too_early"
    with pytest.raises(Refused) as refused:
        services.signup_check_in(signup=waiting, actor=manager_a)
    assert refused.value.code == "wrong_state"
    with pytest.raises(Refused) as refused:
        services.signup_check_in(signup=confirmed, actor=manager_b)
    assert refused.value.code == "out_of_scope"
    services.signup_check_in(signup=confirmed, actor=manager_a)
    with pytest.raises(Refused):
        services.signup_check_in(signup=confirmed, actor=manager_a)
    assert VenueDailyStat.objects.get(venue=venue_a).activity_attendance == 1


def test_check_in_opens_as_long_before_an_activity_as_before_a_booking(
    manager_a, venue_a, settings
):
    settings.CHECK_IN_OPENS_MINUTES = 30
    activity = ActivityFactory(venue=venue_a, seats=1, starts_at=soon(0, 3))
    (confirmed,) = sign_up_many(activity, 1)
    with pytest.raises(Refused) as refused:
        services.signup_check_in(
            signup=confirmed,
            actor=manager_a,
            now=activity.starts_at - datetime.timedelta(minutes=45),
        )
    assert refused.value.code == "too_early"
    assert "30" in refused.value.message
    services.signup_check_in(
        signup=confirmed,
        actor=manager_a,
        now=activity.starts_at - datetime.timedelta(minutes=20),
    )
    confirmed.refresh_from_db()
    assert confirmed.state == State.ATTENDED
