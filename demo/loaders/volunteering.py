"""Volunteering: the three teams of 骑行侠·码上都, a points table, rewards,
a help request at the rider station and one repair order done by the worker.

Teams and rewards are keyed by name; the points table is made once; the
order is a demo row, so a re-run neither duplicates it nor posts its points
again.
"""

import datetime
import decimal
from functools import partial

from django.utils import timezone

from demo.loaders import demo_row
from demo.loaders.accounts import PUGONG_STATION, People
from venues.models import Organization, Venue
from volunteering import services
from volunteering.models import (
    HelpRequest,
    Outcome,
    PointsTable,
    Reward,
    ServiceKind,
    ServiceOrder,
    Team,
    TeamMember,
    TeamService,
)

UNION = "普陀区总工会"
K = ServiceKind
TEAMS = [
    # name, kinds, the worker's role (None: not in it), description
    ("应急抢险队", [K.EMERGENCY, K.CITY_DUTY], TeamMember.Role.MEMBER,
     "台风、暴雨天气的应急值守与抢险。"),
    ("先锋配送队", [K.MEDICINE, K.CITY_DUTY], TeamMember.Role.LEADER,
     "为行动不便的老人、病人免费送药送餐。"),
    ("维修队", [K.REPAIR], TeamMember.Role.MEMBER,
     "免费检修电动车、更换内胎，帮骑手渡过难关。"),
]  # fmt: skip
POINTS = {
    K.REPAIR: 20, K.MEDICINE: 30, K.EMERGENCY: 50, K.CITY_DUTY: 20,
    K.CLEAN_UP: 15, K.TREES: 15, K.OTHER: 10,
}  # fmt: skip
REWARDS = [
    ("爱心奶茶券", "为医护人员送一杯奶茶，或留给自己。", 30, 300),
    ("电动车雨披", "加厚防水，夜间反光。", 80, 40),
    ("电动车免费保养一次", "在驿站由维修队完成。", 120, 20),
]


def _team(spec, people: People, home: Venue, organization: Organization) -> Team:
    name, kinds, worker_role, description = spec
    team, _ = Team.objects.get_or_create(
        name=name,
        defaults={
            "organization": organization,
            "home_venue": home,
            "description": description,
        },
    )
    for kind in kinds:
        TeamService.objects.get_or_create(team=team, kind=kind)
    leaders = people.residents[1:4]
    index = [t[0] for t in TEAMS].index(name)
    others = [leaders[index], *people.residents[4 + index * 2 : 6 + index * 2]]
    if worker_role == TeamMember.Role.LEADER:
        roles = [(people.worker, TeamMember.Role.LEADER)]
        roles += [(user, TeamMember.Role.MEMBER) for user in others]
    else:
        roles = [(others[0], TeamMember.Role.LEADER), (people.worker, worker_role)]
        roles += [(user, TeamMember.Role.MEMBER) for user in others[1:]]
    for user, role in roles:
        TeamMember.objects.get_or_create(
            team=team,
            user=user,
            defaults={"role": role, "state": TeamMember.State.ACTIVE},
        )
    return team


def _done_order(people: People, team: Team, station: Venue) -> ServiceOrder:
    """A rider's breakdown at the station, ordered by its staff, taken by the
    repair team, done by the worker and confirmed by the rider."""
    rider = people.residents[4]
    help_request = services.help_request_submit(
        user=rider, venue=station, kind=HelpRequest.Kind.BREAKDOWN, text="后胎扎破了"
    )
    now = timezone.now()
    order = services.help_request_to_order(
        help_request=help_request,
        actor=people.staff_for(station),
        kind=ServiceKind.REPAIR,
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=2),
    )
    boss = TeamMember.objects.get(team=team, role=TeamMember.Role.LEADER).user
    services.order_accept(order=order, team=team, actor=boss)
    doer = TeamMember.objects.get(team=team, user=people.worker)
    services.order_assign(order=order, actor=boss, members=[doer])
    services.order_complete(
        order=order,
        actor=people.worker,
        note="更换了后胎内胎，检查了刹车。",
        hours=decimal.Decimal("1.5"),
    )
    services.order_confirm(order=order, user=rider, rating=5)
    services.help_request_handle(
        help_request=help_request,
        actor=people.staff_for(station),
        reply="维修队已上门修好。",
    )
    return order


def load_volunteering(people: People, venues: dict[str, Venue]) -> dict[str, int]:
    union = Organization.objects.get(name=UNION)
    station = venues[PUGONG_STATION]
    if not PointsTable.objects.exists():
        services.points_table_save(
            actor=people.admin,
            points={
                (kind, outcome): POINTS[kind]
                + (10 if outcome == Outcome.PRAISED else 0)
                for kind in ServiceKind.values
                for outcome in Outcome.values
            },
        )
    teams = {spec[0]: _team(spec, people, station, union) for spec in TEAMS}
    for name, description, points, stock in REWARDS:
        Reward.objects.get_or_create(
            name=name,
            organization=union,
            defaults={
                "description": description,
                "points": points,
                "stock": stock,
                "pickup_venue": station,
            },
        )
    demo_row(
        "order:station-repair",
        ServiceOrder,
        partial(_done_order, people, teams["维修队"], station),
    )
    return {"teams": len(teams), "rewards": len(REWARDS)}
