"""The demo's volunteering: the three teams with the worker in them, rewards,
a points table and one repair done by the worker; a re-run adds nothing."""

import pytest

from demo.load import load_demo
from qunxian.models import User
from volunteering.models import (
    PointsEntry,
    PointsTable,
    Reward,
    ServiceOrder,
    Team,
    TeamMember,
)
from volunteering.services import balance_of

pytestmark = pytest.mark.django_db


def counts():
    return [
        model.objects.count()
        for model in (Team, TeamMember, Reward, ServiceOrder, PointsEntry, PointsTable)
    ]


def test_the_demo_has_teams_rewards_and_the_workers_points_and_reruns_alike():
    load_demo()
    worker = User.objects.get(username="worker")
    roles = dict(
        TeamMember.objects.filter(user=worker).values_list("team__name", "role")
    )
    assert roles == {
        "应急抢险队": "member",
        "先锋配送队": "leader",
        "维修队": "member",
    }
    assert Reward.objects.count() == 3 and PointsTable.objects.count() == 1
    order = ServiceOrder.objects.get()
    assert order.state == ServiceOrder.State.CONFIRMED and order.team.name == "维修队"
    assert balance_of(worker) == 30
    before = counts()
    load_demo()
    assert counts() == before
