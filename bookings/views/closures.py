from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.services import closure_add_cancelling_bookings
from venues.views import manage as venue_manage


class ClosureListView(venue_manage.ClosureListView):
    """The venue's closures page, where a new closure also cancels bookings.

    Served from here because venues cannot know about bookings.
    """

    def add_closure(self, **data) -> str:
        cancelled = closure_add_cancelling_bookings(
            venue=self.venue, actor=self.request.user, **data
        )
        if not cancelled:
            return _("The closure is added.")
        return ngettext(
            "The closure is added. %(count)d booking was cancelled and its user told.",
            "The closure is added. %(count)d bookings were cancelled and their "
            "users told.",
            cancelled,
        ) % {"count": cancelled}
