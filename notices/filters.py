import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from venues.filters import console_organizations_of
from venues.models import Organization


class NoticeFilter(django_filters.FilterSet):
    """The user end's notice and policy lists: words, and who published."""

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Words in the title or text")}
        ),
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(),
        label=_("Organisation"),
        empty_label=_("Any"),
    )

    class Meta:
        model = Notice
        fields = ["q", "organization"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # body_text, not body: a search for "strong" must not match the markup.
        return queryset.filter(
            Q(title__icontains=value) | Q(body_text__icontains=value)
        )


class ConsoleNoticeFilter(NoticeFilter):
    organization = django_filters.ModelChoiceFilter(
        queryset=console_organizations_of,
        label=_("Organisation"),
        empty_label=_("Any"),
    )
    kind = django_filters.ChoiceFilter(
        choices=Notice.Kind.choices, label=_("Kind"), empty_label=_("Any")
    )
    scope = django_filters.ChoiceFilter(
        method="filter_scope",
        choices=[("district", _("District-wide")), ("venue", _("Venues'"))],
        label=_("Published for"),
        empty_label=_("Any"),
    )

    class Meta:
        model = Notice
        fields = ["q", "organization", "kind", "scope"]

    def filter_scope(self, queryset, name, value):
        return queryset.filter(venue__isnull=value == "district")
