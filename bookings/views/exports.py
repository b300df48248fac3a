"""Bookings for a spreadsheet: a manager's venues, or the console's venues.

The contact phone is in full: the manager calls people about their booking.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import Booking
from bookings.permissions import managed_bookings
from qunxian.exports import ExportView, Table
from qunxian.roles import ConsoleRequiredMixin, ManagerRequiredMixin
from venues.permissions import console_venues


class BookingExportView(ExportView):
    title = gettext_lazy("Download bookings")
    help_text = gettext_lazy(
        "Every booking whose start falls on the chosen days, whatever its state."
    )
    filename = "bookings"

    def scope(self):
        raise NotImplementedError

    def table(self, form) -> Table:
        since, until = form.moments()
        bookings = (
            self.scope()
            .filter(start__gte=since, start__lt=until)
            .select_related("space__venue", "user")
            .order_by("start", "id")
        )

        def rows():
            for booking in bookings.iterator(chunk_size=2000):
                yield [
                    booking.pk,
                    booking.space.venue.name,
                    booking.space.name,
                    booking.start,
                    booking.end,
                    booking.headcount,
                    str(booking.user),
                    booking.contact_phone,
                    booking.purpose,
                    booking.get_state_display(),
                    booking.created_at,
                ]

        return Table(
            title=_("Bookings"),
            headers=[
                _("No."),
                _("Venue"),
                _("Space"),
                _("Starts"),
                _("Ends"),
                _("Number of people"),
                _("Booked by"),
                _("Contact phone"),
                _("Purpose"),
                _("State"),
                _("Requested"),
            ],
            rows=rows(),
        )


class ManagerBookingExportView(ManagerRequiredMixin, BookingExportView):
    back_url = "manage:booking_queue"
    back_label = gettext_lazy("Booking requests")

    def scope(self):
        return managed_bookings(self.request.user)


class ConsoleBookingExportView(ConsoleRequiredMixin, BookingExportView):
    layout = "layouts/console.html"
    back_url = "console:home"
    back_label = gettext_lazy("Overview")

    def scope(self):
        return Booking.objects.for_venues(console_venues(self.request.user))
