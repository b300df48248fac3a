"""Feedback (appeals) for a spreadsheet, by the day it was submitted: a
manager's venues', an organisation admin's venues', or for an admin all of it,
the district's own included.

No phone numbers: the pages do not show the submitter's either; the handling
is answered through the portal.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback.models import Appeal
from feedback.permissions import managed_appeals
from qunxian.exports import ExportView, Table
from qunxian.roles import ConsoleRequiredMixin, ManagerRequiredMixin, is_system_admin
from venues.permissions import console_venues


class AppealExportView(ExportView):
    title = gettext_lazy("Download feedback")
    help_text = gettext_lazy(
        "Every item of feedback submitted on the chosen days, whatever its state."
    )
    filename = "feedback"

    def scope(self):
        raise NotImplementedError

    def table(self, form) -> Table:
        since, until = form.moments()
        appeals = (
            self.scope()
            .filter(created_at__gte=since, created_at__lt=until)
            .select_related("venue", "user")
            .order_by("created_at", "id")
        )
        now = timezone.now()

        def rows():
            district = _("The district")
            for appeal in appeals.iterator(chunk_size=2000):
                yield [
                    appeal.pk,
                    appeal.get_kind_display(),
                    appeal.venue.name if appeal.venue else district,
                    appeal.get_state_display(),
                    appeal.is_overdue(now),
                    appeal.created_at,
                    str(appeal.user),
                    appeal.text,
                    appeal.accept_due,
                    appeal.resolve_due,
                    appeal.accepted_at,
                    appeal.resolved_at,
                    appeal.closed_at,
                    appeal.reply,
                    appeal.close_reason,
                    appeal.satisfied,
                    appeal.flagged,
                ]

        return Table(
            title=_("Feedback"),
            headers=[
                _("No."),
                _("Kind"),
                _("Addressed to"),
                _("State"),
                _("Overdue"),
                _("Submitted"),
                _("Submitted by"),
                _("What happened"),
                _("Accept by"),
                _("Resolve by"),
                _("Accepted"),
                _("Resolved"),
                _("Closed"),
                _("Reply"),
                _("Reason for closing"),
                _("Satisfied"),
                _("Flagged"),
            ],
            rows=rows(),
        )


class ManagerAppealExportView(ManagerRequiredMixin, AppealExportView):
    back_url = "manage:appeal_list"
    back_label = gettext_lazy("Feedback to my venues")

    def scope(self):
        return managed_appeals(self.request.user)


class ConsoleAppealExportView(ConsoleRequiredMixin, AppealExportView):
    layout = "layouts/console.html"
    back_url = "console:appeal_list"
    back_label = gettext_lazy("Feedback the district handles")

    def scope(self):
        if is_system_admin(self.request.user):
            return Appeal.objects.all()
        return Appeal.objects.filter(venue__in=console_venues(self.request.user))
