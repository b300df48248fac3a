"""Rows of tests/test_roles_by_url.py for the volunteering app's URLs."""

import datetime

import factory
from django.utils import timezone

from tests.factories import UserFactory
from tests.role_table import (
    district_only,
    everyone,
    managers_only,
    own_booking,
    post_district,
    post_managers,
    post_own,
    post_signed_in,
    signed_in,
)
from tests.volunteering.factories import (
    HelpRequestFactory,
    RewardFactory,
    ServiceOrderFactory,
    TeamFactory,
    leader,
    member,
)
from volunteering.models import (
    Certificate,
    HoursEntry,
    Redemption,
    ServiceOrder,
    TeamActivity,
    TeamMember,
)

# Shorthands for the rows: tests/role_table.py.


def _venue(p):
    return {"venue_id": p["venue_a"].pk}


def _help_request(p):
    request = HelpRequestFactory(
        user=p["worker"],
        venue=p["venue_a"],
        photo=factory.django.ImageField(width=32, height=24, format="JPEG"),
        photo_thumbnail=factory.django.ImageField(width=16, height=12, format="JPEG"),
    )
    return {"pk": request.pk}


def _team(p):
    return {"pk": TeamFactory(home_venue=p["venue_a"]).pk}


def _join_request(p):
    """Someone asks to join a team the worker leads."""
    team = TeamFactory(home_venue=p["venue_a"])
    leader(team, p["worker"])
    return {"pk": TeamMember.objects.create(team=team, user=UserFactory()).pk}


def _own_membership(p):
    team = TeamFactory(home_venue=p["venue_a"])
    return {"pk": TeamMember.objects.create(team=team, user=p["worker"]).pk}


def _own_active_membership(p):
    return {"pk": member(TeamFactory(home_venue=p["venue_a"]), p["worker"]).pk}


def _removable_member(p):
    """A member of a team the worker leads."""
    team = TeamFactory(home_venue=p["venue_a"])
    leader(team, p["worker"])
    return {"pk": member(team).pk}


def _team_leader(p):
    return {"pk": leader(TeamFactory(home_venue=p["venue_a"])).pk}


def _order(p):
    """The worker's own order, near a team the worker leads."""
    leader(TeamFactory(home_venue=p["venue_a"]), p["worker"])
    order = ServiceOrderFactory(
        requester=p["worker"],
        photo=factory.django.ImageField(width=32, height=24, format="JPEG"),
    )
    return {"pk": order.pk}


def _order_photo(p):
    return {**_order(p), "which": "order"}


def _reward(p):
    return {"pk": RewardFactory(pickup_venue=p["venue_a"]).pk}


def _redemption(p):
    redemption = Redemption.objects.create(
        user=p["worker"], reward=RewardFactory(pickup_venue=p["venue_a"]), points=10
    )
    return {"pk": redemption.pk}


