"""The one transition helper, and every state machine and staff decision on it."""

import pytest
from django.apps import apps

from activities import services as activity_services
from activities.models import Activity, SignUp
from bookings import services as booking_services
from bookings.models import Booking, Slot
from feedback import services as feedback_services
from feedback.models import Appeal, Review
from membership.models import Membership, MembershipApplication, Occupation
from qunxian.models import AUDIT_ACTIONS, AuditEntry, Event
from qunxian.workflow import Refused, transition
from representatives.models import Proposal
from tests.activities.factories import ActivityFactory, soon
from tests.bookings.conftest import at
from tests.factories import (
    AppealFactory,
    BookingFactory,
    ReviewFactory,
    SpaceFactory,
    UserFactory,
    bookable_space,
)
from tests.membership.factories import ApplicationFactory
from tests.representatives.factories import a_proposal
from tests.volunteering.factories import (
    HelpRequestFactory,
    RewardFactory,
    ServiceOrderFactory,
    TeamFactory,
)
from venues import services as venue_services
from venues.models import Venue
from volunteering.models import (
    HelpRequest,
    Redemption,
    ServiceOrder,
    TeamMember,
)

STATEFUL = sorted(
    (model for model in apps.get_models() if hasattr(model, "TRANSITIONS")),
    key=lambda model: model._meta.label,
)
# Steps no person takes: they leave an event row, and no audit entry.
SYSTEM_STEPS = {"booking.expire", "signup.promote", "membership.lapse"}


def state_field(model) -> str:
    return getattr(model, "STATE_FIELD", "state")


