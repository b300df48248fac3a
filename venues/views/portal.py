from django import forms
from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterMixin

from qunxian.caching import cached_fragment, versioned_key
from venues.cache import DIRECTORY_VERSION
from venues.demand import demand_record
from venues.filters import VenueFilter
from venues.geo import NAV_APPS, navigation_url
from venues.hours import week_table
from venues.mapdata import feature_collection
from venues.models import (
    Closure,
    DemandSource,
    OpeningHours,
    PublicHoliday,
    Venue,
)
from venues.nearby import distance_km, nearest
from venues.services import venue_count_navigation

PAGE_SIZE = 20
LIST_CACHE_SECONDS = 60  # "open now" on the cards may be this late
NEAR_LIMIT = 10
MAX_PAGE = 50


class PositionForm(forms.Form):
    """The position a user chose to share (WGS-84), for distances."""

    lat = forms.FloatField(min_value=-90, max_value=90)
    lng = forms.FloatField(min_value=-180, max_value=180)


class LocationForm(PositionForm):
    """A shared position on the list, which may still be sorted by name."""

    sort = forms.ChoiceField(
        choices=[("distance", _("Nearest first")), ("name", _("Name"))],
        required=False,
    )


class PageForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)


def card_queryset(queryset):
    """What a venue card shows, in a fixed number of queries."""
    today = timezone.localdate()
    return queryset.select_related("organization", "town").prefetch_related(
        "facilities",
        "hours",
        Prefetch(
            "closures",
            queryset=Closure.objects.filter(end_date__gte=today).select_related(
                "space"
            ),
        ),
    )


class VenueListView(FilterMixin, TemplateView):
    """场所: filter, then sort by name or, with a shared position, by distance."""

    filterset_class = VenueFilter
    template_name = "venues/venue_list.html"

    def get_queryset(self):
        return Venue.objects.published()

    def get(self, request, *args, **kwargs):
        location = LocationForm(request.GET)
        shared = "lat" in request.GET or "lng" in request.GET
        self.location = (
            location.cleaned_data if shared and location.is_valid() else None
        )
        self.location_invalid = shared and self.location is None
        page_form = PageForm(request.GET)
        if not page_form.is_valid():
            raise Http404(_("No such page."))
        self.page = page_form.cleaned_data["page"] or 1
        # The filters and cards are the same for everyone: signed-in visitors
        # get them from the cache too, only the layout around them is theirs.
        body = cached_fragment(
            versioned_key("venue-list", DIRECTORY_VERSION, request),
            lambda: render_to_string(
                "venues/partials/list_body.html", self.get_context_data(), request
            ),
            LIST_CACHE_SECONDS,
        )
        return self.render_to_response({"view": self, "body": body})

    def get_context_data(self, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            filtered = Venue.objects.none()  # the form shows what is wrong
        else:
            filtered = filterset.qs
        found = filtered.count()
        here = self.location
        by_distance = here and here.get("sort") != "name"
        start = (self.page - 1) * PAGE_SIZE
        if by_distance:
            ranked = nearest(
                filtered, here["lat"], here["lng"], limit=start + PAGE_SIZE + 1
            )
            distances = {row["pk"]: km for row, km in ranked[start : start + PAGE_SIZE]}
            venues = sorted(
                card_queryset(Venue.objects.filter(pk__in=distances)),
                key=lambda venue: distances[venue.pk],
            )
            has_next = len(ranked) > start + PAGE_SIZE
        else:
            rows = list(card_queryset(filtered)[start : start + PAGE_SIZE + 1])
            venues, has_next = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
        now = timezone.now()
        holidays = PublicHoliday.objects.around(now)
        for venue in venues:
            venue.state = venue.opening_state(now, holidays)
            if by_distance:
                venue.distance = distances[venue.pk]
            elif here:
                venue.distance = distance_km(
                    here["lat"], here["lng"], venue.lat, venue.lng
                )
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            "filter": filterset,
            "active_filters": filterset.active_count(),
            "found": found,
            "venues": venues,
            "location": here,
            "location_invalid": self.location_invalid,
            "by_distance": by_distance,
            "page": self.page,
            "has_previous": self.page > 1,
            "has_next": has_next and self.page < MAX_PAGE,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "view": self,
        }


