"""Nearest venues: a bounding box on the indexed lat/lng columns narrows the
candidates, SQL orders them by a planar approximation, and geopy measures the
ones returned exactly. The box grows until enough venues lie inside its inscribed
circle."""

import math

from django.db.models import F
from geopy.distance import geodesic

KM_PER_DEGREE = 111.32
RADII_KM = (0.5, 1, 2, 4, 8, 32, 128, 512)


def bounding_box(lat: float, lng: float, radius_km: float) -> dict[str, float]:
    dlat = radius_km / KM_PER_DEGREE
    dlng = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return {
        "lat__gte": lat - dlat,
        "lat__lte": lat + dlat,
        "lng__gte": lng - dlng,
        "lng__lte": lng + dlng,
    }


_GEODESIC = geodesic()


def distance_km(lat: float, lng: float, venue) -> float:
    return _GEODESIC.measure((lat, lng), (venue.lat, venue.lng))


def _ranked(rows, lat: float, lng: float, radius: float | None):
    """Rows in the circle (all if no radius), nearest first by the flat map."""
    shrink = math.cos(math.radians(lat))
    flat = [
        (KM_PER_DEGREE * math.hypot(vlat - lat, (vlng - lng) * shrink), pk, vlat, vlng)
        for pk, vlat, vlng in rows
    ]
    return sorted(item for item in flat if radius is None or item[0] <= radius)


def _measured(ranked, lat: float, lng: float, limit: int) -> list[tuple[int, float]]:
    """The first `limit`, measured exactly: geopy is slow, so only these."""
    return sorted(
        (
            (pk, _GEODESIC.measure((lat, lng), (vlat, vlng)))
            for _flat, pk, vlat, vlng in ranked[:limit]
        ),
        key=lambda item: item[1],
    )


def nearest(queryset, lat: float, lng: float, *, limit: int) -> list[tuple[int, float]]:
    """(venue id, km) of the `limit` venues of `queryset` nearest to lat/lng."""
    # Planar distance in degrees², longitude shrunk by latitude: it orders like
    # the geodesic at these scales, so SQL hands Python only a few candidates.
    shrink = math.cos(math.radians(lat)) ** 2
    by_plane = queryset.order_by(
        (F("lat") - lat) * (F("lat") - lat)
        + (F("lng") - lng) * (F("lng") - lng) * shrink
    ).values_list("pk", "lat", "lng")
    for radius in RADII_KM:
        box = by_plane.filter(**bounding_box(lat, lng, radius))[:limit]
        ranked = _ranked(box, lat, lng, radius)
        if len(ranked) >= limit:
            return _measured(ranked, lat, lng, limit)
    # Far from every venue: no box is big enough, rank the whole queryset.
    return _measured(_ranked(by_plane[:limit], lat, lng, None), lat, lng, limit)
