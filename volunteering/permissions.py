"""Whose requests and orders a person may see: anything outside is a 404.

A help request is its reporter's, its venue's managers' and the admins'. An
order is its requester's, and the teams' that may take it or took it; a
leader acts for the teams they lead. Services check the same again.
"""

from qunxian.roles import is_system_admin
from venues.permissions import managed_venues
from volunteering.models import HelpRequest, ServiceOrder, Team


def managed_help_requests(user):
    return HelpRequest.objects.filter(venue__in=managed_venues(user))


def viewable_help_requests(user):
    if not user.is_authenticated:
        return HelpRequest.objects.none()
    if is_system_admin(user):
        return HelpRequest.objects.all()
    return HelpRequest.objects.filter(user=user) | managed_help_requests(user)


def my_teams(user):
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.joined_by(user).select_related("home_venue")


def viewable_orders(user):
    if not user.is_authenticated:
        return ServiceOrder.objects.none()
    if is_system_admin(user):
        return ServiceOrder.objects.all()
    teams = list(my_teams(user).prefetch_related("services"))
    return ServiceOrder.objects.filter(
        pk__in=ServiceOrder.objects.visible_to_teams(teams).values("pk")
    ) | ServiceOrder.objects.filter(requester=user)
