"""The user end: upcoming activities ("for you" first), one activity, my sign-ups."""

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, ListView

from activities.audience import must_declare, order_for_user, outside_audience
from activities.filters import ActivityFilter
from activities.forms import SignUpForm
from activities.models import Activity, SignUp
from activities.permissions import own_signups
from activities.services import signup_cancel, signup_create
from qunxian.qr import check_in_qr
from qunxian.workflow import Refused
from venues.models import Venue

State = SignUp.State


def visible_activities():
    return Activity.objects.filter(venue__status=Venue.Status.ACTIVE)


class ActivityListView(ListView):
    template_name = "activities/activity_list.html"
    context_object_name = "activities"
    paginate_by = 20

    def get_queryset(self):
        upcoming = (
            visible_activities()
            .published()
            .upcoming()
            .select_related("venue", "series")
        )
        self.filterset = ActivityFilter(self.request.GET, queryset=upcoming)
        chosen = self.filterset.qs if self.filterset.is_valid() else upcoming.none()
        ordered, self.tailored = order_for_user(chosen, self.request.user)
        return ordered

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter=self.filterset,
            tailored=self.tailored,
            query=query.urlencode(),
            **kwargs,
        )


class ActivityDetailView(DetailView):
    template_name = "activities/activity_detail.html"
    context_object_name = "activity"

    def get_queryset(self):
        return visible_activities().select_related("venue", "series")

    def get_context_data(self, **kwargs):
        activity = self.object
        mine = None
        position = None
        if self.request.user.is_authenticated:
            mine = (
                own_signups(self.request.user)
                .active()
                .filter(activity=activity)
                .first()
            )
            if mine and mine.state == State.WAITLISTED:
                ahead_or_me = Q(created_at__lt=mine.created_at) | Q(
                    created_at=mine.created_at, id__lte=mine.id
                )
                position = (
                    SignUp.objects.filter(activity=activity)
                    .waiting_in_order()
                    .filter(ahead_or_me)
                    .count()
                )
        now = timezone.now()
        open_for_signup = (
            activity.status == Activity.Status.PUBLISHED and activity.starts_at > now
        )
        return super().get_context_data(
            signup=mine,
            qr_svg=check_in_qr(mine.check_in_code)
            if mine and mine.state == State.CONFIRMED
            else "",
            waitlist_position=position,
            waiting_count=activity.signups.filter(state=State.WAITLISTED).count(),
            other_venues=list(activity.other_venues.all()),
            can_sign_up=open_for_signup and mine is None,
            outside_audience=outside_audience(activity, self.request.user),
            signup_form=SignUpForm(activity=activity)
            if must_declare(activity, self.request.user)
            else None,
            can_cancel=open_for_signup
            and mine is not None
            and mine.state in (State.CONFIRMED, State.WAITLISTED),
            **kwargs,
        )


@require_POST
@login_required
def sign_up(request, pk):
    activity = get_object_or_404(visible_activities(), pk=pk)
    form = SignUpForm(request.POST)
    declared = form.is_valid() and form.cleaned_data["in_audience"]
    try:
        signup = signup_create(
            activity=activity, user=request.user, declared_in_audience=declared
        )
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        if signup.state == State.CONFIRMED:
            messages.success(request, _("You are signed up. See you there!"))
        else:
            messages.warning(
                request,
                _(
                    "All seats are taken, so you are on the waiting list. You will "
                    "get a message if a seat frees up."
                ),
            )
    return redirect(activity)


@require_POST
@login_required
def cancel(request, pk):
    activity = get_object_or_404(visible_activities(), pk=pk)
    signup = get_object_or_404(
        own_signups(request.user).filter(state__in=(State.CONFIRMED, State.WAITLISTED)),
        activity=activity,
    )
    try:
        signup_cancel(signup=signup, actor=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your sign-up was cancelled."))
    return redirect(activity)


@login_required
@require_safe
def calendar_file(request, pk):
    """My confirmed place at an activity as an iCalendar event (Asia/Shanghai)."""
    signup = get_object_or_404(
        own_signups(request.user)
        .filter(
            state__in=(State.CONFIRMED, State.ATTENDED),
            activity__status=Activity.Status.PUBLISHED,
        )
        .select_related("activity__venue"),
        activity_id=pk,
    )
    activity = signup.activity
    venue = activity.venue
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Qunxian//qunxian//ZH")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"signup-{signup.pk}@qunxian")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(activity.starts_at))
    event.add("dtend", timezone.localtime(activity.ends_at))
    event.add("summary", activity.title)
    event.add("location", f"{venue.name} · {activity.place}, {venue.address}")
    event.add("geo", (venue.lat, venue.lng))
    event.add("url", request.build_absolute_uri(activity.get_absolute_url()))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    response = HttpResponse(
        calendar.to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="activity-{activity.pk}.ics"'
    )
    return response


class MySignUpsView(LoginRequiredMixin, ListView):
    template_name = "activities/my_signups.html"
    context_object_name = "signups"

    def get_queryset(self):
        return (
            own_signups(self.request.user)
            .exclude(state=State.CANCELLED)
            .select_related("activity__venue")
            .order_by("-activity__starts_at", "-id")[:100]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        signups = context["signups"]
        context["upcoming"] = sorted(
            (s for s in signups if s.activity.ends_at > now),
            key=lambda s: s.activity.starts_at,
        )
        context["past"] = [s for s in signups if s.activity.ends_at <= now]
        return context
