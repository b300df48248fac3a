"""Nearest venues: a bounding box on the indexed lat/lng columns narrows the
candidates, SQL orders them by a planar approximation, and geopy measures the
first few exactly. The box grows until enough venues lie inside its inscribed
circle."""

import math

from django.db.models import F
from geopy.distance import geodesic

KM_PER_DEGREE = 111.32
RADII_KM = (0.5, 1, 2, 4, 8, 32, 128, 512)
CANDIDATES = 2  # times the venues asked for, measured exactly by geopy


def bounding_box(lat: float, lng: float, radius_km: float) -> dict[str, float]:
    dlat = radius_km / KM_PER_DEGREE
    dlng = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return {
        "lat__gte": lat - dlat,
        "lat__lte": lat + dlat,
        "lng__gte": lng - dlng,
        "lng__lte": lng + dlng,
    }


def distance_km(lat: float, lng: float, venue) -> float:
    return geodesic((lat, lng), (venue.lat, venue.lng)).km


def _measured(rows, lat: float, lng: float) -> list[tuple[int, float]]:
    return sorted(
        ((pk, geodesic((lat, lng), (vlat, vlng)).km) for pk, vlat, vlng in rows),
        key=lambda item: item[1],
    )


def nearest(queryset, lat: float, lng: float, *, limit: int) -> list[tuple[int, float]]:
    """(venue id, km) of the `limit` venues of `queryset` nearest to lat/lng."""
    # Planar distance in degrees², longitude shrunk by latitude: it orders like
    # the geodesic at these scales, so SQL hands geopy only a few candidates.
    shrink = math.cos(math.radians(lat)) ** 2
    by_plane = queryset.order_by(
        (F("lat") - lat) * (F("lat") - lat)
        + (F("lng") - lng) * (F("lng") - lng) * shrink
    ).values_list("pk", "lat", "lng")
    for radius in RADII_KM:
        box = by_plane.filter(**bounding_box(lat, lng, radius))
        found = _measured(box[: CANDIDATES * limit], lat, lng)
        within = [item for item in found if item[1] <= radius]
        if len(within) >= limit:
            return within[:limit]
    # Far from every venue: no box is big enough, rank the whole queryset.
    return _measured(by_plane[: CANDIDATES * limit], lat, lng)[:limit]
