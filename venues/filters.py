import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.models import Facility, Organization, Town, Venue
from venues.permissions import console_organizations


def console_organizations_of(request):
    """The request's console's organisations; none for a form built without one."""
    if not request:
        return Organization.objects.none()
    return console_organizations(request.user)


class VenueFilter(django_filters.FilterSet):
    """The user end's filters: list, map and GeoJSON share them."""

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or address")}
        ),
    )
    kind = django_filters.MultipleChoiceFilter(
        field_name="organization__kind",
        choices=Organization.Kind.choices,
        label=_("Organisation"),
        widget=forms.CheckboxSelectMultiple,
    )
    category = django_filters.ChoiceFilter(
        choices=Venue.Category.choices, label=_("Category"), empty_label=_("Any")
    )
    town = django_filters.ModelChoiceFilter(
        queryset=Town.objects.all(), label=_("Street or town"), empty_label=_("Any")
    )
    facilities = django_filters.ModelMultipleChoiceFilter(
        queryset=Facility.objects.all(),
        conjoined=True,
        label=_("Has all of"),
        widget=forms.CheckboxSelectMultiple,
    )
    open_now = django_filters.BooleanFilter(
        method="filter_open_now",
        label=_("Open now"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Venue
        fields = ["q", "kind", "category", "town", "facilities", "open_now"]

    #: The filters that narrow the list, counted on the folded filter card.
    NARROWING = ("kind", "category", "town", "facilities", "open_now")

    def __init__(self, data=None, *args, **kwargs):
        if hasattr(data, "getlist"):
            # `?facilities=` (an empty box, a hand-made link) means no filter,
            # not a filter no venue passes.
            data = data.copy()
            for name in ("kind", "facilities"):
                if name in data:
                    data.setlist(name, [v for v in data.getlist(name) if v.strip()])
        super().__init__(data, *args, **kwargs)

    def active_count(self) -> int:
        """How many choices narrow the list now (each ticked box counts)."""
        if not self.is_bound or not self.is_valid():
            return 0
        count = 0
        for name in self.NARROWING:
            value = self.form.cleaned_data.get(name)
            if hasattr(value, "__len__") and not isinstance(value, str):
                count += len(value)
            elif value:
                count += 1
        return count

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))

    def filter_open_now(self, queryset, name, value):
        return queryset.open_at(timezone.now()) if value else queryset


class ConsoleVenueFilter(django_filters.FilterSet):
    """The console's venue list: every status, filtered by who runs what where."""

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or address")}
        ),
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=console_organizations_of,
        label=_("Organisation"),
        empty_label=_("Any"),
    )
    category = django_filters.ChoiceFilter(
        choices=Venue.Category.choices, label=_("Category"), empty_label=_("Any")
    )
    town = django_filters.ModelChoiceFilter(
        queryset=Town.objects.all(), label=_("Street or town"), empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(
        choices=Venue.Status.choices, label=_("Status"), empty_label=_("Any")
    )

    class Meta:
        model = Venue
        fields = ["q", "organization", "category", "town", "status"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))
