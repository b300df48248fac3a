import django_filters
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Series
from venues.models import Venue


class ActivityFilter(django_filters.FilterSet):
    """The user end's filters: a series, a venue (hosting or co-hosting)."""

    series = django_filters.ModelChoiceFilter(
        queryset=Series.objects.all(), label=_("Series"), empty_label=_("Any")
    )
    venue = django_filters.ModelChoiceFilter(
        queryset=Venue.objects.published(),
        method="filter_venue",
        label=_("Venue"),
        empty_label=_("Any"),
    )

    class Meta:
        model = Activity
        fields = ["series", "venue"]

    def filter_venue(self, queryset, name, value):
        return queryset.at_venue(value) if value else queryset
