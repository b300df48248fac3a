"""The venue-manager end: the activities my venues host, their sign-ups, the door.

Every query starts from `managed_activities(user)` / `managed_signups(user)`, so
another venue's activity or sign-up is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, FormView, ListView, UpdateView

from activities import services
from activities.forms import ActivityForm, ReasonForm
from activities.models import Activity, SignUp
from activities.permissions import managed_activities, managed_signups
from bookings.forms import CheckInCodeForm
from bookings.services import check_in_opens
from qunxian.roles import ManagerRequiredMixin, manager_required
from qunxian.sorting import Column, Sorting
from qunxian.workflow import Refused
from venues.permissions import managed_venues

State = SignUp.State

ACTIVITY_COLUMNS = [
    Column(
        pgettext_lazy("an event people sign up for", "Activity"), "title", ("title",)
    ),
    Column(gettext_lazy("When"), "when", ("starts_at",), descending_first=True),
    Column(
        gettext_lazy("Seats taken"), "taken", ("seats_taken",), descending_first=True
    ),
    Column(gettext_lazy("Waiting"), "waiting", ("waiting",), descending_first=True),
    Column(gettext_lazy("Attended"), "attended", ("attended",), descending_first=True),
]


class ActivityListView(ManagerRequiredMixin, ListView):
    template_name = "manage/activities/activity_list.html"
    context_object_name = "activities"
    paginate_by = 30

    def get_queryset(self):
        waiting = Count("signups", filter=Q(signups__state=State.WAITLISTED))
        attended = Count("signups", filter=Q(signups__state=State.ATTENDED))
        return self.sorting.apply(
            managed_activities(self.request.user)
            .select_related("venue", "series")
            .annotate(waiting=waiting, attended=attended)
            .order_by("-starts_at", "-id")
        )

    @cached_property
    def sorting(self):
        return Sorting(self.request, ACTIVITY_COLUMNS)

    def get_context_data(self, **kwargs):
        return super().get_context_data(sorting=self.sorting, **kwargs)


class ActivityFormMixin:
    form_class = ActivityForm
    template_name = "manage/activities/activity_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "venues": managed_venues(self.request.user).order_by("name"),
        }

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        other_venues = data.pop("other_venues")
        try:
            self.object = self.save(data, other_venues)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.done_message)
        return redirect("manage:activity_signups", self.object.pk)


class ActivityCreateView(ManagerRequiredMixin, ActivityFormMixin, CreateView):
    def get_initial(self):
        return {"seats": 20}

    @property
    def done_message(self):
        return _("The activity is published.")

    def save(self, data, other_venues):
        return services.activity_create(
            actor=self.request.user, other_venues=other_venues, **data
        )


class ActivityEditView(ManagerRequiredMixin, ActivityFormMixin, UpdateView):
    context_object_name = "activity"

    def get_queryset(self):
        return managed_activities(self.request.user).filter(
            status=Activity.Status.PUBLISHED
        )

    @property
    def done_message(self):
        return _("The activity is saved.")

    def save(self, data, other_venues):
        # The form wrote its values onto self.object; the service reads a fresh row.
        return services.activity_update(
            activity=Activity.objects.get(pk=self.object.pk),
            actor=self.request.user,
            other_venues=other_venues,
            **data,
        )


@manager_required
@require_POST
def cancel(request, pk):
    activity = get_object_or_404(managed_activities(request.user), pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.activity_cancel(activity=activity, actor=request.user, reason=reason)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("The activity is cancelled; everyone signed up was told.")
        )
    return redirect("manage:activity_signups", activity.pk)


class SignUpListView(ManagerRequiredMixin, ListView):
    """One activity's sign-ups: who is coming, who waits, who came."""

    template_name = "manage/activities/signup_list.html"
    context_object_name = "signups"

    def get_queryset(self):
        self.activity = get_object_or_404(
            managed_activities(self.request.user).select_related("venue", "series"),
            pk=self.kwargs["pk"],
        )
        return (
            SignUp.objects.filter(activity=self.activity)
            .exclude(state=State.CANCELLED)
            .select_related("user")
            .order_by("created_at", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(activity=self.activity, **kwargs)
        signups = context["signups"]
        context["seated"] = [s for s in signups if s.state in SignUp.HOLDING]
        context["waiting"] = [s for s in signups if s.state == State.WAITLISTED]
        now = timezone.now()
        context["door_open"] = (
            self.activity.status == Activity.Status.PUBLISHED
            and self.activity.starts_at - check_in_opens()
            <= now
            < self.activity.ends_at
        )
        context["can_edit"] = self.activity.status == Activity.Status.PUBLISHED
        context["check_in_minutes"] = settings.CHECK_IN_OPENS_MINUTES
        return context


@manager_required
@require_POST
def check_in(request, pk):
    signup = get_object_or_404(
        managed_signups(request.user).select_related("activity__venue", "user"), pk=pk
    )
    try:
        services.signup_check_in(signup=signup, actor=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Checked in: %(person)s.") % {"person": signup.user}
        )
    return redirect("manage:activity_signups", signup.activity_id)


class CheckInByCodeView(ManagerRequiredMixin, FormView):
    """Scan or type the code from the person's phone: find it (GET), check in (POST)."""

    template_name = "manage/activities/check_in.html"
    form_class = CheckInCodeForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and "code" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        signup = self._find(form) if form.is_bound else None
        return self.render_to_response(self.get_context_data(form=form, signup=signup))

    def _find(self, form) -> SignUp | None:
        if not form.is_valid():
            return None
        signup = (
            managed_signups(self.request.user)
            .select_related("activity__venue", "user")
            .filter(check_in_code=form.cleaned_data["code"])
            .first()
        )
        if signup is None:
            form.add_error("code", _("No such sign-up at your venues' activities."))
        return signup

    def form_valid(self, form):
        signup = self._find(form)
        if signup is None:
            return self.form_invalid(form)
        try:
            services.signup_check_in(signup=signup, actor=self.request.user)
        except Refused as refused:
            messages.error(self.request, refused.message)
            return redirect(
                f"{reverse('manage:activity_check_in_code')}?code={signup.check_in_code}"
            )
        messages.success(
            self.request,
            _("Checked in: %(person)s at %(activity)s.")
            % {"person": signup.user, "activity": signup.activity.title},
        )
        return redirect("manage:activity_check_in_code")
