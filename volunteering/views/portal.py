"""The user end: reporting from a poster, teams, orders, points and rewards.

Leaders and members are ordinary users: what they may act on is found in
their own scope (`viewable_orders`, the teams they lead), a 404 outside it,
and the services check it again.
"""

import datetime
from collections import defaultdict

import h3
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, FormView, ListView, TemplateView

from activities.models import Activity
from qunxian.forms import add_service_error
from qunxian.http import redirect_back
from qunxian.private_media import serve_private
from qunxian.workflow import Refused
from venues.models import Venue
from volunteering import services
from volunteering.certificates import certificate_pdf
from volunteering.forms import (
    AcceptForm,
    AssignForm,
    DoneForm,
    HelpRequestForm,
    OrderConfirmForm,
    OrderForm,
)
from volunteering.models import (
    Certificate,
    HelpRequest,
    HoursEntry,
    PointsEntry,
    Redemption,
    Reward,
    ServiceOrder,
    Team,
    TeamMember,
)
from volunteering.permissions import my_teams, viewable_help_requests, viewable_orders

MAP_DAYS = 90
MAP_LIMIT = 2000


def _map_tiles() -> dict:
    """For the map that fills in a position (static/js/pick-location.js)."""
    return {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "center": settings.MAP_CENTER,
    }


def _refused(request, refused: Refused) -> None:
    messages.error(request, refused.message)


class HomeView(LoginRequiredMixin, TemplateView):
    """我的志愿: my teams, what I ordered, what my teams may take, my points."""

    template_name = "volunteering/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        teams = list(my_teams(user).prefetch_related("services"))
        return super().get_context_data(
            teams=teams,
            my_orders=ServiceOrder.objects.filter(requester=user)[:20],
            tasks=ServiceOrder.objects.visible_to_teams(teams)
            .exclude(state=ServiceOrder.State.CANCELLED)
            .select_related("team")[:30]
            if teams
            else [],
            my_requests=HelpRequest.objects.filter(user=user).select_related("venue")[
                :20
            ],
            balance=services.balance_of(user),
            **kwargs,
        )


# 码上都: help requests


