"""What bookings adds to the front page of each end (gathered by `dashboards`).

Each function returns a dict the page shows under the name `bookings`.
"""

from bookings.models import Booking
from bookings.permissions import managed_bookings

#: How many waiting requests the manager's inbox lists; the count says the rest.
INBOX_SHOWN = 5
#: What manager_inbox_items reads: a change to one shows in the kept inbox.
INBOX_MODELS = (Booking,)


def user_home_items() -> dict:
    return {
        "count": Booking.objects.filter(
            state__in=[Booking.State.APPROVED, Booking.State.ATTENDED]
        ).count()
    }


def manager_inbox_items(user) -> dict:
    """Requests at the manager's venues awaiting a decision, oldest first."""
    pending = managed_bookings(user).filter(state=Booking.State.PENDING)
    return {
        "count": pending.count(),
        "items": list(
            pending.select_related("user", "space__venue").order_by("created_at")[
                :INBOX_SHOWN
            ]
        ),
    }
