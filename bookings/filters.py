import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.forms import MANAGER_DAYS
from bookings.models import Booking
from qunxian.filters import BoundedDateFilter
from venues.models import Space, Venue
from venues.permissions import managed_venues


def _my_venues(request):
    # No request, no user: nothing to choose from (never "venues without managers").
    return managed_venues(request.user) if request else Venue.objects.none()


def _my_spaces(request):
    return Space.objects.filter(venue__in=_my_venues(request)).select_related("venue")


class SpaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.venue.name} · {obj.name}"


class SpaceFilter(django_filters.ModelChoiceFilter):
    field_class = SpaceChoiceField


class ManagerBookingFilter(django_filters.FilterSet):
    """The manager's queue filters; the choices are the user's own venues only.

    A venue or space of someone else is not a choice, so asking for it makes
    the form invalid (and the page empty) rather than showing their bookings.
    """

    venue = django_filters.ModelChoiceFilter(
        field_name="space__venue",
        queryset=_my_venues,
        label=_("Venue"),
        empty_label=_("All my venues"),
    )
    space = SpaceFilter(
        queryset=_my_spaces, label=_("Space"), empty_label=_("All spaces")
    )
    date = BoundedDateFilter(
        field_name="start",
        lookup_expr="date",
        label=_("Date"),
        window=MANAGER_DAYS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Booking
        fields = ["venue", "space", "date"]