class HelpRequestCreateView(LoginRequiredMixin, FormView):
    """What a venue's poster opens: a short report for that place."""

    template_name = "volunteering/help_request_form.html"
    form_class = HelpRequestForm

    @cached_property
    def venue(self):
        return get_object_or_404(Venue.objects.published(), pk=self.kwargs["venue_id"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            venue=self.venue, map_tiles=_map_tiles(), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            help_request = services.help_request_submit(
                user=self.request.user,
                venue=self.venue,
                kind=data["kind"],
                text=data["text"],
                photo=data["photo"],
                lat=data["lat"],
                lng=data["lng"],
            )
        except Refused as refused:
            add_service_error(form, refused)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Sent: the staff of %(venue)s have it now.") % {"venue": self.venue.name},
        )
        return redirect(help_request)


class HelpRequestDetailView(LoginRequiredMixin, DetailView):
    template_name = "volunteering/help_request_detail.html"
    context_object_name = "help_request"

    def get_queryset(self):
        return (
            HelpRequest.objects.filter(user=self.request.user)
            .select_related("venue")
            .prefetch_related("events")
        )


@login_required
@require_POST
def help_request_confirm(request, pk):
    help_request = get_object_or_404(HelpRequest, pk=pk, user=request.user)
    try:
        services.help_request_confirm(help_request=help_request, user=request.user)
    except Refused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Thank you for confirming."))
    return redirect(help_request)


@login_required
@require_POST
def help_request_me_too(request, pk):
    help_request = get_object_or_404(HelpRequest, pk=pk)
    if services.help_request_me_too(help_request=help_request, user=request.user):
        messages.success(request, _("Counted: you met the same problem."))
    return redirect_back(request, reverse("volunteering:map"))


@require_safe
def help_request_photo(request, pk, thumbnail=False):
    help_request = get_object_or_404(viewable_help_requests(request.user), pk=pk)
    return serve_private(
        help_request.photo_thumbnail if thumbnail else help_request.photo
    )


@require_safe
def help_map(request):
    """Requests of the last 90 days by H3 cell and state: never a point, never
    a person. A cell lists its requests by kind and state for "me too"."""
    since = timezone.now() - datetime.timedelta(days=MAP_DAYS)
    rows = (
        HelpRequest.objects.filter(created_at__gte=since)
        .order_by("-created_at")
        .values("pk", "cell", "kind", "state", "me_too_count", "created_at")[:MAP_LIMIT]
    )
    kinds, states = dict(HelpRequest.Kind.choices), dict(HelpRequest.State.choices)
    cells = defaultdict(lambda: {"requests": [], "open": 0})
    for row in rows:
        cell = cells[row["cell"]]
        row["kind_label"], row["state_label"] = kinds[row["kind"]], states[row["state"]]
        cell["requests"].append(row)
        cell["open"] += row["state"] in HelpRequest.OPEN
    listed, shapes = [], []
    for name, cell in cells.items():
        lat, lng = h3.cell_to_latlng(name)
        listed.append(
            {"cell": name, "lat": round(lat, 4), "lng": round(lng, 4), **cell}
        )
        shapes.append(
            {
                "boundary": [
                    [round(a, 5), round(b, 5)] for a, b in h3.cell_to_boundary(name)
                ],
                "count": len(cell["requests"]),
                "open": cell["open"],
            }
        )
    listed.sort(key=lambda cell: -len(cell["requests"]))
    return render(
        request,
        "volunteering/help_map.html",
        {"cells": listed, "shapes": shapes, "map_tiles": _map_tiles()},
    )


# Teams


class TeamListView(ListView):
    template_name = "volunteering/team_list.html"
    context_object_name = "teams"

    def get_queryset(self):
        return (
            Team.objects.filter(active=True)
            .select_related("organization", "home_venue")
            .prefetch_related("services")
            .annotate(
                member_count=Count(
                    "members", filter=Q(members__state=TeamMember.State.ACTIVE)
                )
            )
        )


class TeamDetailView(DetailView):
    template_name = "volunteering/team_detail.html"
    context_object_name = "team"
    queryset = Team.objects.select_related("organization", "home_venue")

    def get_context_data(self, **kwargs):
        team, user = self.object, self.request.user
        members = list(team.members.select_related("user"))
        mine = next((m for m in members if m.user_id == user.pk), None)
        leads = bool(
            mine
            and mine.role == TeamMember.Role.LEADER
            and mine.state == TeamMember.State.ACTIVE
        )
        activities = (
            team.activities.filter(
                activity__ends_at__gte=timezone.now(),
                activity__status=Activity.Status.PUBLISHED,
            )
            .select_related("activity__venue")
            .order_by("activity__starts_at")
        )
        return super().get_context_data(
            services_offered=team.services.all(),
            activities=activities,
            active=[m for m in members if m.state == TeamMember.State.ACTIVE],
            waiting=[m for m in members if m.state == TeamMember.State.REQUESTED]
            if leads
            else [],
            mine=mine,
            leads=leads,
            **kwargs,
        )


@login_required
@require_POST
def team_join(request, pk):
    team = get_object_or_404(Team, pk=pk)
    try:
        services.team_join(team=team, user=request.user)
    except Refused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Asked: a leader of the team will answer."))
    return redirect(team)


@login_required
@require_POST
def member_decide(request, pk):
    member = get_object_or_404(
        TeamMember.objects.filter(team__in=Team.objects.led_by(request.user)), pk=pk
    )
    accept = request.POST.get("decision") == "accept"
    try:
        services.team_member_decide(member=member, actor=request.user, accept=accept)
    except Refused as refused:
        _refused(request, refused)
    return redirect(member.team)


@login_required
@require_POST
def member_listed(request, pk):
    """A member's choice to be named in the public figures, or not."""
    member = get_object_or_404(TeamMember, pk=pk, user=request.user)
    listed = request.POST.get("listed") == "yes"
    services.team_member_set_listed(member=member, user=request.user, listed=listed)
    messages.success(
        request,
        _("Your name is shown in the figures.")
        if listed
        else _("Your name is not shown in the figures."),
    )
    return redirect(member.team)


@login_required
@require_POST
def member_leave(request, pk):
    member = get_object_or_404(TeamMember, pk=pk, user=request.user)
    try:
        services.team_member_leave(member=member, user=request.user)
    except Refused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("You left %(team)s.") % {"team": member.team.name})
    return redirect(member.team)


