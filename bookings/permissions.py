"""Bookings a user may see: their own, or those of the venues they manage."""

from bookings.models import Booking
from venues.permissions import managed_venues


def own_bookings(user):
    return Booking.objects.filter(user=user)


def managed_bookings(user):
    return Booking.objects.for_venues(managed_venues(user))
