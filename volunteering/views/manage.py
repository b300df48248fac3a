"""The venue-manager end: help requests at my venues, their posters, and the
rewards picked up at my venues. Every query starts from my venues."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.generic import DetailView, ListView

from activities.models import Activity
from qunxian.http import redirect_back
from qunxian.qr import check_in_qr_code
from qunxian.roles import ManagerRequiredMixin, manager_required
from qunxian.workflow import Refused
from venues.permissions import managed_venues
from volunteering import services
from volunteering.forms import (
    CloseForm,
    PickUpForm,
    ReplyForm,
    TeamActivityForm,
    ToOrderForm,
)
from volunteering.models import HelpRequest, Redemption, TeamActivity
from volunteering.permissions import managed_help_requests


class HelpRequestListView(ManagerRequiredMixin, ListView):
    template_name = "manage/volunteering/help_request_list.html"
    context_object_name = "help_requests"
    paginate_by = 50

    def get_queryset(self):
        return managed_help_requests(self.request.user).select_related("venue", "user")


class HelpRequestDetailView(ManagerRequiredMixin, DetailView):
    template_name = "manage/volunteering/help_request_detail.html"
    context_object_name = "help_request"

    def get_queryset(self):
        return (
            managed_help_requests(self.request.user)
            .select_related("venue", "user")
            .prefetch_related("events__actor")
        )

    def get_context_data(self, **kwargs):
        help_request = self.object
        State = HelpRequest.State
        return super().get_context_data(
            can_accept=help_request.state == State.SUBMITTED,
            can_handle=help_request.state == State.ACCEPTED,
            can_close=help_request.state in HelpRequest.OPEN,
            can_order=help_request.state in HelpRequest.OPEN
            and not hasattr(help_request, "service_order"),
            reply_form=ReplyForm(),
            close_form=CloseForm(),
            order_form=ToOrderForm(),
            **kwargs,
        )


def _help_step(request, pk, act, done: str):
    help_request = get_object_or_404(managed_help_requests(request.user), pk=pk)
    try:
        act(help_request)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect_back(
        request, reverse("manage:help_request_detail", args=[help_request.pk])
    )


def _valid(form):
    if not form.is_valid():
        raise Refused(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            code="invalid",
        )
    return form.cleaned_data


@manager_required
@require_POST
def help_request_accept(request, pk):
    return _help_step(
        request,
        pk,
        lambda hr: services.help_request_accept(help_request=hr, actor=request.user),
        _("Accepted: the reporter was told."),
    )


@manager_required
@require_POST
def help_request_handle(request, pk):
    def act(hr):
        data = _valid(ReplyForm(request.POST))
        services.help_request_handle(
            help_request=hr, actor=request.user, reply=data["reply"]
        )

    return _help_step(request, pk, act, _("Handled: the reporter was sent your reply."))


@manager_required
@require_POST
def help_request_close(request, pk):
    def act(hr):
        data = _valid(CloseForm(request.POST))
        services.help_request_close(
            help_request=hr, actor=request.user, reason=data["reason"]
        )

    return _help_step(request, pk, act, _("Closed: the reporter was told the reason."))


@manager_required
@require_POST
def help_request_to_order(request, pk):
    def act(hr):
        data = _valid(ToOrderForm(request.POST))
        services.help_request_to_order(
            help_request=hr,
            actor=request.user,
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )

    return _help_step(
        request, pk, act, _("Ordered: the teams that offer it nearby are told.")
    )


@manager_required
@require_safe
def help_poster(request, pk):
    """A printable poster: the QR opens the report form for this venue."""
    venue = get_object_or_404(managed_venues(request.user), pk=pk)
    url = request.build_absolute_uri(reverse("volunteering:report", args=[venue.pk]))
    svg = check_in_qr_code(url).svg_inline(scale=8, omitsize=True, title=venue.name)
    return render(
        request,
        "manage/volunteering/help_poster.html",
        # segno writes plain SVG from the URL alone: nothing user-made.
        {"venue": venue, "url": url, "qr": mark_safe(svg)},  # noqa: S308
    )


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def pick_up(request):
    """Check a reward's pick-up code at one of my venues, and hand it over."""
    venues = managed_venues(request.user)
    form = PickUpForm(request.POST or None, venues=venues)
    if request.method == "POST" and form.is_valid():
        try:
            redemption = services.redemption_pick_up(
                venue=form.cleaned_data["venue"],
                code=form.cleaned_data["code"],
                actor=request.user,
            )
        except Refused as refused:
            form.add_error("code", refused)
        else:
            messages.success(
                request,
                _("Hand over: %(reward)s for %(user)s.")
                % {"reward": redemption.reward.name, "user": redemption.user},
            )
            return redirect("manage:reward_pick_up")
    waiting = Redemption.objects.filter(
        state=Redemption.State.RESERVED, reward__pickup_venue__in=venues
    ).select_related("reward", "user")[:50]
    return render(
        request,
        "manage/volunteering/pick_up.html",
        {"form": form, "waiting": waiting},
    )


# Volunteer activities: my venues' activities, given to a team

RECENT_DAYS = 60


def _my_activities(user):
    return Activity.objects.hosted_by(managed_venues(user))


@manager_required
@require_safe
def team_activities(request):
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    activities = list(
        _my_activities(request.user)
        .filter(ends_at__gte=since, status=Activity.Status.PUBLISHED)
        .select_related("venue", "volunteer_team__team")
        .order_by("-starts_at")[:100]
    )
    teams = list(TeamActivityForm.base_fields["team"].queryset)
    for activity in activities:  # one form each, with ids of its own
        activity.team_form = TeamActivityForm(auto_id=f"id_{activity.pk}_%s")
        activity.team_form.fields["team"].choices = [("", "---------")] + [
            (team.pk, team.name) for team in teams
        ]
    return render(
        request,
        "manage/volunteering/team_activities.html",
        {"activities": activities, "now": timezone.now()},
    )


@manager_required
@require_POST
def team_activity_link(request, pk):
    activity = get_object_or_404(_my_activities(request.user), pk=pk)
    form = TeamActivityForm(request.POST)
    try:
        data = _valid(form)
        services.team_activity_link(
            team=data["team"], activity=activity, kind=data["kind"], actor=request.user
        )
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(activity)s is now a volunteer activity of %(team)s.")
            % {"activity": activity.title, "team": data["team"].name},
        )
    return redirect("manage:team_activities")


@manager_required
@require_POST
def team_activity_hours(request, pk):
    link = get_object_or_404(
        TeamActivity.objects.filter(
            activity__in=_my_activities(request.user)
        ).select_related("activity__venue", "team"),
        activity_id=pk,
    )
    try:
        count = services.team_activity_post_hours(link=link, actor=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            ngettext(
                "Hours posted for %(count)s volunteer who checked in.",
                "Hours posted for %(count)s volunteers who checked in.",
                count,
            )
            % {"count": count},
        )
    return redirect("manage:team_activities")
