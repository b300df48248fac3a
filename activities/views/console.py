"""The console: its venues' activities, its series, and whom each series reaches."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from activities import reports, services
from activities.forms import SeriesForm
from activities.models import SignUp
from activities.permissions import console_activities, console_series, console_signups
from feedback.periods import month_start, previous_month
from qunxian.roles import ConsoleRequiredMixin, is_system_admin
from venues.permissions import console_organizations

State = SignUp.State


class ActivityListView(ConsoleRequiredMixin, ListView):
    template_name = "console/activities/activity_list.html"
    context_object_name = "activities"
    paginate_by = 50

    def get_queryset(self):
        return (
            console_activities(self.request.user)
            .select_related("venue", "series")
            .annotate(
                waiting=Count("signups", filter=Q(signups__state=State.WAITLISTED)),
                attended=Count("signups", filter=Q(signups__state=State.ATTENDED)),
            )
            .order_by("-starts_at", "-id")
        )


class SeriesListView(ConsoleRequiredMixin, FormView):
    """The brands activities belong to; add one with the form below the list."""

    template_name = "console/activities/series_list.html"
    form_class = SeriesForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            series_list=console_series(self.request.user)
            .select_related("organization")
            .annotate(activity_count=Count("activities")),
            **kwargs,
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organizations": console_organizations(self.request.user),
        }

    def form_valid(self, form):
        try:
            services.series_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The series is added."))
        return redirect("console:activity_series")


REACH_MONTHS = 6


class ReachReportView(ConsoleRequiredMixin, TemplateView):
    """Whom each of the console's series reaches: over all time, and month by
    month as `compute_reach` stored it."""

    template_name = "console/activities/reach_report.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        signups = console_signups(user)
        # The district's tables include the activities of no series.
        series = None if is_system_admin(user) else console_series(user)
        this_month = month_start(timezone.localdate())
        since = this_month
        for _month in range(REACH_MONTHS - 1):
            since = previous_month(since)
        return super().get_context_data(
            age_bands=[label for _key, label in reports.AGE_BANDS],
            genders=[label for _key, label in reports.GENDERS],
            by_age=reports.reach_table("age", signups),
            by_gender=reports.reach_table("gender", signups),
            age_by_month=reports.reach_by_month("age", since, series),
            gender_by_month=reports.reach_by_month("gender", since, series),
            this_month=this_month,
            months=REACH_MONTHS,
            min_group=reports.MIN_GROUP,
            **kwargs,
        )
