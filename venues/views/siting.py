"""选址分析 in the console: coverage, underserved cells, suggested sites,
candidate sites and uploaded demand.

The pages read the snapshots `compute_siting` stores (a query or two each) and
compute nothing; counts under `SMALL_COUNT` show as "<5" everywhere.
"""

import datetime
import json
import secrets

import h3
from django.contrib import messages
from django.core.files.base import ContentFile
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from qunxian.private_media import private_storage
from qunxian.roles import admin_required
from venues.demand import COLUMNS, SMALL_COUNT, check_demand_rows, demand_import, shown
from venues.forms import CandidateSiteForm, DemandUploadForm, SitingForm
from venues.models import CandidateSite, SitingSnapshot, Venue
from venues.services import candidate_site_add, candidate_site_remove
from venues.siting import radius_for
from venues.views.console import map_settings


def _choice(request) -> tuple[str, int]:
    form = SitingForm(request.GET)
    cleaned = form.cleaned_data if form.is_valid() else {}
    category = cleaned.get("category") or SitingForm.base_fields["category"].initial
    return category, cleaned.get("k") or SitingForm.base_fields["k"].initial


def _share(covered: int, total: int) -> str:
    """A percentage, or "—" where the demand is too small to show."""
    if total < SMALL_COUNT:
        return "—"
    return f"{100 * covered / total:.0f}%"


def latest_run() -> list[SitingSnapshot]:
    """The snapshots of the last computation, one per category: one query."""
    last = SitingSnapshot.objects.aggregate(at=Max("computed_at"))["at"]
    if last is None:
        return []
    return list(SitingSnapshot.objects.filter(computed_at=last).order_by("category"))


@admin_required
@require_safe
def overview(request):
    category, k = _choice(request)
    snapshots = latest_run()
    snapshot = next((s for s in snapshots if s.category == category), None)
    labels = dict(Venue.Category.choices)
    towns, underserved, suggestion = [], [], None
    if snapshot is not None:
        by_category = {
            s.category: {t["town"]: t for t in s.data["towns"]} for s in snapshots
        }
        names = sorted({t["town"] for s in snapshots for t in s.data["towns"]})
        for name in names:
            row = by_category[category].get(name, {"demand": 0, "covered": 0})
            towns.append(
                {
                    "town": name,
                    "demand": shown(row["demand"]),
                    "shares": [
                        _share(
                            by_category[s.category].get(name, {}).get("covered", 0),
                            by_category[s.category].get(name, {}).get("demand", 0),
                        )
                        for s in snapshots
                    ],
                }
            )
        underserved = [
            {
                **cell,
                "demand_shown": shown(cell["demand"]),
                "uncovered_shown": shown(cell["uncovered"]),
                "share": _share(cell["covered"], cell["demand"]),
            }
            for cell in snapshot.data["underserved"]
        ]
        suggestion = snapshot.data["suggestions"].get(str(k))
        if suggestion:
            suggestion = {
                **suggestion,
                "adds_shown": shown(suggestion["adds"]),
                "sites": [
                    {**site, "adds_shown": shown(site["adds"])}
                    for site in suggestion["sites"]
                ],
            }
    return render(
        request,
        "console/siting/overview.html",
        {
            "form": SitingForm(initial={"category": category, "k": k}),
            "category": category,
            "category_label": labels[category],
            "k": k,
            "snapshot": snapshot,
            "covered_share": _share(snapshot.demand_covered, snapshot.demand_total)
            if snapshot
            else "",
            "demand_shown": shown(snapshot.demand_total) if snapshot else "",
            "columns": [labels[s.category] for s in snapshots],
            "towns": towns,
            "underserved": underserved,
            "suggestion": suggestion,
            "radius": snapshot.radius_m if snapshot else radius_for(category),
            "map_tiles": map_settings(),
        },
    )


def _polygon(cell: str) -> list[list[list[float]]]:
    ring = [[round(lng, 6), round(lat, 6)] for lat, lng in h3.cell_to_boundary(cell)]
    return [[*ring, ring[0]]]


