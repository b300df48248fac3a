import csv

from django import forms
from django.contrib import messages
from django.db.models import Avg
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import FormView, TemplateView

from feedback.charts import trend_chart
from feedback.filters import IndexRankingFilter
from feedback.forms import IndexWeightsForm
from feedback.indexes import (
    INDEXES_VERSION,
    compute_indexes,
    period_has_ended,
    weak_points,
)
from feedback.models import IndexSnapshot, IndexWeights, OrganizationIndexSnapshot
from feedback.periods import (
    last_complete_month,
    period_window,
    previous_month,
)
from feedback.permissions import console_snapshots
from feedback.services import WEIGHT_FIELDS, index_weights_change
from qunxian.caching import cache_shared_page
from qunxian.forms import BoundedDateField, add_service_error
from qunxian.pagination import page_number, page_of, pager
from qunxian.roles import (
    AdminRequiredMixin,
    ConsoleRequiredMixin,
    ManagerRequiredMixin,
    admin_required,
    console_required,
    is_system_admin,
)
from qunxian.workflow import Refused
from venues.cache import DIRECTORY_VERSION
from venues.permissions import console_organizations, managed_venues

TREND_MONTHS = 12
RANKING_PAGE = 25
HANDLING_MONTHS = 6
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
    """The month asked for, or the newest final one; and the computed months.

    A provisional month (one computed before it ended) is shown only when
    asked for by name: the default is always a month that is over.
    """
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise Http404(_("No such month."))
    periods = list(IndexSnapshot.objects.periods()[: TREND_MONTHS * 3])
    final = [period for period, provisional in periods if not provisional]
    period = form.cleaned_data["period"] or (final[0] if final else None)
    if period is not None and period not in dict(periods):
        raise Http404(_("The indexes of this month have not been computed."))
    return period, periods


def venue_snapshots(request):
    """The venues' snapshots this console sees: every page here starts from it."""
    return console_snapshots(request.user)


def organization_snapshots(request):
    """The organisations' snapshots this console sees."""
    return OrganizationIndexSnapshot.objects.filter(
        organization__in=console_organizations(request.user)
    )


def ranking_queryset(request, period):
    """The venues' snapshots of `period` that this admin's ranking shows."""
    return venue_snapshots(request).ranking(period)


def league_queryset(request, period):
    """The organisations' snapshots of `period` that this admin's league shows."""
    return (
        organization_snapshots(request)
        .filter(period=period)
        .select_related("organization")
        .order_by("-composite", "organization__name")
    )


def weights_shown(weights: IndexWeights) -> list[tuple[str, float]]:
    """Each part's label and its share of the composite, 0–1."""
    total = sum(weights.parts.values()) or 1
    return [(WEIGHT_LABELS[name], w / total) for name, w in weights.parts.items()]


def ranking_scope(request) -> tuple[str, str]:
    """What a ranking page shows besides the indexes and the directory: whose
    organisations, and (for the compute buttons) which month ended last."""
    user = request.user
    if is_system_admin(user):
        organizations = "all"
    else:
        pks = console_organizations(user).order_by("pk").values_list("pk", flat=True)
        organizations = ".".join(str(pk) for pk in pks)
    return organizations, f"{last_complete_month():%Y-%m}"


# The same for every console that sees the same organisations, until the next
# computation or a change to the venues: kept whole (the filters' choices too).
ranking_page = cache_shared_page(
    version_keys=(INDEXES_VERSION, DIRECTORY_VERSION), scope=ranking_scope
)


class ConsoleIndexView(ConsoleRequiredMixin, TemplateView):
    """服务先锋指数: the ranking, each part, the change, the league of the
    organisations, the district's trend, and how it is all made."""

    template_name = "console/indexes/ranking.html"

    def get_context_data(self, **kwargs):
        period, periods = chosen_period(self.request)
        filterset = IndexRankingFilter(
            self.request.GET,
            queryset=IndexSnapshot.objects.none(),
            request=self.request,
        )
        ranking, league, has_next = [], [], False
        page = page_number(self.request)
        if period and filterset.is_valid():
            filterset.queryset = ranking_queryset(self.request, period)
            ranking, has_next = page_of(filterset.qs, page, RANKING_PAGE)
            league = list(league_queryset(self.request, period))
        for snapshot in ranking:
            if snapshot.previous_composite is not None:
                snapshot.change = snapshot.composite - snapshot.previous_composite
        trend = (
            venue_snapshots(self.request)
            .filter(provisional=False)
            .values("period")
            .annotate(average=Avg("composite"))
            .order_by("-period")[:TREND_MONTHS]
        )
        series = [(f"{row['period']:%Y-%m}", row["average"]) for row in reversed(trend)]
        # Every snapshot of a month was computed together, with one version.
        first = (
            venue_snapshots(self.request)
            .filter(period=period)
            .select_related("weights")
            .first()
            if period
            else None
        )
        last_complete = last_complete_month()
        return super().get_context_data(
            period=period,
            provisional=dict(periods).get(period, False),
            periods=periods,
            filter=filterset,
            ranking=ranking,
            first_rank=(page - 1) * RANKING_PAGE,
            **pager(self.request, page, has_next),
            league=league,
            about=first,
            weights=weights_shown(first.weights) if first else [],
            chart=trend_chart(series) if series else None,
            last_complete=last_complete,
            last_complete_missing=last_complete not in dict(periods),
            can_recompute=period is not None
            and period_has_ended(period)
            and is_system_admin(self.request.user),
            **kwargs,
        )


