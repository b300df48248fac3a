"""Nearest venues: a bounding box on the indexed lat/lng columns narrows the
candidates, then geopy measures the few left. The box grows until it holds
enough venues inside its inscribed circle, so the answer is exact."""

import math

from django.db.models import F
from geopy.distance import geodesic

KM_PER_DEGREE = 111.32
RADII_KM = (2, 8, 32, 128, 512)


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


def nearest(queryset, lat: float, lng: float, *, limit: int) -> list[tuple[int, float]]:
    """(venue id, km) of the `limit` venues of `queryset` nearest to lat/lng."""
    found: list[tuple[int, float]] = []
    for radius in RADII_KM:
        rows = queryset.filter(**bounding_box(lat, lng, radius)).values_list(
            "pk", "lat", "lng"
        )
        found = sorted(
            ((pk, geodesic((lat, lng), (vlat, vlng)).km) for pk, vlat, vlng in rows),
            key=lambda item: item[1],
        )
        within = [item for item in found if item[1] <= radius]
        if len(within) >= limit:
            return within[:limit]
    if len(found) < limit:
        # Far from the district: rank the rest by a planar approximation in SQL.
        shrink = math.cos(math.radians(lat))
        rows = queryset.order_by(
            (F("lat") - lat) * (F("lat") - lat)
            + (F("lng") - lng) * (F("lng") - lng) * shrink * shrink
        ).values_list("pk", "lat", "lng")[:limit]
        found = sorted(
            ((pk, geodesic((lat, lng), (vlat, vlng)).km) for pk, vlat, vlng in rows),
            key=lambda item: item[1],
        )
    return found[:limit]