def row(obj) -> dict:
    """Everything stored about `obj`, to show that a refusal changed nothing."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


def events(obj) -> int:
    return obj.events.count() if hasattr(obj, "events") else 0


def written() -> tuple[int, int]:
    event_tables = [m for m in apps.get_models() if issubclass(m, Event)]
    return sum(m.objects.count() for m in event_tables), AuditEntry.objects.count()


# -- The tables and the helper


def test_the_state_machines_are_those_declared():
    assert [model._meta.label for model in STATEFUL] == [
        "activities.Activity",
        "activities.SignUp",
        "bookings.Booking",
        "feedback.Appeal",
        "feedback.Review",
        "membership.Membership",
        "membership.MembershipApplication",
        "representatives.Proposal",
        "venues.Venue",
        "volunteering.HelpRequest",
        "volunteering.Redemption",
        "volunteering.ServiceOrder",
        "volunteering.TeamMember",
    ]


@pytest.mark.parametrize("model", STATEFUL, ids=lambda m: m._meta.label)
def test_each_table_names_real_states_and_a_label_for_each_persons_step(model):
    states = set(dict(model._meta.get_field(state_field(model)).choices))
    for action, (sources, target) in model.TRANSITIONS.items():
        assert set(sources) <= states and target in states, action
        key = f"{model._meta.model_name}.{action}"
        assert key in SYSTEM_STEPS or key in AUDIT_ACTIONS, key


def _taken_order(venue):
    # Taken, so that every state it is moved to keeps its team (a CHECK).
    return ServiceOrderFactory(
        state=ServiceOrder.State.ACCEPTED, team=TeamFactory(home_venue=venue)
    )


VOLUNTEERING_OBJECTS = {
    HelpRequest: lambda venue: HelpRequestFactory(venue=venue),
    Redemption: lambda venue: Redemption.objects.create(
        user=UserFactory(), reward=RewardFactory(pickup_venue=venue), points=10
    ),
    ServiceOrder: _taken_order,
    TeamMember: lambda venue: TeamMember.objects.create(
        team=TeamFactory(home_venue=venue), user=UserFactory()
    ),
}


def an_object(model, venue):
    """A row of `model` at `venue`, in whatever state it starts in."""
    if model is Booking:
        return BookingFactory(space=SpaceFactory(venue=venue))
    if model is Appeal:
        return AppealFactory(venue=venue)
    if model is Review:
        return ReviewFactory(venue=venue)
    if model is SignUp:
        return SignUp.objects.create(
            activity=ActivityFactory(venue=venue),
            user=UserFactory(),
            state=SignUp.State.CONFIRMED,
        )
    if model is Activity:
        return ActivityFactory(venue=venue)
    if model is Proposal:
        return a_proposal()
    if model is MembershipApplication:
        return ApplicationFactory(venue=venue)
    if model is Membership:
        return Membership.objects.create(
            user=UserFactory(),
            union=venue.organization,
            number=1,
            occupation=Occupation.RIDER,
            town=venue.town,
        )
    if model in VOLUNTEERING_OBJECTS:
        return VOLUNTEERING_OBJECTS[model](venue)
    return venue


CASES = [
    pytest.param(model, action, state, id=f"{model._meta.model_name}.{action}@{state}")
    for model in STATEFUL
    for action in model.TRANSITIONS
    for state in dict(model._meta.get_field(state_field(model)).choices)
]


@pytest.mark.parametrize(("model", "action", "state"), CASES)
def test_every_transition_leaves_only_its_states_and_refuses_the_rest(
    model, action, state, admin_user, venue_a
):
    obj = an_object(model, venue_a)
    model.objects.filter(pk=obj.pk).update(**{state_field(model): state})
    sources, target = model.TRANSITIONS[action]
    before, (event_rows, audit_rows) = row(obj), written()
    if state not in sources:
        with pytest.raises(Refused) as refused:
            transition(obj, action, actor=admin_user, reason="测试")
        assert refused.value.code == "wrong_state"
        assert row(obj) == before
        assert written() == (event_rows, audit_rows)
        return
    key = f"{model._meta.model_name}.{action}"
    actor = None if key in SYSTEM_STEPS else admin_user
    moved = transition(obj, action, actor=actor, reason="测试")
    assert getattr(moved, state_field(model)) == target
    assert moved.previous_state == state
    assert row(obj)[state_field(model)] == target
    if hasattr(obj, "events"):
        event = obj.events.last()
        assert (event.actor, event.from_state, event.to_state, event.reason) == (
            actor,
            state,
            target,
            "测试",
        )
    if actor is None:
        assert not AuditEntry.objects.exists()
        return
    audit = AuditEntry.objects.get()
    assert audit.action == f"{model._meta.model_name}.{action}"
    assert (audit.actor, audit.subject_id, audit.details) == (
        admin_user,
        obj.pk,
        "测试",
    )
    assert audit.action_label != audit.action  # a translated label, not the code


def test_the_wrong_state_says_what_it_is_and_what_was_asked(
    admin_user, venue_a, settings
):
    settings.LANGUAGE_CODE = "en"
    booking = BookingFactory(space=SpaceFactory(venue=venue_a))
    transition(booking, "reject", actor=admin_user)
    with pytest.raises(Refused) as refused:
        transition(booking, "approve", actor=admin_user)
    assert refused.value.message == (
        "This booking is already “Rejected”; it cannot become “Approved”."
    )
    venue_services.venue_set_status(
        venue=venue_a, actor=admin_user, status=Venue.Status.SUSPENDED, reason="整改"
    )
    with pytest.raises(Refused) as refused:
        venue_services.venue_set_status(
            venue=venue_a,
            actor=admin_user,
            status=Venue.Status.SUSPENDED,
            reason="整改",
        )
    assert refused.value.message == "This venue is already “Suspended”."


def test_a_check_refuses_under_the_lock_before_anything_is_written(admin_user, venue_a):
    booking = BookingFactory(space=SpaceFactory(venue=venue_a))
    seen = []

    def too_late(locked):
        seen.append(locked.state)
        raise Refused("太晚了", code="too_late")

    before, counts = row(booking), written()
    with pytest.raises(Refused) as refused:
        transition(booking, "approve", actor=admin_user, check=too_late)
    assert refused.value.code == "too_late"
    assert seen == [Booking.State.PENDING]
    assert row(booking) == before
    assert written() == counts


def test_a_stale_copy_is_re_read_under_the_lock(admin_user, manager_a, venue_a):
    booking = BookingFactory(space=SpaceFactory(venue=venue_a))
    stale = Booking.objects.get(pk=booking.pk)
    transition(booking, "reject", actor=manager_a)
    with pytest.raises(Refused):
        transition(stale, "approve", actor=admin_user)
    assert row(booking)["state"] == Booking.State.REJECTED


def test_the_systems_steps_and_follow_on_steps_write_no_audit_entry(manager_a, venue_a):
    booking = BookingFactory(space=SpaceFactory(venue=venue_a))
    transition(booking, "expire", actor=None)
    other = BookingFactory(space=SpaceFactory(venue=venue_a))
    transition(other, "cancel", actor=manager_a, audit=False)
    assert booking.events.get().actor is None
    assert other.events.get().actor == manager_a
    assert not AuditEntry.objects.exists()


def test_a_save_also_stamps_updated_at(admin_user, venue_a):
    booking = BookingFactory(space=SpaceFactory(venue=venue_a))
    before = row(booking)
    transition(booking, "approve", actor=admin_user)
    after = row(booking)
    assert after.pop("updated_at") > before.pop("updated_at")
    assert after == {**before, "state": Booking.State.APPROVED}


# -- Every staff decision, through its service


@pytest.fixture
def site(manager_a):
    """A bookable space at a venue manager_a runs (manager_b runs another)."""
    space = bookable_space(capacity=10)
    space.venue.managers.add(manager_a)
    return space


def _booking(site, worker, manager, *, approved=False):
    booking = booking_services.booking_create(
        user=worker,
        space=site,
        start=at(1, 10),
        headcount=2,
        purpose="班组学习",
        contact_phone=worker.phone,
    )
    if approved:
        booking = booking_services.booking_approve(booking=booking, actor=manager)
    return booking


def _appeal(site, state=Appeal.State.SUBMITTED):
    appeal = AppealFactory(venue=site.venue)
    Appeal.objects.filter(pk=appeal.pk).update(state=state)
    appeal.refresh_from_db()
    return appeal


def _signup(site, worker):
    activity = ActivityFactory(venue=site.venue, starts_at=soon(0, 0.5))
    return activity_services.signup_create(activity=activity, user=worker)


# name: (make the object, take the decision, the audit action, the state after)
DECISIONS = {
    "booking approve": (
        lambda site, worker, manager: _booking(site, worker, manager),
        lambda obj, actor: booking_services.booking_approve(booking=obj, actor=actor),
        "booking.approve",
        Booking.State.APPROVED,
    ),
    "booking reject": (
        lambda site, worker, manager: _booking(site, worker, manager),
        lambda obj, actor: booking_services.booking_reject(
            booking=obj, actor=actor, reason="场地维修"
        ),
        "booking.reject",
        Booking.State.REJECTED,
    ),
    "booking cancel by the venue": (
        lambda site, worker, manager: _booking(site, worker, manager, approved=True),
        lambda obj, actor: booking_services.booking_cancel(
            booking=obj, actor=actor, reason="停电", by_venue=True
        ),
        "booking.cancel",
        Booking.State.CANCELLED,
    ),
    "booking check in": (
        lambda site, worker, manager: _booking(site, worker, manager, approved=True),
        lambda obj, actor: booking_services.booking_check_in(
            booking=obj, actor=actor, now=obj.start
        ),
        "booking.check_in",
        Booking.State.ATTENDED,
    ),
    "booking no-show": (
        lambda site, worker, manager: _booking(site, worker, manager, approved=True),
        lambda obj, actor: booking_services.booking_mark_no_show(
            booking=obj, actor=actor, now=obj.end
        ),
        "booking.no_show",
        Booking.State.NO_SHOW,
    ),
    "appeal accept": (
        lambda site, worker, manager: _appeal(site),
        lambda obj, actor: feedback_services.appeal_accept(appeal=obj, actor=actor),
        "appeal.accept",
        Appeal.State.ACCEPTED,
    ),
    "appeal resolve": (
        lambda site, worker, manager: _appeal(site, Appeal.State.ACCEPTED),
        lambda obj, actor: feedback_services.appeal_resolve(
            appeal=obj, actor=actor, reply="已添置微波炉。"
        ),
        "appeal.resolve",
        Appeal.State.RESOLVED,
    ),
    "appeal close": (
        lambda site, worker, manager: _appeal(site),
        lambda obj, actor: feedback_services.appeal_close(
            appeal=obj, actor=actor, reason="重复反馈"
        ),
        "appeal.close",
        Appeal.State.CLOSED,
    ),
    "sign-up check in": (
        lambda site, worker, manager: _signup(site, worker),
        lambda obj, actor: activity_services.signup_check_in(signup=obj, actor=actor),
        "signup.check_in",
        SignUp.State.ATTENDED,
    ),
    "sign-up cancel by the host": (
        lambda site, worker, manager: _signup(site, worker),
        lambda obj, actor: activity_services.signup_cancel(signup=obj, actor=actor),
        "signup.cancel",
        SignUp.State.CANCELLED,
    ),
}


@pytest.mark.parametrize("name", DECISIONS)
def test_a_staff_decision_is_audited_and_shows_in_the_timeline(
    name, site, worker, manager_a
):
    make, decide, action, after = DECISIONS[name]
    obj = make(site, worker, manager_a)
    AuditEntry.objects.all().delete()
    decided = decide(obj, manager_a)
    assert decided.state == after
    audit = AuditEntry.objects.get()
    assert (audit.action, audit.actor, audit.subject_id) == (action, manager_a, obj.pk)
    assert audit.action_label == str(AUDIT_ACTIONS[action])
    assert obj.events.last().to_state == after


@pytest.mark.parametrize("name", DECISIONS)
def test_a_decision_taken_twice_is_refused_the_second_time_and_writes_nothing(
    name, site, worker, manager_a
):
    make, decide, _action, _after = DECISIONS[name]
    obj = decide(make(site, worker, manager_a), manager_a)
    before, counts = row(obj), written()
    with pytest.raises(Refused) as refused:
        decide(obj, manager_a)
    assert refused.value.code == "wrong_state"
    assert row(obj) == before
    assert written() == counts


@pytest.mark.parametrize("name", DECISIONS)
def test_a_manager_of_another_venue_is_refused_and_nothing_changes(
    name, site, worker, manager_a, manager_b
):
    make, decide, _action, _after = DECISIONS[name]
    obj = make(site, worker, manager_a)
    before, counts = row(obj), written()
    seats = list(Slot.objects.values_list("seats_taken", flat=True))
    with pytest.raises(Refused) as refused:
        decide(obj, manager_b)
    assert refused.value.code == "out_of_scope"
    assert row(obj) == before
    assert written() == counts
    assert list(Slot.objects.values_list("seats_taken", flat=True)) == seats


@pytest.mark.parametrize("name", DECISIONS)
def test_an_admin_may_take_any_venues_decision(name, site, worker, admin_user):
    make, decide, action, after = DECISIONS[name]
    obj = decide(make(site, worker, admin_user), admin_user)
    assert obj.state == after
    assert AuditEntry.objects.filter(action=action, actor=admin_user).exists()


def test_another_worker_cannot_cancel_someones_booking_or_sign_up(site, worker):
    stranger = UserFactory()
    booking = _booking(site, worker, None)
    signup = _signup(site, worker)
    with pytest.raises(Refused) as refused:
        booking_services.booking_cancel(booking=booking, actor=stranger)
    assert refused.value.code == "out_of_scope"
    with pytest.raises(Refused) as refused:
        activity_services.signup_cancel(signup=signup, actor=stranger)
    assert refused.value.code == "out_of_scope"
    assert row(booking)["state"] == Booking.State.PENDING
    assert row(signup)["state"] == SignUp.State.CONFIRMED


def test_a_workers_own_cancellation_is_recorded_as_theirs(site, worker):
    booking = booking_services.booking_cancel(
        booking=_booking(site, worker, None), actor=worker
    )
    signup = activity_services.signup_cancel(signup=_signup(site, worker), actor=worker)
    assert [(a.action, a.actor) for a in AuditEntry.objects.order_by("id")] == [
        ("booking.cancel", worker),
        ("signup.cancel", worker),
    ]
    assert booking.events.last().actor == signup.events.last().actor == worker


def test_a_manager_replies_only_to_their_venues_reviews_and_hides_none(
    manager_a, manager_b, venue_a, admin_user
):
    review = ReviewFactory(venue=venue_a)
    with pytest.raises(Refused) as refused:
        feedback_services.review_reply(review=review, actor=manager_b, text="谢谢")
    assert refused.value.code == "out_of_scope"
    # Moderation is the district's, even of one's own venue.
    with pytest.raises(Refused) as refused:
        feedback_services.review_hide(review=review, actor=manager_a, reason="广告")
    assert refused.value.code == "out_of_scope"
    assert row(review)["reply"] == "" and row(review)["state"] == Review.State.VISIBLE
    feedback_services.review_hide(review=review, actor=admin_user, reason="广告")
    with pytest.raises(Refused) as refused:
        feedback_services.review_hide(review=review, actor=admin_user, reason="广告")
    assert refused.value.code == "wrong_state"
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["review.hide"]


def test_district_feedback_is_the_admins_alone(manager_a, admin_user):
    appeal = AppealFactory(venue=None)
    with pytest.raises(Refused) as refused:
        feedback_services.appeal_accept(appeal=appeal, actor=manager_a)
    assert refused.value.code == "out_of_scope"
    appeal = feedback_services.appeal_accept(appeal=appeal, actor=admin_user)
    assert appeal.state == Appeal.State.ACCEPTED


def test_cancelling_an_activity_is_one_audit_entry_and_an_event_per_sign_up(
    site, worker, manager_a
):
    signup = _signup(site, worker)
    other = activity_services.signup_create(
        activity=signup.activity, user=UserFactory()
    )
    activity_services.activity_cancel(
        activity=signup.activity, actor=manager_a, reason="台风"
    )
    audit = AuditEntry.objects.get()
    assert (audit.action, audit.details) == ("activity.cancel", "台风")
    for each in (signup, other):
        event = each.events.last()
        assert (event.actor, event.to_state) == (manager_a, SignUp.State.CANCELLED)
    assert Activity.objects.get(pk=signup.activity_id).seats_taken == 0


def test_venue_suspension_goes_through_the_table(admin_user, venue_a):
    venue = venue_services.venue_set_status(
        venue=venue_a, actor=admin_user, status=Venue.Status.SUSPENDED, reason="整改"
    )
    assert (venue.status, venue.status_reason) == (Venue.Status.SUSPENDED, "整改")
    venue = venue_services.venue_set_status(
        venue=venue, actor=admin_user, status=Venue.Status.ACTIVE, reason="好了"
    )
    assert (venue.status, venue.status_reason) == (Venue.Status.ACTIVE, "")
    assert [(a.action, a.details) for a in AuditEntry.objects.order_by("id")] == [
        ("venue.suspend", "整改"),
        ("venue.reactivate", "好了"),
    ]
