"""The system-admin end: every activity, the series, and whom each series reaches."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from activities import reports, services
from activities.forms import SeriesForm
from activities.models import Activity, Series, SignUp
from feedback.periods import month_start, previous_month
from qunxian.roles import AdminRequiredMixin

State = SignUp.State


class ActivityListView(AdminRequiredMixin, ListView):
    template_name = "console/activities/activity_list.html"
    context_object_name = "activities"
    paginate_by = 50

    def get_queryset(self):
        return (
            Activity.objects.select_related("venue", "series")
            .annotate(
                waiting=Count("signups", filter=Q(signups__state=State.WAITLISTED)),
                attended=Count("signups", filter=Q(signups__state=State.ATTENDED)),
            )
            .order_by("-starts_at", "-id")
        )


class SeriesListView(AdminRequiredMixin, FormView):
    """The brands activities belong to; add one with the form below the list."""

    template_name = "console/activities/series_list.html"
    form_class = SeriesForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            series_list=Series.objects.select_related("organization").annotate(
                activity_count=Count("activities")
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.series_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The series is added."))
        return redirect("console:activity_series")


REACH_MONTHS = 6


class ReachReportView(AdminRequiredMixin, TemplateView):
    """Whom each series reaches: over all time, and month by month as
    `compute_reach` stored it."""

    template_name = "console/activities/reach_report.html"

    def get_context_data(self, **kwargs):
        this_month = month_start(timezone.localdate())
        since = this_month
        for _month in range(REACH_MONTHS - 1):
            since = previous_month(since)
        return super().get_context_data(
            age_bands=[label for _key, label in reports.AGE_BANDS],
            genders=[label for _key, label in reports.GENDERS],
            by_age=reports.reach_table("age"),
            by_gender=reports.reach_table("gender"),
            age_by_month=reports.reach_by_month("age", since),
            gender_by_month=reports.reach_by_month("gender", since),
            this_month=this_month,
            months=REACH_MONTHS,
            min_group=reports.MIN_GROUP,
            **kwargs,
        )
