"""The front page of each end, gathered from what each app offers.

Every app that adds to a front page does so through one function of its own
`selectors.py` (`user_home_items()`, `manager_inbox_items(user)`,
`console_home_items(user)`), returning a dict; the page shows it under the app's
name (`bookings.count`, `feedback.appeals`). Only this app imports them all,
and only the root URLconf imports this app.
"""

import time

from django.template.loader import render_to_string
from django.views.generic import TemplateView

from activities import selectors as activities
from bookings import selectors as bookings
from feedback import selectors as feedback
from membership import selectors as membership
from notices import selectors as notices
from notices.cache import NOTICES_VERSION
from qunxian.caching import cached_fragment, versioned_key
from qunxian.roles import ConsoleRequiredMixin, ManagerRequiredMixin
from venues import selectors as venues
from venues.cache import DIRECTORY_VERSION
from volunteering import selectors as volunteering

HOME_CACHE_SECONDS = 60


class UserHomeView(TemplateView):
    """The user end's front door: district totals, the newest notices, the ways in.

    The same for everyone: rendered once per version of the venues and the
    notices, and kept for HOME_CACHE_SECONDS (the totals may be that late);
    only the layout around it is the visitor's."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        key = versioned_key("home", (DIRECTORY_VERSION, NOTICES_VERSION), self.request)
        body = cached_fragment(key, self.render_shared, HOME_CACHE_SECONDS)
        return super().get_context_data(body=body, **kwargs)

    def render_shared(self) -> str:
        context = {
            "venues": venues.user_home_items(),
            "bookings": bookings.user_home_items(),
            "notices": notices.user_home_items(),
        }
        return render_to_string("partials/home_body.html", context, self.request)


# The inbox's sections by name; each app's INBOX_MODELS are what its part reads.
INBOX_SECTIONS = {
    "bookings": bookings,
    "feedback": feedback,
    "activities": activities,
    "notices": notices,
    "membership": membership,
    "venues": venues,
    "volunteering": volunteering,
}
#: A kept inbox is drawn again at least this often: what waits changes by the
#: clock too (an item falls overdue, an activity ends).
INBOX_CACHE_SECONDS = 60


def inbox_scope(request) -> tuple[int, int]:
    """Whose inbox, and in which minute: kept per manager, per process."""
    return request.user.pk, int(time.time() // INBOX_CACHE_SECONDS)


class ManagerInboxView(ManagerRequiredMixin, TemplateView):
    """The manager's home (`manage:home`): what waits across all their venues.

    The URLconf keeps it whole per manager (`inbox_scope`) until any row it
    lists changes (dashboards.cache) or the minute is over."""

    template_name = "manage/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        sections = {
            name: selectors.manager_inbox_items(user)
            for name, selectors in INBOX_SECTIONS.items()
        }
        return super().get_context_data(**sections, **kwargs)


class ConsoleHomeView(ConsoleRequiredMixin, TemplateView):
    """The console's home (`console:home`): the district, or an organisation's
    part of it, at a glance."""

    template_name = "console/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            venues=venues.console_home_items(self.request.user), **kwargs
        )
