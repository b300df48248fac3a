import csv

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Avg
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import TemplateView

from feedback.charts import trend_chart
from feedback.indexes import compute_indexes, weak_points
from feedback.models import IndexSnapshot
from feedback.periods import last_complete_month, period_window
from feedback.permissions import console_snapshots
from qunxian.forms import BoundedDateField
from qunxian.roles import (
    ConsoleRequiredMixin,
    ManagerRequiredMixin,
    admin_required,
    console_required,
)
from venues.permissions import managed_venues

TREND_MONTHS = 12
WEIGHT_LABELS = {
    "activity": gettext_lazy("Activity"),
    "good_review": gettext_lazy("Good-review rate"),
    "handling": gettext_lazy("Feedback handling"),
}


class PeriodForm(forms.Form):
    period = BoundedDateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        required=False,
        window=period_window,
        bounds_format="%Y-%m",
        error_messages={
            "out_of_window": gettext_lazy(
                "Pick a month between %(first)s and %(last)s."
            )
        },
    )


def chosen_period(request):
    """The month asked for, or the newest computed one; None before any."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise Http404(_("No such month."))
    periods = list(IndexSnapshot.objects.periods()[: TREND_MONTHS * 3])
    period = form.cleaned_data["period"] or (periods[0] if periods else None)
    if period is not None and period not in periods:
        raise Http404(_("The indexes of this month have not been computed."))
    return period, periods


class ConsoleIndexView(ConsoleRequiredMixin, TemplateView):
    """服务先锋指数: the ranking, each part, the change, the district's trend."""

    template_name = "console/indexes/ranking.html"

    def get_context_data(self, **kwargs):
        period, periods = chosen_period(self.request)
        snapshots = console_snapshots(self.request.user)
        ranking = list(snapshots.ranking(period)) if period else []
        for snapshot in ranking:
            if snapshot.previous_composite is not None:
                snapshot.change = snapshot.composite - snapshot.previous_composite
        trend = (
            snapshots.values("period")
            .annotate(average=Avg("composite"))
            .order_by("-period")[:TREND_MONTHS]
        )
        series = [(f"{row['period']:%Y-%m}", row["average"]) for row in reversed(trend)]
        return super().get_context_data(
            period=period,
            periods=periods,
            ranking=ranking,
            chart=trend_chart(series) if series else None,
            weights=[
                (WEIGHT_LABELS[name], weight)
                for name, weight in settings.INDEX_WEIGHTS.items()
            ],
            activity_weights=settings.ACTIVITY_WEIGHTS,
            formula_version=settings.INDEX_FORMULA_VERSION,
            last_complete=last_complete_month(),
            **kwargs,
        )


@admin_required
@require_POST
def compute(request):
    """Recompute a month now (cron does the last complete month nightly)."""
    form = PeriodForm(request.POST)
    if not form.is_valid():
        for error in form.errors["period"]:
            messages.error(request, error)
        return redirect("console:indexes")
    period = form.cleaned_data["period"] or last_complete_month()
    count = compute_indexes(period)
    messages.success(
        request,
        _("The indexes of %(month)s were computed for %(count)d venues.")
        % {"month": f"{period:%Y-%m}", "count": count},
    )
    return redirect(f"{reverse('console:indexes')}?period={period:%Y-%m}")


@console_required
@require_safe
def ranking_csv(request):
    period, _periods = chosen_period(request)
    if period is None:
        raise Http404(_("No indexes have been computed yet."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="indexes-{period:%Y-%m}.csv"'
    )
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Rank"),
            _("Venue"),
            _("Organisation"),
            _("Activity"),
            _("Views"),
            _("Navigations"),
            _("Attended bookings"),
            _("Good-review rate"),
            _("Reviews"),
            _("Feedback handling"),
            _("Feedback items"),
            _("Closed without resolution"),
            _("Service pioneer index"),
            _("Change from last month"),
        ]
    )
    snapshots = console_snapshots(request.user).ranking(period)
    for rank, s in enumerate(snapshots, start=1):
        change = (
            None if s.previous_composite is None else s.composite - s.previous_composite
        )
        writer.writerow(
            [
                rank,
                s.venue.name,
                s.venue.organization.name,
                f"{s.activity:.1f}",
                s.views,
                s.navigations,
                s.attended,
                "" if s.good_review_rate is None else f"{s.good_review_rate:.1f}",
                s.review_count,
                "" if s.handling_rate is None else f"{s.handling_rate:.1f}",
                s.appeal_count,
                s.appeals_closed,
                f"{s.composite:.1f}",
                "" if change is None else f"{change:+.1f}",
            ]
        )
    return response


class ManageIndexView(ManagerRequiredMixin, TemplateView):
    """定期反馈: each of my venues' breakdown, its trend and what pulled it down."""

    template_name = "manage/indexes/breakdown.html"

    def get_context_data(self, **kwargs):
        venues = list(managed_venues(self.request.user).order_by("name"))
        snapshots = IndexSnapshot.objects.filter(venue__in=venues).order_by(
            "venue", "-period"
        )
        by_venue = {venue.pk: [] for venue in venues}
        for snapshot in snapshots:
            if len(by_venue[snapshot.venue_id]) < TREND_MONTHS:
                by_venue[snapshot.venue_id].append(snapshot)
        reports = []
        for venue in venues:
            history = list(reversed(by_venue[venue.pk]))
            latest = history[-1] if history else None
            reports.append(
                {
                    "venue": venue,
                    "latest": latest,
                    "weak_points": weak_points(latest) if latest else [],
                    "chart": trend_chart(
                        [(f"{s.period:%Y-%m}", s.composite) for s in history]
                    )
                    if len(history) > 1
                    else None,
                }
            )
        return super().get_context_data(
            reports=reports,
            weights=[
                (WEIGHT_LABELS[name], weight)
                for name, weight in settings.INDEX_WEIGHTS.items()
            ],
            **kwargs,
        )