class VenueMapView(FilterMixin, TemplateView):
    filterset_class = VenueFilter
    template_name = "venues/venue_map.html"

    def get_queryset(self):
        return Venue.objects.none()

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        return self.render_to_response(
            {
                "filter": self.filterset,
                "query": request.GET.urlencode(),
                "map_tiles": {
                    "url": settings.MAP_TILE_URL,
                    "attribution": settings.MAP_TILE_ATTRIBUTION,
                    "center": settings.MAP_CENTER,
                },
            }
        )


def detail_url_pattern() -> str:
    """The detail URL with a `{pk}` slot: one reverse() for thousands of rows."""
    return reverse("venues:detail", args=[0]).replace("/0/", "/{pk}/")


@require_safe
def venue_geojson(request):
    """Markers for the map, as a GeoJSON FeatureCollection (RFC 7946)."""
    # Without a query string the filters are unbound and none runs, as
    # django-filter's FilterMixin leaves them for the list and the map page.
    filterset = VenueFilter(request.GET or None, queryset=Venue.objects.published())
    if filterset.is_bound and not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors}, status=400)
    return HttpResponse(
        feature_collection(filterset.qs, detail_url=detail_url_pattern()),
        content_type="application/geo+json",
    )


class VenueDetailView(DetailView):
    """A venue page. Everything on it is the same for everyone (seats, notices
    and reviews come from their apps' URLs), so its body is rendered once per
    directory version and language and kept for LIST_CACHE_SECONDS ("open
    now"); the URLconf keeps whole pages (qunxian.caching.cache_shared_page)
    and counts the view (venues.usage.counting_views)."""

    template_name = "venues/venue_detail.html"
    context_object_name = "venue"

    def get_queryset(self):
        return card_queryset(Venue.objects.published()).prefetch_related(
            "photos", "spaces"
        )

    def get(self, request, *args, **kwargs):
        pk = kwargs["pk"]
        # A venue that stops being published bumps the version: no stale hit.
        page = cached_fragment(
            versioned_key("venue-page", DIRECTORY_VERSION, request, pk),
            self.render_shared,
            LIST_CACHE_SECONDS,
        )
        return self.render_to_response(page)

    def render_shared(self) -> dict:
        venue = self.object = self.get_object()
        context = self.get_context_data(object=venue)
        return {
            "head": {
                "name": venue.name,
                "category": str(venue.get_category_display()),
                "address": venue.address,
            },
            "body": render_to_string(
                "venues/partials/detail_body.html", context, self.request
            ),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            state=self.object.opening_state(timezone.now()),
            week=[
                (OpeningHours.Weekday(day).label, ranges)
                for day, ranges in week_table(self.object.hours.all())
            ],
            nav_apps=NAV_APPS,
            today=timezone.localdate(),
            **kwargs,
        )


@require_safe
def navigate(request, pk, app):
    """Count one hand-off, then send the user to the map app."""
    if app not in NAV_APPS:
        raise Http404
    venue = get_object_or_404(Venue.objects.published(), pk=pk)
    venue_count_navigation(venue=venue)
    demand_record(source=DemandSource.NAVIGATION, venue=venue)
    return redirect(navigation_url(app, lat=venue.lat, lng=venue.lng, name=venue.name))


@require_safe
def near_json(request):
    """The nearest published venues to a shared position, with distances."""
    position = PositionForm(request.GET)
    if not position.is_valid():
        return JsonResponse({"errors": position.errors}, status=400)
    lat, lng = position.cleaned_data["lat"], position.cleaned_data["lng"]
    demand_record(source=DemandSource.NEAR_ME, lat=lat, lng=lng)
    ranked = nearest(
        Venue.objects.published(),
        lat,
        lng,
        limit=NEAR_LIMIT,
        fields=("pk", "name", "address"),
    )
    detail_url = detail_url_pattern()
    venues = [
        {
            "id": row["pk"],
            "name": row["name"],
            "address": row["address"],
            "distance_km": round(km, 2),
            "url": detail_url.format(pk=row["pk"]),
        }
        for row, km in ranked
    ]
    return JsonResponse({"venues": venues}, json_dumps_params={"ensure_ascii": False})