@admin_required
@require_safe
def cells(request):
    """The shown cells and suggested sites of the latest snapshot, as GeoJSON."""
    category, k = _choice(request)
    snapshot = (
        SitingSnapshot.objects.filter(category=category)
        .order_by("-computed_at", "-id")
        .first()
    )
    features = []
    if snapshot is not None:
        for cell in snapshot.data["cells"]:
            share = cell["covered"] / cell["demand"] if cell["demand"] else 0
            features.append(
                {
                    "type": "Feature",
                    "id": cell["cell"],
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": _polygon(cell["cell"]),
                    },
                    "properties": {
                        "kind": "cell",
                        "town": cell["town"],
                        "demand": shown(cell["demand"]),
                        "share": _share(cell["covered"], cell["demand"]),
                        # A band, not the share: a tiny count's share would tell it.
                        "band": (
                            "small"
                            if cell["demand"] < SMALL_COUNT
                            else "met"
                            if share >= 0.8
                            else "part"
                            if share >= 0.3
                            else "unmet"
                        ),
                    },
                }
            )
        suggestion = snapshot.data["suggestions"].get(str(k), {"sites": []})
        for rank, site in enumerate(suggestion["sites"], 1):
            features.append(
                {
                    "type": "Feature",
                    "id": f"site-{rank}",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [site["lng"], site["lat"]],
                    },
                    "properties": {
                        "kind": "site",
                        "rank": rank,
                        "town": site["town"],
                        "adds": shown(site["adds"]),
                    },
                }
            )
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


# -- Candidate sites


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def candidates(request):
    form = CandidateSiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = candidate_site_add(actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("“%(name)s” is a candidate from the next computation.")
            % {"name": site.name},
        )
        return redirect("console:siting_candidates")
    return render(
        request,
        "console/siting/candidates.html",
        {
            "form": form,
            "sites": CandidateSite.objects.select_related("added_by"),
        },
    )


@admin_required
@require_POST
def candidate_remove(request, pk):
    site = get_object_or_404(CandidateSite, pk=pk)
    candidate_site_remove(actor=request.user, site=site)
    messages.success(
        request, _("“%(name)s” is no longer a candidate.") % {"name": site.name}
    )
    return redirect("console:siting_candidates")


# -- Uploaded demand: upload → preview → confirm, as the venue import does

SESSION_KEY = "demand_upload"
FOLDER = "demand-uploads"
KEPT_FOR = datetime.timedelta(hours=6)


def _path(token: str) -> str:
    return f"{FOLDER}/{token}.json"


def _sweep(storage) -> None:
    try:
        names = storage.listdir(FOLDER)[1]
    except FileNotFoundError:
        return
    stale = timezone.now() - KEPT_FOR
    for name in names:
        try:
            if storage.get_modified_time(f"{FOLDER}/{name}") < stale:
                storage.delete(f"{FOLDER}/{name}")
        except FileNotFoundError:
            continue


def _kept(request, token: str) -> dict | None:
    mine = request.session.get(SESSION_KEY, "")
    if not mine or not constant_time_compare(mine, token):
        return None
    try:
        with private_storage().open(_path(mine)) as file:
            payload = json.load(file)
    except (FileNotFoundError, ValueError):
        return None
    return payload if payload.get("user") == request.user.pk else None


def _discard(request) -> None:
    token = request.session.pop(SESSION_KEY, None)
    if token:
        private_storage().delete(_path(token))


def _gone(request):
    messages.error(
        request,
        _("That upload has expired or was already added. Upload the file again."),
    )
    return redirect("console:demand_upload")


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def demand_upload(request):
    form = DemandUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        storage = private_storage()
        _sweep(storage)
        _discard(request)
        token = secrets.token_urlsafe(24)
        payload = {
            "user": request.user.pk,
            "filename": form.cleaned_data["file"].name[:100],
            "date": form.cleaned_data["date"].isoformat(),
            "records": form.records,
        }
        storage.save(_path(token), ContentFile(json.dumps(payload).encode()))
        request.session[SESSION_KEY] = token
        return redirect("console:demand_upload_preview", token=token)
    return render(
        request, "console/siting/demand_upload.html", {"form": form, "columns": COLUMNS}
    )


@admin_required
@require_safe
def demand_preview(request, token):
    payload = _kept(request, token)
    if payload is None:
        return _gone(request)
    rows = check_demand_rows(payload["records"])
    good = sum(not row.errors for row in rows)
    return render(
        request,
        "console/siting/demand_preview.html",
        {
            "token": token,
            "filename": payload["filename"],
            "date": datetime.date.fromisoformat(payload["date"]),
            "rows": rows,
            "good_count": good,
            "bad_count": len(rows) - good,
        },
    )


@admin_required
@require_POST
def demand_confirm(request, token):
    payload = _kept(request, token)
    if payload is None:
        return _gone(request)
    rows = check_demand_rows(payload["records"])
    if all(row.errors for row in rows):
        messages.error(request, _("No row of this file can be added."))
        return redirect("console:demand_upload_preview", token=token)
    added = demand_import(
        actor=request.user, rows=rows, date=datetime.date.fromisoformat(payload["date"])
    )
    _discard(request)
    messages.success(
        request,
        ngettext(
            "%(count)s row of demand was added; it counts from the next computation.",
            "%(count)s rows of demand were added; they count from the next "
            "computation.",
            added,
        )
        % {"count": added},
    )
    return redirect("console:siting")
