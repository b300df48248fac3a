from django.views.generic import TemplateView

from bookings.models import Booking
from bookings.permissions import managed_bookings
from feedback.permissions import managed_appeals, managed_reviews
from feedback.selectors import handling_order, manager_inbox_counts
from qunxian.roles import ManagerRequiredMixin
from venues.permissions import managed_venues

SHOWN = 5


class WorkInboxView(ManagerRequiredMixin, TemplateView):
    """The manager's home: what waits across all their venues, oldest first."""

    template_name = "manage/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pending = managed_bookings(user).filter(state=Booking.State.PENDING)
        appeals = handling_order(managed_appeals(user).open())
        return super().get_context_data(
            counts={**manager_inbox_counts(user), "bookings_pending": pending.count()},
            pending=pending.select_related("user", "space__venue").order_by(
                "created_at"
            )[:SHOWN],
            appeals=appeals.select_related("venue")[:SHOWN],
            reviews=managed_reviews(user)
            .awaiting_reply()
            .select_related("venue", "user")
            .order_by("created_at")[:SHOWN],
            venues=managed_venues(user).order_by("name"),
            **kwargs,
        )
