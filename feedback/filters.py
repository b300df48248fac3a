import django_filters
from django.utils.translation import gettext_lazy as _

from feedback.models import Appeal, IndexSnapshot, Review
from venues.filters import console_organizations_of
from venues.models import Town, Venue
from venues.permissions import console_venues, managed_venues

OPEN, OVERDUE = "open", "overdue"
APPEAL_STATES = [
    (OPEN, _("Open (not yet resolved)")),
    (OVERDUE, _("Overdue")),
    *Appeal.State.choices,
]
AWAITING, ALL = "awaiting", "all"


def _my_venues(request):
    # No request, no user: nothing to choose from (never "venues without managers").
    return managed_venues(request.user) if request else Venue.objects.none()


def _console_venues(request):
    if not request:
        return Venue.objects.none()
    return console_venues(request.user).order_by("name")


class AppealStateFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=APPEAL_STATES,
        method="filter_state",
        label=_("State"),
        empty_label=_("Any"),
    )

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        if value == OVERDUE:
            return queryset.overdue()
        return queryset.filter(state=value)


class ManagerAppealFilter(AppealStateFilter):
    """A venue's choices are the manager's own venues: any other makes it invalid."""

    venue = django_filters.ModelChoiceFilter(
        queryset=_my_venues, label=_("Venue"), empty_label=_("All my venues")
    )

    class Meta:
        model = Appeal
        fields = ["state", "venue"]


class ConsoleAppealFilter(AppealStateFilter):
    DISTRICT, VENUES = "district", "venues"

    addressed_to = django_filters.ChoiceFilter(
        choices=[
            (DISTRICT, _("The district")),
            (VENUES, _("A venue (escalated when overdue)")),
        ],
        method="filter_addressed_to",
        label=_("Addressed to"),
        empty_label=_("Anyone"),
    )

    class Meta:
        model = Appeal
        fields = ["state", "addressed_to"]

    def filter_addressed_to(self, queryset, name, value):
        return queryset.filter(venue__isnull=value == self.DISTRICT)


class ManagerReviewFilter(django_filters.FilterSet):
    show = django_filters.ChoiceFilter(
        choices=[(AWAITING, _("Awaiting a reply")), (ALL, _("All reviews"))],
        method="filter_show",
        label=_("Show"),
        empty_label=None,
    )
    venue = django_filters.ModelChoiceFilter(
        queryset=_my_venues, label=_("Venue"), empty_label=_("All my venues")
    )

    class Meta:
        model = Review
        fields = ["show", "venue"]

    def __init__(self, data=None, *args, **kwargs):
        # Unasked, the page shows what needs doing: reviews awaiting a reply.
        data = data.copy() if data is not None else None
        if data is not None and not data.get("show"):
            data["show"] = AWAITING
        super().__init__(data, *args, **kwargs)

    def filter_show(self, queryset, name, value):
        return queryset.awaiting_reply() if value == AWAITING else queryset


class ConsoleReviewFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=Review.State.choices, label=_("Visibility"), empty_label=_("Any")
    )
    venue = django_filters.ModelChoiceFilter(
        queryset=_console_venues,
        label=_("Venue"),
        empty_label=_("All venues"),
    )

    class Meta:
        model = Review
        fields = ["state", "venue"]


class IndexRankingFilter(django_filters.FilterSet):
    """The console ranking, narrowed to one organisation, category or town."""

    organization = django_filters.ModelChoiceFilter(
        field_name="venue__organization",
        queryset=console_organizations_of,
        label=_("Organisation"),
        empty_label=_("Any"),
    )
    category = django_filters.ChoiceFilter(
        field_name="venue__category",
        choices=Venue.Category.choices,
        label=_("Category"),
        empty_label=_("Any"),
    )
    town = django_filters.ModelChoiceFilter(
        field_name="venue__town",
        queryset=Town.objects.all(),
        label=_("Street or town"),
        empty_label=_("Any"),
    )

    class Meta:
        model = IndexSnapshot
        fields = ["organization", "category", "town"]
