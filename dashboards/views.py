"""The front page of each end, gathered from what each app offers.

Every app that adds to a front page does so through one function of its own
`selectors.py` (`user_home_items()`, `manager_inbox_items(user)`,
`console_home_items()`), returning a dict; the page shows it under the app's
name (`bookings.count`, `feedback.appeals`). Only this app imports them all,
and only the root URLconf imports this app.
"""

from django.views.generic import TemplateView

from activities import selectors as activities
from bookings import selectors as bookings
from feedback import selectors as feedback
from notices import selectors as notices
from qunxian.roles import AdminRequiredMixin, ManagerRequiredMixin
from venues import selectors as venues
from volunteering import selectors as volunteering


class UserHomeView(TemplateView):
    """The user end's front door: district totals, the newest notices, the ways in."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            venues=venues.user_home_items(),
            bookings=bookings.user_home_items(),
            notices=notices.user_home_items(),
            **kwargs,
        )


class ManagerInboxView(ManagerRequiredMixin, TemplateView):
    """The manager's home (`manage:home`): what waits across all their venues."""

    template_name = "manage/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            bookings=bookings.manager_inbox_items(user),
            feedback=feedback.manager_inbox_items(user),
            activities=activities.manager_inbox_items(user),
            notices=notices.manager_inbox_items(user),
            venues=venues.manager_inbox_items(user),
            volunteering=volunteering.manager_inbox_items(user),
            **kwargs,
        )


class ConsoleHomeView(AdminRequiredMixin, TemplateView):
    """The console's home (`console:home`): the district at a glance."""

    template_name = "console/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(venues=venues.console_home_items(), **kwargs)