def _issued_certificate(p):
    """The worker's hours, and a record issued of them."""
    HoursEntry.objects.create(
        user=p["worker"],
        hours=2,
        kind="repair",
        organization=p["venue_a"].organization,
        served_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    Certificate.objects.create(user=p["worker"], code="issued", hours=2, services=1)
    return {}


def _certificate(p):
    certificate = Certificate.objects.create(
        user=p["worker"], code="c0ffee", hours=2, services=1
    )
    return {"code": certificate.code}


def _activity(p):
    return {"pk": p["activity_a"].pk}


def _team_activity(p):
    TeamActivity.objects.create(
        team=TeamFactory(home_venue=p["venue_a"]), activity=p["activity_a"]
    )
    return {"pk": p["activity_a"].pk}


def _confirmed_order(p):
    team = TeamFactory(home_venue=p["venue_a"])
    order = ServiceOrderFactory(state=ServiceOrder.State.CONFIRMED, team=team)
    return {"pk": order.pk}


def _poster(p):
    return {"pk": p["venue_a"].pk}


# The worker's own order: theirs, and the admin's, who sees every order.
OWN_ORDER = {**own_booking(200), "admin": 200}
ORDER_STEP = {**post_own(), "admin": 302}  # the admin is refused, nothing changes
PHOTO = {
    **everyone(404),
    "worker": 200,
    "manager_a": 200,
    "admin": 200,
}

# A POST-only manager view refuses a GET before it looks anything up.
MANAGERS_POST_ONLY = {**managers_only(other=405), "manager_a": 405}

# name: (kwargs or a function of the personas giving them, {role: status})
TABLE = {
    "volunteering:home": ({}, signed_in(200)),
    "volunteering:report": (_venue, signed_in(200)),
    "volunteering:request_detail": (_help_request, own_booking(200)),
    "volunteering:request_confirm": (_help_request, signed_in(405)),
    "volunteering:request_me_too": (_help_request, signed_in(405)),
    "volunteering:request_photo": (_help_request, PHOTO),
    "volunteering:request_thumbnail": (_help_request, PHOTO),
    "volunteering:map": ({}, everyone(200)),
    "volunteering:team_list": ({}, everyone(200)),
    "volunteering:team_detail": (_team, everyone(200)),
    "volunteering:team_join": (_team, signed_in(405)),
    "volunteering:member_decide": (_join_request, signed_in(405)),
    "volunteering:member_listed": (_own_membership, signed_in(405)),
    "volunteering:member_leave": (_own_active_membership, signed_in(405)),
    "volunteering:member_remove": (_removable_member, signed_in(405)),
    "volunteering:order_new": ({}, signed_in(200)),
    "volunteering:order_detail": (_order, OWN_ORDER),
    "volunteering:order_accept": (_order, signed_in(405)),
    "volunteering:order_assign": (_order, signed_in(405)),
    "volunteering:order_done": (_order, signed_in(405)),
    "volunteering:order_confirm": (_order, signed_in(405)),
    "volunteering:order_cancel": (_order, signed_in(405)),
    "volunteering:order_photo": (
        _order_photo,
        {**everyone(404), "worker": 200, "admin": 200},
    ),
    "volunteering:points": ({}, signed_in(200)),
    "volunteering:rewards": ({}, everyone(200)),
    "volunteering:reward_redeem": (_reward, signed_in(405)),
    "volunteering:redemption_cancel": (_redemption, signed_in(405)),
    "volunteering:certificate_issue": ({}, signed_in(405)),
    "volunteering:certificate": (
        _issued_certificate,
        {**signed_in(404), "worker": 200},
    ),
    "volunteering:certificate_verify": (_certificate, everyone(200)),
    "manage:help_request_list": ({}, managers_only(other=200)),
    "manage:help_request_detail": (_help_request, managers_only()),
    "manage:help_request_accept": (_help_request, MANAGERS_POST_ONLY),
    "manage:help_request_handle": (_help_request, MANAGERS_POST_ONLY),
    "manage:help_request_close": (_help_request, MANAGERS_POST_ONLY),
    "manage:help_request_to_order": (_help_request, MANAGERS_POST_ONLY),
    "manage:help_poster": (_poster, managers_only()),
    "manage:reward_pick_up": ({}, managers_only(other=200)),
    "manage:team_activities": ({}, managers_only(other=200)),
    "manage:team_activity_link": (_activity, MANAGERS_POST_ONLY),
    "manage:team_activity_hours": (_team_activity, MANAGERS_POST_ONLY),
    "console:volunteer_requests": ({}, district_only()),
    "console:volunteer_points_table": ({}, district_only()),
    "console:volunteer_figures": ({}, district_only()),
    "console:volunteer_figures_csv": ({}, district_only()),
    "console:volunteer_orders": ({}, district_only()),
    "console:volunteer_order_dispute": (_confirmed_order, district_only(405)),
    "console:volunteer_points_adjust": ({}, district_only()),
    "console:volunteer_teams": ({}, district_only()),
    "console:volunteer_team_new": ({}, district_only()),
    "console:volunteer_team_edit": (_team, district_only()),
    "console:volunteer_team_leader_add": (_team, district_only(405)),
    "console:volunteer_team_leader_remove": (_team_leader, district_only(405)),
    "console:volunteer_team_deactivate": (_team, district_only(405)),
    "console:volunteer_rewards": ({}, district_only()),
    "console:volunteer_reward_new": ({}, district_only()),
    "console:volunteer_reward_edit": (_reward, district_only()),
    "console:volunteer_reward_stock": (_reward, district_only(405)),
    "console:volunteer_reward_deactivate": (_reward, district_only(405)),
}

# name: {role: status} for an empty form
POST_TABLE = {
    "volunteering:request_confirm": post_own(),
    "volunteering:request_me_too": post_signed_in(),
    "volunteering:team_join": post_signed_in(),
    "volunteering:member_decide": post_own(),
    "volunteering:member_listed": post_own(),
    "volunteering:member_leave": post_own(),
    "volunteering:member_remove": post_own(),
    "volunteering:certificate_issue": post_signed_in(),  # no hours: refused
    "volunteering:order_new": post_signed_in(200),
    "volunteering:order_accept": ORDER_STEP,
    "volunteering:order_assign": ORDER_STEP,
    "volunteering:order_done": ORDER_STEP,
    "volunteering:order_confirm": ORDER_STEP,
    "volunteering:order_cancel": ORDER_STEP,
    "volunteering:reward_redeem": post_signed_in(),
    "volunteering:redemption_cancel": post_own(),
    "volunteering:report": post_signed_in(200),
    "manage:help_request_accept": post_managers(),
    "manage:help_request_handle": post_managers(),
    "manage:help_request_close": post_managers(),
    "manage:help_request_to_order": post_managers(),
    "manage:reward_pick_up": post_managers(200, other=200),
    "manage:team_activity_link": post_managers(),  # an empty form: refused
    "manage:team_activity_hours": post_managers(),  # not over yet: refused
    "console:volunteer_points_table": post_district(200),
    "console:volunteer_order_dispute": post_district(),  # no reason: refused
    "console:volunteer_points_adjust": post_district(200),
    "console:volunteer_team_new": post_district(200),  # an empty form: errors
    "console:volunteer_team_edit": post_district(200),
    "console:volunteer_team_leader_add": post_district(400),
    "console:volunteer_team_leader_remove": post_district(),
    "console:volunteer_team_deactivate": post_district(),
    "console:volunteer_reward_new": post_district(200),
    "console:volunteer_reward_edit": post_district(200),
    "console:volunteer_reward_stock": post_district(),  # an empty form: refused
    "console:volunteer_reward_deactivate": post_district(),
}