class ConsoleHandlingView(ConsoleRequiredMixin, TemplateView):
    """Feedback handling over time: per organisation, or per venue of one."""

    template_name = "console/indexes/handling.html"

    def get_context_data(self, **kwargs):
        filterset = IndexRankingFilter(
            self.request.GET,
            queryset=IndexSnapshot.objects.none(),
            request=self.request,
        )
        since = last_complete_month()
        for _month in range(HANDLING_MONTHS - 1):
            since = previous_month(since)
        groups = []
        if filterset.is_valid():
            data = filterset.form.cleaned_data
            if any(data.values()):
                snapshots = (
                    filterset.filter_queryset(
                        venue_snapshots(self.request).filter(period__gte=since)
                    )
                    .select_related("venue")
                    .order_by("venue__name", "venue", "-period")
                )
                groups = grouped(snapshots, lambda s: s.venue)
            else:
                snapshots = (
                    organization_snapshots(self.request)
                    .filter(period__gte=since)
                    .select_related("organization")
                    .order_by("organization__name", "organization", "-period")
                )
                groups = grouped(snapshots, lambda s: s.organization)
        return super().get_context_data(
            filter=filterset, groups=groups, months=HANDLING_MONTHS, **kwargs
        )


def grouped(snapshots, key) -> list[tuple]:
    groups = {}
    for snapshot in snapshots:
        groups.setdefault(key(snapshot), []).append(snapshot)
    return list(groups.items())


class ConsoleIndexWeightsView(AdminRequiredMixin, FormView):
    """The weights and the prior: each change is a new version, audited."""

    template_name = "console/indexes/weights.html"
    form_class = IndexWeightsForm

    def get_initial(self):
        current = IndexWeights.objects.current()
        return {name: getattr(current, name) for name in WEIGHT_FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            versions=IndexWeights.objects.select_related("created_by")[:TREND_MONTHS],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            weights = index_weights_change(
                actor=self.request.user, values=form.cleaned_data
            )
        except Refused as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Version %(version)d of the weights is saved; it applies from the "
                "next computation."
            )
            % {"version": weights.version},
        )
        return redirect("console:indexes_weights")


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
    try:
        count = compute_indexes(period)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("console:indexes")
    messages.success(
        request,
        _("The indexes of %(month)s were computed for %(count)d venues.")
        % {"month": f"{period:%Y-%m}", "count": count},
    )
    return redirect(f"{reverse('console:indexes')}?period={period:%Y-%m}")


def optional(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


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
            _("Good-review score"),
            _("Feedback handling"),
            _("Feedback items"),
            _("Closed without resolution"),
            _("Handling score"),
            _("Accepted in time"),
            _("Median hours to accept"),
            _("Median hours to resolve"),
            _("Service pioneer index"),
            _("Change from last month"),
        ]
    )
    filterset = IndexRankingFilter(
        request.GET, queryset=ranking_queryset(request, period), request=request
    )
    if not filterset.is_valid():
        raise Http404(_("No such organisation, category or town."))
    for rank, s in enumerate(filterset.qs, start=1):
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
                optional(s.good_review_rate),
                s.review_count,
                optional(s.good_review_score),
                optional(s.handling_rate),
                s.appeal_count,
                s.appeals_closed,
                optional(s.handling_score),
                optional(s.accepted_in_time_rate),
                optional(s.median_accept_hours),
                optional(s.median_resolve_hours),
                f"{s.composite:.1f}",
                "" if change is None else f"{change:+.1f}",
            ]
        )
    return response


class ManageIndexView(ManagerRequiredMixin, TemplateView):
    """定期反馈: each of my venues' breakdown, its trend, its handling month by
    month and what pulled it down. Provisional months are left out."""

    template_name = "manage/indexes/breakdown.html"

    def get_context_data(self, **kwargs):
        venues = list(managed_venues(self.request.user).order_by("name"))
        snapshots = (
            IndexSnapshot.objects.filter(venue__in=venues, provisional=False)
            .select_related("weights")
            .order_by("venue", "-period")
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
                    "weights": weights_shown(latest.weights) if latest else [],
                    "handling": by_venue[venue.pk][:HANDLING_MONTHS],
                    "weak_points": weak_points(latest) if latest else [],
                    "chart": trend_chart(
                        [(f"{s.period:%Y-%m}", s.composite) for s in history]
                    )
                    if len(history) > 1
                    else None,
                }
            )
        return super().get_context_data(reports=reports, **kwargs)
