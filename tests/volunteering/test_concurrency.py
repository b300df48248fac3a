"""Real parallel connections (PostgreSQL only): leaders racing to take one
order, the two leaders of a team leaving at once, and a member's
redemptions racing for the last points and stock.

A test wrapped in one transaction cannot race, so these use `transactional_db`;
each thread opens its own connection and closes it when done.
"""

import pytest
from django.db import connection

from tests.concurrency import race
from tests.factories import UserFactory, VenueFactory
from tests.volunteering.factories import (
    RewardFactory,
    ServiceOrderFactory,
    TeamFactory,
    leader,
)
from volunteering.models import (
    PointsBalance,
    PointsEntry,
    Redemption,
    ServiceOrder,
    TeamMember,
)
from volunteering.services import (
    balance_of,
    order_accept,
    points_post,
    redemption_create,
    team_member_leave,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)


@pytest.mark.django_db(transaction=True)
def test_ten_leaders_race_for_one_order_and_one_team_gets_it():
    venue = VenueFactory()
    order = ServiceOrderFactory()
    teams = [TeamFactory(home_venue=venue) for _ in range(10)]
    leaders = [leader(team).user for team in teams]

    def take(team, user):
        return lambda: order_accept(
            order=ServiceOrder.objects.get(pk=order.pk), team=team, actor=user
        )

    results = race([take(t, u) for t, u in zip(teams, leaders, strict=True)])
    assert results.count("ok") == 1
    assert set(results) == {"ok", "taken"}
    order.refresh_from_db()
    assert order.state == ServiceOrder.State.ACCEPTED
    assert order.team in teams
    assert order.events.filter(to_state=ServiceOrder.State.ACCEPTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_redemptions_racing_for_the_last_points_spend_them_once():
    user = UserFactory()
    points_post(user=user, amount=30, reason=PointsEntry.Reason.ADJUST)
    rewards = [RewardFactory(points=10, stock=100) for _ in range(8)]
    results = race(
        [lambda r=r: redemption_create(reward=r, user=user) for r in rewards]
    )
    assert results.count("ok") == 3
    assert set(results) == {"ok", "points"}
    assert balance_of(user) == 0
    assert Redemption.objects.count() == 3
    # The stock came back for every refused one: nothing half-taken.
    assert sum(100 - r.__class__.objects.get(pk=r.pk).stock for r in rewards) == 3
    total = sum(PointsEntry.objects.filter(user=user).values_list("amount", flat=True))
    assert total == PointsBalance.objects.get(user=user).balance == 0


@pytest.mark.django_db(transaction=True)
def test_many_people_racing_for_the_last_stock_take_it_once():
    reward = RewardFactory(points=1, stock=2)
    users = UserFactory.create_batch(8)
    for user in users:
        points_post(user=user, amount=5, reason=PointsEntry.Reason.ADJUST)
    results = race(
        [lambda u=u: redemption_create(reward=reward, user=u) for u in users]
    )
    assert results.count("ok") == 2
    assert set(results) == {"ok", "stock"}
    reward.refresh_from_db()
    assert reward.stock == 0
    assert sum(balance_of(u) for u in users) == 8 * 5 - 2


@pytest.mark.django_db(transaction=True)
def test_the_two_leaders_of_a_team_leave_at_once_and_one_stays():
    team = TeamFactory()
    leaders = [leader(team), leader(team)]
    results = race(
        [lambda m=m: team_member_leave(member=m, user=m.user) for m in leaders]
    )
    assert sorted(results) == ["last_leader", "ok"]
    assert (
        TeamMember.objects.filter(
            team=team, role="leader", state=TeamMember.State.ACTIVE
        ).count()
        == 1
    )
