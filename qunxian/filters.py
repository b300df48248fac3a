"""The audit log's filters: what was done, to what, by whom, between which days."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunxian.forms import BoundedDateField
from qunxian.models import AUDIT_ACTIONS, AUDIT_SUBJECTS, AuditEntry

# No entry predates the portal. The bounds also keep the day after `to` a date
# (9999-12-31 has none) and the query a sensible range.
EARLIEST_DAY = datetime.date(2000, 1, 1)


def _labelled(column: str, labels: dict) -> list[tuple[str, str]]:
    """The codes the log holds in `column`, named for people; unknown ones as is."""
    codes = AuditEntry.objects.order_by().values_list(column, flat=True).distinct()
    return sorted(
        ((code, str(labels.get(code, code))) for code in codes),
        key=lambda choice: choice[1],
    )


def action_choices():
    return _labelled("action", AUDIT_ACTIONS)


def subject_type_choices():
    return _labelled("subject_type", AUDIT_SUBJECTS)


class BoundedDateFilter(django_filters.DateFilter):
    """A day filter whose field refuses days outside its window."""

    field_class = BoundedDateField


def the_log_so_far() -> tuple[datetime.date, datetime.date]:
    return EARLIEST_DAY, timezone.localdate()


def start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(), tzinfo=timezone.get_current_timezone()
    )


class AuditFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        first, last = data.get("since"), data.get("until")
        if first and last and first > last:
            raise ValidationError(
                _("The first day is after the last."), code="days_reversed"
            )
        return data


def day_filter(label, method):
    return BoundedDateFilter(
        label=label,
        method=method,
        window=the_log_so_far,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        choices=action_choices, label=_("What"), empty_label=_("Anything")
    )
    subject_type = django_filters.ChoiceFilter(
        choices=subject_type_choices, label=_("About"), empty_label=_("Anything")
    )
    actor = django_filters.CharFilter(
        method="filter_actor",
        label=_("Who"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or mobile number")}
        ),
    )
    # Local days, as the page shows the times; compared on `created_at` itself
    # so its index is used.
    since = day_filter(_("From"), "filter_since")
    until = day_filter(_("To (inclusive)"), "filter_until")

    class Meta:
        model = AuditEntry
        fields = ["action", "subject_type", "actor", "since", "until"]
        form = AuditFilterForm

    def filter_actor(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(actor__display_name__icontains=value) | Q(actor__phone__contains=value)
        )

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=start_of(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(
            created_at__lt=start_of(value + datetime.timedelta(days=1))
        )
