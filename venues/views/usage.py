"""Use of the venues in the console: a weekly series for the district, an
organisation or a venue, and a venue's use by weekday and hour. The page
reads one `UsageSnapshot` (made by `compute_usage`) and computes nothing but
the chart's drawing from it (`venues/views/usage_chart.py`)."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from qunxian.roles import admin_required
from venues.demand import shown
from venues.models import OpeningHours, Organization, UsageSnapshot, Venue
from venues.views.usage_chart import weekly_chart

KINDS = (
    ("views", _("Views")),
    ("navigations", _("Navigations")),
    ("bookings", _("Bookings")),
    ("check_ins", _("Check-ins")),
)


HOUR_KINDS = (
    ("views", _("Views")),
    ("navigations", _("Navigations")),
    ("check_ins", _("Check-ins")),
)


class UsageForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.order_by("kind", "name"),
        required=False,
        empty_label=_("Whole district"),
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.order_by("name", "id"),
        required=False,
        empty_label="—",
    )


def _grid(hours: list[list[int]]) -> dict:
    """The hours with any use (at least 8–20), and a row per weekday."""
    used = [h for h in range(24) if any(day[h] for day in hours)]
    first, last = min([8, *used]), max([20, *used])
    columns = list(range(first, last + 1))
    rows = [
        {
            "day": OpeningHours.Weekday(day).label,
            "cells": [shown(hours[day][h]) if hours[day][h] else "" for h in columns],
        }
        for day in range(7)
    ]
    return {"columns": columns, "rows": rows}


@admin_required
@require_safe
def usage(request):
    form = UsageForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise Http404(_("No such venue or organisation."))
    chosen = form.cleaned_data if form.is_bound else {}
    venue, organization = chosen.get("venue"), chosen.get("organization")
    if venue:
        snapshot = UsageSnapshot.objects.filter(scope="venue", venue=venue)
        title = venue.name
    elif organization:
        snapshot = UsageSnapshot.objects.filter(
            scope="organization", organization=organization
        )
        title = organization.name
    else:
        snapshot = UsageSnapshot.objects.filter(scope="district")
        title = _("Whole district")
    snapshot = snapshot.order_by("-computed_at", "-id").first()
    context = {"form": form, "title": title, "snapshot": snapshot, "kinds": KINDS}
    if snapshot is not None:
        data = snapshot.data
        context["weeks"] = [
            {"week": week, "counts": [shown(data[kind][n]) for kind, _label in KINDS]}
            for n, week in reversed(list(enumerate(data["weeks"])))
        ]
        context["totals"] = [shown(sum(data[kind])) for kind, _label in KINDS]
        context["chart"] = weekly_chart(data, KINDS)
        if hours := data.get("hours"):
            context["hours_from"] = data["hours_from"]
            context["grids"] = [
                {"kind": kind, "label": label, "grid": _grid(hours[kind])}
                for kind, label in HOUR_KINDS
                # A snapshot from before views were counted by hour has them
                # by weekday only: its views wait for the next run.
                if isinstance(hours.get(kind, [None])[0], list)
            ]
    return render(request, "console/usage/usage.html", context)
