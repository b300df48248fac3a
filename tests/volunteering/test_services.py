"""Each step's rules, straight on the services: who may, and what is refused."""

import datetime
import decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from qunxian.workflow import Refused
from tests.factories import UserFactory
from tests.volunteering.factories import (
    HelpRequestFactory,
    RewardFactory,
    ServiceOrderFactory,
    TeamFactory,
    leader,
    member,
    points_table,
)
from volunteering import services
from volunteering.models import (
    HelpRequest,
    HoursEntry,
    MeToo,
    PointsEntry,
    PointsTable,
    Redemption,
    ServiceOrder,
    TeamMember,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(venue_a):
    return TeamFactory(home_venue=venue_a)


def done_order(team, *, doer=None, hours="2", days_ago=0):
    doer = doer or member(team)
    order = ServiceOrderFactory(state=ServiceOrder.State.ACCEPTED, team=team)
    order.assignments.create(member=doer)
    order = services.order_complete(
        order=order, actor=doer.user, note="修好了", hours=decimal.Decimal(hours)
    )
    if days_ago:
        ServiceOrder.objects.filter(pk=order.pk).update(
            done_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    return order, doer


def test_a_manager_of_another_venue_cannot_handle_a_help_request(manager_b, venue_a):
    help_request = HelpRequestFactory(venue=venue_a)
    with pytest.raises(Refused) as refused:
        services.help_request_accept(help_request=help_request, actor=manager_b)
    assert refused.value.code == "out_of_scope"
    help_request.refresh_from_db()
    assert help_request.state == HelpRequest.State.SUBMITTED


def test_the_help_loop_ends_when_the_reporter_confirms(manager_a, venue_a):
    help_request = HelpRequestFactory(venue=venue_a)
    services.help_request_accept(help_request=help_request, actor=manager_a)
    services.help_request_handle(
        help_request=help_request, actor=manager_a, reply="已派人"
    )
    with pytest.raises(Refused):
        services.help_request_confirm(help_request=help_request, user=manager_a)
    services.help_request_confirm(help_request=help_request, user=help_request.user)
    assert help_request.state == HelpRequest.State.CONFIRMED
    assert [e.to_state for e in help_request.events.all()] == [
        "accepted",
        "handled",
        "confirmed",
    ]


def test_me_too_counts_once_per_person_and_never_the_reporter(venue_a):
    help_request = HelpRequestFactory(venue=venue_a)
    other = UserFactory()
    assert services.help_request_me_too(help_request=help_request, user=other)
    assert not services.help_request_me_too(help_request=help_request, user=other)
    assert not services.help_request_me_too(
        help_request=help_request, user=help_request.user
    )
    help_request.refresh_from_db()
    assert help_request.me_too_count == MeToo.objects.count() == 1


def test_a_worker_asks_to_join_and_only_a_leader_takes_them_in(team):
    boss = leader(team)
    asking = services.team_join(team=team, user=UserFactory())
    with pytest.raises(Refused):
        services.team_join(team=team, user=asking.user)
    with pytest.raises(Refused) as refused:
        services.team_member_decide(member=asking, actor=member(team).user, accept=True)
    assert refused.value.code == "not_leader"
    services.team_member_decide(member=asking, actor=boss.user, accept=True)
    assert asking.state == TeamMember.State.ACTIVE


def test_a_team_that_does_not_offer_the_kind_cannot_take_the_order(venue_a):
    cleaners = TeamFactory(home_venue=venue_a, kinds=["clean_up"])
    boss = leader(cleaners)
    order = ServiceOrderFactory()
    with pytest.raises(Refused) as refused:
        services.order_accept(order=order, team=cleaners, actor=boss.user)
    assert refused.value.code == "not_offered"


def test_taking_an_order_already_taken_is_refused(team, venue_a):
    order = ServiceOrderFactory()
    services.order_accept(order=order, team=team, actor=leader(team).user)
    other = TeamFactory(home_venue=venue_a)
    with pytest.raises(Refused) as refused:
        services.order_accept(
            order=ServiceOrder.objects.get(pk=order.pk),
            team=other,
            actor=leader(other).user,
        )
    assert refused.value.code == "taken"
    order.refresh_from_db()
    assert order.team == team


def test_only_a_member_sent_to_it_marks_an_order_done(team):
    order = ServiceOrderFactory(state=ServiceOrder.State.ACCEPTED, team=team)
    with pytest.raises(Refused) as refused:
        services.order_complete(
            order=order, actor=member(team).user, note="好了", hours=decimal.Decimal(1)
        )
    assert refused.value.code == "not_doer"


def test_points_are_posted_only_on_confirmation_by_the_table_of_the_day(team):
    points_table(points=10, praised=15)
    order, doer = done_order(team)
    assert not PointsEntry.objects.exists()
    services.order_confirm(order=order, user=order.requester, rating=3)
    entry = PointsEntry.objects.get()
    assert (entry.user, entry.amount, entry.order) == (doer.user, 10, order)
    assert entry.table == PointsTable.current()
    assert services.balance_of(doer.user) == 10


def test_a_new_points_table_is_a_new_version_and_keeps_the_old(admin_user, team):
    first = points_table(points=10)
    second = services.points_table_save(
        actor=admin_user, points={("repair", "confirmed"): 50}
    )
    assert second.version == first.version + 1
    assert first.points_for("repair", "confirmed") == 10
    assert PointsTable.current().points_for("repair", "confirmed") == 50
    with pytest.raises(Refused):
        services.points_table_save(actor=UserFactory(), points={})


def test_the_command_confirms_orders_done_three_days_ago(team):
    points_table(points=5, auto=4)
    old, doer = done_order(team, days_ago=4)
    recent, _doer = done_order(team, days_ago=1)
    call_command("confirm_service_orders")
    call_command("confirm_service_orders")  # nothing twice
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == ServiceOrder.State.CONFIRMED
    assert recent.state == ServiceOrder.State.DONE
    assert old.events.last().actor is None
    assert list(PointsEntry.objects.values_list("amount", flat=True)) == [4]
    assert HoursEntry.objects.get(order=old).user == doer.user


def test_a_dispute_posts_reversing_entries_and_edits_none(admin_user, team):
    points_table(points=10)
    order, doer = done_order(team)
    services.order_confirm(order=order, user=order.requester, rating=None)
    earned = PointsEntry.objects.get()
    services.order_dispute(order=order, actor=admin_user, reason="重复报单")
    assert services.balance_of(doer.user) == 0
    reversal = PointsEntry.objects.get(reason=PointsEntry.Reason.REVERSE)
    assert (reversal.amount, reversal.reverses, reversal.made_by) == (
        -10,
        earned,
        admin_user,
    )
    assert sum(HoursEntry.objects.values_list("hours", flat=True)) == 0
    with pytest.raises(ValueError):
        earned.save()


def test_spending_more_than_the_balance_is_refused_by_the_database():
    user = UserFactory()
    services.points_post(user=user, amount=5, reason=PointsEntry.Reason.ADJUST)
    with pytest.raises(Refused) as refused:
        services.points_post(user=user, amount=-6, reason=PointsEntry.Reason.SPEND)
    assert refused.value.code == "points"
    assert services.balance_of(user) == 5
    assert PointsEntry.objects.count() == 1


def test_a_redemption_takes_points_and_stock_and_cancelling_returns_both():
    user = UserFactory()
    services.points_post(user=user, amount=25, reason=PointsEntry.Reason.ADJUST)
    reward = RewardFactory(points=10, stock=1)
    redemption = services.redemption_create(reward=reward, user=user)
    reward.refresh_from_db()
    assert (reward.stock, services.balance_of(user)) == (0, 15)
    with pytest.raises(Refused) as refused:
        services.redemption_create(reward=reward, user=user)
    assert refused.value.code == "stock"
    assert services.balance_of(user) == 15
    services.redemption_cancel(redemption=redemption, actor=user)
    reward.refresh_from_db()
    assert (reward.stock, services.balance_of(user)) == (1, 25)
    assert redemption.state == Redemption.State.CANCELLED


def test_redeeming_past_the_balance_takes_no_stock():
    reward = RewardFactory(points=10, stock=3)
    with pytest.raises(Refused) as refused:
        services.redemption_create(reward=reward, user=UserFactory())
    assert refused.value.code == "points"
    reward.refresh_from_db()
    assert reward.stock == 3 and not Redemption.objects.exists()


def test_a_pick_up_code_works_only_at_its_venue_for_its_managers(
    manager_a, manager_b, venue_a, venue_b
):
    user = UserFactory()
    services.points_post(user=user, amount=10, reason=PointsEntry.Reason.ADJUST)
    redemption = services.redemption_create(
        reward=RewardFactory(points=10, pickup_venue=venue_a), user=user
    )
    with pytest.raises(Refused):
        services.redemption_pick_up(
            venue=venue_a, code=redemption.code, actor=manager_b
        )
    with pytest.raises(Refused) as refused:
        services.redemption_pick_up(
            venue=venue_b, code=redemption.code, actor=manager_b
        )
    assert refused.value.code == "no_such_code"
    services.redemption_pick_up(
        venue=venue_a, code=redemption.code.lower(), actor=manager_a
    )
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.PICKED_UP


def test_an_order_outside_the_district_is_refused():
    with pytest.raises(Refused) as refused:
        services.order_create(
            requester=UserFactory(),
            kind="repair",
            venue=None,
            lat=31.23,
            lng=121.47,
            starts_at=timezone.now(),
            ends_at=timezone.now() + datetime.timedelta(hours=1),
            description="修车",
        )
    assert refused.value.code == "outside"
    assert not ServiceOrder.objects.exists()


def test_a_help_request_is_shown_on_the_map_by_its_cell_only(client, venue_a):
    help_request = HelpRequestFactory(
        venue=venue_a,
        lat=29.95123,
        lng=122.30456,
        cell=services.cell_of(29.95123, 122.30456),
        text="我的手机号13900000000",
    )
    client.force_login(UserFactory())
    page = client.get(reverse("volunteering:map")).content.decode()
    assert reverse("volunteering:request_me_too", args=[help_request.pk]) in page
    assert "13900000000" not in page and str(help_request.user) not in page
    assert "29.95123" not in page and "122.30456" not in page  # the cell, not the point


def test_earned_points_lapse_at_their_date_less_what_was_spent_first(team):
    points_table(points=10)
    order, doer = done_order(team)
    services.order_confirm(order=order, user=order.requester, rating=None)
    user = doer.user
    earned = PointsEntry.objects.get(user=user)
    assert earned.expires_on == timezone.localdate() + services.POINTS_VALID_FOR
    services.points_post(user=user, amount=-4, reason=PointsEntry.Reason.SPEND)
    services.points_post(user=user, amount=7, reason=PointsEntry.Reason.ADJUST)
    call_command("expire_points")
    assert services.balance_of(user) == 13  # not due yet
    later = earned.expires_on
    assert services.points_expire(today=later) == 1
    assert services.points_expire(today=later) == 0  # once
    # Of the 10 earned, 4 were spent first: 6 lapse; the 7 adjusted stay.
    assert services.balance_of(user) == 7
    expiry = PointsEntry.objects.get(reason=PointsEntry.Reason.EXPIRE)
    assert expiry.amount == -6


def test_an_admin_disputes_an_order_and_adjusts_points_through_the_console(
    client, admin_user, team
):
    points_table(points=10)
    order, doer = done_order(team)
    services.order_confirm(order=order, user=order.requester, rating=None)
    client.force_login(admin_user)
    assert (
        order.get_state_display()
        in client.get(reverse("console:volunteer_orders")).content.decode()
    )
    client.post(reverse("console:volunteer_order_dispute", args=[order.pk]), {})
    assert services.balance_of(doer.user) == 10  # no reason, no reversal
    client.post(
        reverse("console:volunteer_order_dispute", args=[order.pk]),
        {"reason": "重复报单"},
    )
    assert services.balance_of(doer.user) == 0
    response = client.post(
        reverse("console:volunteer_points_adjust"),
        {"phone": doer.user.phone, "amount": "-1", "note": "测试"},
    )
    assert response.status_code == 200  # below zero: refused, the form says so
    assert services.balance_of(doer.user) == 0
    client.post(
        reverse("console:volunteer_points_adjust"),
        {"phone": doer.user.phone, "amount": "25", "note": "抗台补记"},
    )
    entry = PointsEntry.objects.get(reason=PointsEntry.Reason.ADJUST)
    assert (entry.amount, entry.made_by, entry.note) == (25, admin_user, "抗台补记")
