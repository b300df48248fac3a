"""The console's membership figures, as a page and as CSV."""

from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from membership import figures
from qunxian.exports import Table, csv_response
from qunxian.roles import AdminRequiredMixin, admin_required


class FiguresView(AdminRequiredMixin, TemplateView):
    template_name = "console/membership/figures.html"

    def get_context_data(self, **kwargs):
        by_occupation, total = figures.members_by("occupation")
        by_town, _total = figures.members_by("town")
        return super().get_context_data(
            months=figures.monthly(),
            by_occupation=by_occupation,
            by_town=by_town,
            total=total,
            min_group=figures.MIN_GROUP,
            **kwargs,
        )


@admin_required
@require_safe
def figures_csv(request):
    """Both tables in one file: a section column says which."""

    def rows():
        for row in figures.monthly(months=36):
            yield [
                _("By month"),
                row.union,
                f"{row.month:%Y-%m}",
                row.applications,
                row.approvals,
                row.median_days,
            ]
        for section, column in (
            (_("Members by occupation"), "occupation"),
            (_("Members by street or town"), "town"),
        ):
            groups, _total = figures.members_by(column)
            for group in groups:
                yield [section, group.label, "", group.shown, "", ""]

    table = Table(
        title=_("Membership figures"),
        headers=[
            _("Table"),
            _("Union or group"),
            _("Month"),
            _("Applications or members"),
            _("Approvals"),
            _("Median days to approve"),
        ],
        rows=rows(),
    )
    return csv_response(table, "membership-figures")