@login_required
@require_POST
def member_remove(request, pk):
    member = get_object_or_404(
        TeamMember.objects.filter(
            team__in=Team.objects.led_by(request.user)
        ).select_related("team", "user"),
        pk=pk,
    )
    try:
        services.team_member_remove(member=member, actor=request.user)
    except Refused as refused:
        _refused(request, refused)
    else:
        messages.success(
            request,
            _("%(user)s is no longer in the team.") % {"user": member.user},
        )
    return redirect(member.team)


# Service orders


class OrderCreateView(LoginRequiredMixin, FormView):
    template_name = "volunteering/order_form.html"
    form_class = OrderForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(map_tiles=_map_tiles(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            order = services.order_create(
                requester=self.request.user,
                kind=data["kind"],
                venue=data["venue"],
                lat=data["lat"],
                lng=data["lng"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                description=data["description"],
                photo=data["photo"],
            )
        except Refused as refused:
            add_service_error(form, refused)
            return self.form_invalid(form)
        messages.success(self.request, _("Ordered: the teams near you are told."))
        return redirect(order)


def _orders(user):
    return viewable_orders(user).select_related("team", "venue", "requester")


class OrderDetailView(LoginRequiredMixin, DetailView):
    template_name = "volunteering/order_detail.html"
    context_object_name = "order"

    def get_queryset(self):
        return _orders(self.request.user).prefetch_related(
            "events",
            Prefetch(
                "assignments__member",
                queryset=TeamMember.objects.select_related("user"),
            ),
        )

    def get_context_data(self, **kwargs):
        order, user = self.object, self.request.user
        State = ServiceOrder.State
        led = Team.objects.led_by(user)
        context = {"is_requester": order.requester_id == user.pk}
        if order.state == State.OPEN:
            takers = services.teams_for_order(order).filter(pk__in=led.values("pk"))
            if takers.exists():
                context["accept_form"] = AcceptForm(teams=takers)
        if order.team_id and led.filter(pk=order.team_id).exists():
            context["leads"] = True
            if order.state == State.ACCEPTED:
                context["assign_form"] = AssignForm(team=order.team)
        if order.state == State.ACCEPTED and order.team_id:
            member = TeamMember.objects.filter(
                team_id=order.team_id, user=user, state=TeamMember.State.ACTIVE
            ).first()
            if member and (
                context.get("leads") or order.assignments.filter(member=member).exists()
            ):
                context["done_form"] = DoneForm()
        if context["is_requester"] and order.state == State.DONE:
            context["confirm_form"] = OrderConfirmForm()
        context["can_cancel"] = context["is_requester"] and order.state in (
            State.OPEN,
            State.ACCEPTED,
        )
        return super().get_context_data(**context, **kwargs)


def _order_step(request, pk, act, done_message):
    order = get_object_or_404(_orders(request.user), pk=pk)
    try:
        act(order)
    except Refused as refused:
        _refused(request, refused)
    else:
        messages.success(request, done_message)
    return redirect(reverse("volunteering:order_detail", args=[order.pk]))


def _form_or_refuse(form):
    if not form.is_valid():
        raise Refused(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            code="invalid",
        )
    return form.cleaned_data


@login_required
@require_POST
def order_accept(request, pk):
    def act(order):
        form = AcceptForm(
            request.POST, teams=Team.objects.led_by(request.user).distinct()
        )
        data = _form_or_refuse(form)
        services.order_accept(order=order, team=data["team"], actor=request.user)

    return _order_step(request, pk, act, _("Taken: now send members to do it."))


@login_required
@require_POST
def order_assign(request, pk):
    def act(order):
        if order.team_id is None:
            raise Refused(_("No team has taken this order yet."), code="no_team")
        data = _form_or_refuse(AssignForm(request.POST, team=order.team))
        services.order_assign(order=order, actor=request.user, members=data["members"])

    return _order_step(request, pk, act, _("Sent: the members are told."))


@login_required
@require_POST
def order_done(request, pk):
    def act(order):
        data = _form_or_refuse(DoneForm(request.POST, request.FILES))
        services.order_complete(
            order=order,
            actor=request.user,
            note=data["note"],
            hours=data["hours"],
            photo=data["photo"],
        )

    return _order_step(request, pk, act, _("Done: who ordered it is asked to confirm."))


@login_required
@require_POST
def order_confirm(request, pk):
    def act(order):
        data = _form_or_refuse(OrderConfirmForm(request.POST))
        services.order_confirm(order=order, user=request.user, rating=data["rating"])

    return _order_step(
        request, pk, act, _("Thank you: the volunteers get their points.")
    )


@login_required
@require_POST
def order_cancel(request, pk):
    return _order_step(
        request,
        pk,
        lambda order: services.order_cancel(order=order, user=request.user),
        _("Cancelled."),
    )


@require_safe
def order_photo(request, pk, which):
    order = get_object_or_404(viewable_orders(request.user), pk=pk)
    return serve_private(order.done_photo if which == "done" else order.photo)


# Points, rewards, certificates


class PointsView(LoginRequiredMixin, TemplateView):
    template_name = "volunteering/points.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        hours = HoursEntry.objects.filter(user=user)
        return super().get_context_data(
            balance=services.balance_of(user),
            entries=PointsEntry.objects.filter(user=user)[:100],
            hours=hours.select_related("organization", "team").order_by(
                "-served_on", "-id"
            )[:100],
            total_hours=hours.aggregate(total=Sum("hours"))["total"] or 0,
            certificate=Certificate.objects.filter(user=user)
            .order_by("-issued_at")
            .first(),
            redemptions=Redemption.objects.filter(user=user).select_related(
                "reward__pickup_venue"
            )[:50],
            **kwargs,
        )


class RewardListView(ListView):
    template_name = "volunteering/reward_list.html"
    context_object_name = "rewards"

    def get_queryset(self):
        return Reward.objects.on_offer().select_related("organization", "pickup_venue")

    def get_context_data(self, **kwargs):
        user = self.request.user
        balance = services.balance_of(user) if user.is_authenticated else None
        return super().get_context_data(balance=balance, **kwargs)


@login_required
@require_POST
def reward_redeem(request, pk):
    reward = get_object_or_404(Reward.objects.on_offer().select_related(), pk=pk)
    try:
        redemption = services.redemption_create(reward=reward, user=request.user)
    except Refused as refused:
        _refused(request, refused)
        return redirect("volunteering:rewards")
    messages.success(
        request,
        _("Redeemed: pick it up at %(venue)s with the code %(code)s.")
        % {"venue": reward.pickup_venue.name, "code": redemption.code},
    )
    return redirect("volunteering:points")


@login_required
@require_POST
def redemption_cancel(request, pk):
    redemption = get_object_or_404(Redemption, pk=pk, user=request.user)
    try:
        services.redemption_cancel(redemption=redemption, actor=request.user)
    except Refused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Cancelled: your points are back."))
    return redirect("volunteering:points")


@login_required
@require_POST
def certificate_issue(request):
    try:
        services.certificate_issue(user=request.user)
    except Refused as refused:
        _refused(request, refused)
        return redirect("volunteering:points")
    return redirect("volunteering:certificate")


@login_required
@require_safe
def certificate_download(request):
    """The newest record issued to them; a GET never writes one."""
    certificate = (
        Certificate.objects.filter(user=request.user).order_by("-issued_at").first()
    )
    if certificate is None:
        raise Http404(_("No volunteer service record issued yet."))
    url = request.build_absolute_uri(certificate.get_absolute_url())
    response = HttpResponse(
        certificate_pdf(certificate, url), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="volunteer-record.pdf"'
    return response


@require_safe
def certificate_verify(request, code):
    certificate = get_object_or_404(
        Certificate.objects.select_related("user"), code=code
    )
    return render(
        request, "volunteering/certificate_verify.html", {"certificate": certificate}
    )
