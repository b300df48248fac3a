"""Sign-ups for a spreadsheet, by the day of their activity: a manager's hosted
activities, or for the console its venues' activities.

The mobile number is in full: the manager calls people about the activity.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.permissions import console_signups, managed_signups
from qunxian.exports import ExportView, Table
from qunxian.roles import ConsoleRequiredMixin, ManagerRequiredMixin


class SignUpExportView(ExportView):
    title = gettext_lazy("Download activity sign-ups")
    help_text = gettext_lazy(
        "Every sign-up to the activities that start on the chosen days, "
        "cancelled ones included."
    )
    filename = "activity-signups"

    def scope(self):
        raise NotImplementedError

    def table(self, form) -> Table:
        since, until = form.moments()
        signups = (
            self.scope()
            .filter(activity__starts_at__gte=since, activity__starts_at__lt=until)
            .select_related("activity__venue", "user")
            .order_by("activity__starts_at", "activity_id", "created_at", "id")
        )

        def rows():
            for signup in signups.iterator(chunk_size=2000):
                activity = signup.activity
                yield [
                    activity.title,
                    activity.venue.name,
                    activity.starts_at,
                    str(signup.user),
                    signup.user.phone,
                    signup.get_state_display(),
                    signup.created_at,
                    signup.checked_in_at,
                ]

        return Table(
            title=_("Sign-ups"),
            headers=[
                _("Activity"),
                _("Host venue"),
                _("Starts"),
                _("Name"),
                _("Mobile number"),
                _("State"),
                _("Signed up"),
                _("Checked in"),
            ],
            rows=rows(),
        )


class ManagerSignUpExportView(ManagerRequiredMixin, SignUpExportView):
    back_url = "manage:activity_list"
    back_label = gettext_lazy("Activities")

    def scope(self):
        return managed_signups(self.request.user)


class ConsoleSignUpExportView(ConsoleRequiredMixin, SignUpExportView):
    layout = "layouts/console.html"
    back_url = "console:activity_list"
    back_label = gettext_lazy("Activities")

    def scope(self):
        return console_signups(self.request.user)
