"""The system-admin end: the district's help requests, the points table and
the figures."""

from django.contrib import messages
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
from volunteering.forms import DisputeForm, PointsAdjustForm, PointsTableForm
from volunteering.models import HelpRequest, PointsTable, ServiceOrder


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
