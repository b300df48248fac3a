"""The system-admin end: the district's help requests, teams and their
leaders, the rewards catalogue, the points table and the figures."""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.generic import ListView

from qunxian.exports import Table, csv_response
from qunxian.roles import AdminRequiredMixin, admin_required
from qunxian.workflow import Refused
from volunteering import selectors, services
from volunteering.forms import (
    DisputeForm,
    LeaderForm,
    PointsAdjustForm,
    PointsTableForm,
    RewardForm,
    StockForm,
    TeamForm,
)
from volunteering.models import (
    HelpRequest,
    PointsTable,
    Reward,
    ServiceOrder,
    Team,
    TeamMember,
)


class HelpRequestListView(AdminRequiredMixin, ListView):
    template_name = "console/volunteering/help_request_list.html"
    context_object_name = "help_requests"
    paginate_by = 50
    queryset = HelpRequest.objects.select_related("venue", "user")


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def points_table(request):
    current = PointsTable.current()
    form = PointsTableForm(request.POST or None, table=current)
    if request.method == "POST" and form.is_valid():
        try:
            table = services.points_table_save(actor=request.user, points=form.points())
        except Refused as refused:
            form.add_error(None, refused)
        else:
            messages.success(
                request, _("Saved as version %(version)s.") % {"version": table.version}
            )
            return redirect("console:volunteer_points_table")
    return render(
        request,
        "console/volunteering/points_table.html",
        {"form": form, "current": current},
    )


@admin_required
@require_safe
def figures(request):
    return render(
        request,
        "console/volunteering/figures.html",
        {
            "services": list(selectors.figures_by_team_and_kind()),
            "points": selectors.points_by_month(),
            "volunteers": selectors.listed_volunteers(),
        },
    )


@admin_required
@require_safe
def figures_csv(request):
    table = Table(
        title=_("Volunteer service figures"),
        headers=[_("Month"), _("Team"), _("Service"), _("Hours"), _("Services")],
        rows=(
            (
                row["month"].strftime("%Y-%m"),
                row["team__name"] or "",
                row["kind_label"],
                row["hours"],
                row["services"],
            )
            for row in selectors.figures_by_team_and_kind()
        ),
    )
    return csv_response(table, "volunteering-figures")


class OrderListView(AdminRequiredMixin, ListView):
    """Every service order, newest first; a confirmed one may be disputed."""

    template_name = "console/volunteering/order_list.html"
    context_object_name = "orders"
    paginate_by = 50
    queryset = ServiceOrder.objects.select_related("team", "requester", "venue")

    def get_context_data(self, **kwargs):
        return super().get_context_data(dispute_form=DisputeForm(), **kwargs)


@admin_required
@require_POST
def order_dispute(request, pk):
    order = get_object_or_404(
        ServiceOrder.objects.filter(state=ServiceOrder.State.CONFIRMED), pk=pk
    )
    form = DisputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("console:volunteer_orders")
    try:
        count = services.order_dispute(
            order=order, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            ngettext(
                "Reversed: %(order)s, %(count)s points entry.",
                "Reversed: %(order)s, %(count)s points entries.",
                count,
            )
            % {"order": order, "count": count},
        )
    return redirect("console:volunteer_orders")


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def points_adjust(request):
    form = PointsAdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.points_adjust(
                user=form.cleaned_data["user"],
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except Refused as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("Adjusted."))
            return redirect("console:volunteer_points_adjust")
    return render(request, "console/volunteering/points_adjust.html", {"form": form})


# Teams


class TeamListView(AdminRequiredMixin, ListView):
    template_name = "console/volunteering/team_list.html"
    context_object_name = "teams"
    paginate_by = 50
    queryset = (
        Team.objects.select_related("organization", "home_venue")
        .prefetch_related(
            "services",
            Prefetch(
                "members",
                queryset=TeamMember.objects.filter(
                    role=TeamMember.Role.LEADER, state=TeamMember.State.ACTIVE
                ).select_related("user"),
                to_attr="leaders",
            ),
        )
        .annotate(
            member_count=Count(
                "members", filter=Q(members__state=TeamMember.State.ACTIVE)
            )
        )
        .order_by("-active", "name")
    )


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def team_edit(request, pk=None):
    team = get_object_or_404(Team, pk=pk) if pk else Team()
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_save(
                actor=request.user,
                team=form.save(commit=False),
                kinds=form.cleaned_data["kinds"],
                created=pk is None,
            )
        except Refused as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("Saved: %(team)s.") % {"team": team.name})
            return redirect("console:volunteer_team_edit", pk=team.pk)
    leaders = (
        team.members.filter(
            role=TeamMember.Role.LEADER, state=TeamMember.State.ACTIVE
        ).select_related("user")
        if team.pk
        else []
    )
    return render(
        request,
        "console/volunteering/team_form.html",
        {
            "form": form,
            "team": team,
            "leaders": leaders,
            "leader_form": LeaderForm(),
        },
    )


@admin_required
@require_POST
def team_leader_add(request, pk):
    team = get_object_or_404(Team, pk=pk)
    form = LeaderForm(request.POST)
    if form.is_valid():
        try:
            services.team_add_leader(
                actor=request.user, team=team, user=form.cleaned_data["user"]
            )
        except Refused as refused:
            form.add_error("phone", refused)
        else:
            messages.success(request, _("Named a leader."))
            return redirect("console:volunteer_team_edit", pk=team.pk)
    leaders = team.members.filter(
        role=TeamMember.Role.LEADER, state=TeamMember.State.ACTIVE
    ).select_related("user")
    return render(
        request,
        "console/volunteering/team_form.html",
        {
            "form": TeamForm(instance=team),
            "team": team,
            "leaders": leaders,
            "leader_form": form,
        },
        status=400,
    )


@admin_required
@require_POST
def team_leader_remove(request, pk):
    member = get_object_or_404(
        TeamMember.objects.select_related("team", "user"),
        pk=pk,
        role=TeamMember.Role.LEADER,
    )
    try:
        services.team_remove_leader(actor=request.user, member=member)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("%(user)s no longer leads the team.") % {"user": member.user}
        )
    return redirect("console:volunteer_team_edit", pk=member.team_id)


@admin_required
@require_POST
def team_deactivate(request, pk):
    team = get_object_or_404(Team, pk=pk)
    try:
        services.team_deactivate(actor=request.user, team=team)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("%(team)s is deactivated.") % {"team": team.name})
    return redirect("console:volunteer_teams")


# The rewards catalogue


class RewardListView(AdminRequiredMixin, ListView):
    template_name = "console/volunteering/reward_list.html"
    context_object_name = "rewards"
    paginate_by = 50
    queryset = Reward.objects.select_related("organization", "pickup_venue").order_by(
        "-active", "organization__name", "name"
    )

    def get_context_data(self, **kwargs):
        return super().get_context_data(stock_form=StockForm(), **kwargs)


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def reward_edit(request, pk=None):
    reward = get_object_or_404(Reward, pk=pk) if pk else Reward()
    form = RewardForm(request.POST or None, request.FILES or None, instance=reward)
    if request.method == "POST" and form.is_valid():
        try:
            reward = services.reward_save(
                actor=request.user,
                reward=form.save(commit=False),
                photo=form.cleaned_data["photo"],
                created=pk is None,
            )
        except Refused as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("Saved: %(reward)s.") % {"reward": reward})
            return redirect("console:volunteer_rewards")
    return render(
        request,
        "console/volunteering/reward_form.html",
        {"form": form, "reward": reward},
    )


@admin_required
@require_POST
def reward_stock(request, pk):
    reward = get_object_or_404(Reward, pk=pk)
    form = StockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a change of stock and a reason."))
        return redirect("console:volunteer_rewards")
    try:
        reward = services.reward_adjust_stock(
            actor=request.user,
            reward=reward,
            change=form.cleaned_data["change"],
            reason=form.cleaned_data["reason"],
        )
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(reward)s: %(stock)s in stock.")
            % {"reward": reward, "stock": reward.stock},
        )
    return redirect("console:volunteer_rewards")


@admin_required
@require_POST
def reward_deactivate(request, pk):
    reward = get_object_or_404(Reward, pk=pk)
    try:
        services.reward_deactivate(actor=request.user, reward=reward)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("%(reward)s is off the catalogue.") % {"reward": reward}
        )
    return redirect("console:volunteer_rewards")
