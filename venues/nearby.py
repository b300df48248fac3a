"""Nearest venues: a bounding box on the indexed lat/lng columns narrows the
candidates, SQL orders them by a planar approximation, and the ones returned
are measured on the ellipsoid. The box grows until enough venues lie inside its
inscribed circle."""

import math

from django.db.models import F, FloatField, Func
from geopy.distance import ELLIPSOIDS, geodesic

from venues.models import LAT_BANDS_PER_DEGREE

KM_PER_DEGREE = 111.32
FIRST_RADIUS_KM = 0.5
LAST_RADIUS_KM = 512
MAX_BANDS = 50  # a box taller than this (about 55 km) goes by latitude alone


def bounding_box(lat: float, lng: float, radius_km: float) -> dict:
    """Lookups for the box around a circle: its latitude bands (see
    Venue.lat_band) let the index read only the box's own stretch of each."""
    dlat = radius_km / KM_PER_DEGREE
    dlng = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    box = {
        "lat__range": (lat - dlat, lat + dlat),
        "lng__range": (lng - dlng, lng + dlng),
    }
    bands = range(
        math.floor((lat - dlat) * LAT_BANDS_PER_DEGREE),
        math.floor((lat + dlat) * LAT_BANDS_PER_DEGREE) + 1,
    )
    if len(bands) <= MAX_BANDS:
        box["lat_band__in"] = bands
    return box


class PlanarDistance(Func):
    """Squared distance in degrees from a point, longitude shrunk by its
    latitude: it orders like the geodesic at these scales. One node rather
    than a tree of arithmetic, as it is compiled on every near-me request."""

    output_field = FloatField()

    def __init__(self, lat: float, lng: float):
        super().__init__(F("lat"), F("lng"))
        shrink = math.cos(math.radians(lat)) ** 2
        self.origin = (float(lat), float(lng), float(shrink))

    def as_sql(self, compiler, connection, **extra_context):
        lat_sql, _ = compiler.compile(self.source_expressions[0])
        lng_sql, _ = compiler.compile(self.source_expressions[1])
        # The numbers written into the SQL, not bound: a DISTINCT list orders
        # by this expression also selected, and PostgreSQL takes the two for
        # one only if they read alike (bound, they would be $1 and $9).
        lat, lng, shrink = (repr(number) for number in self.origin)
        return (
            f"(({lat_sql} - {lat}) * ({lat_sql} - {lat})"
            f" + ({lng_sql} - {lng}) * ({lng_sql} - {lng}) * {shrink})",
            (),
        )


_GEODESIC = geodesic(ellipsoid="WGS-84")
_A_KM, _, _FLATTENING = ELLIPSOIDS["WGS-84"]
_E2 = _FLATTENING * (2 - _FLATTENING)
LOCAL_KM = 50
LOCAL_LATITUDE = 60


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The WGS-84 distance. Within LOCAL_KM and LOCAL_LATITUDE° of the equator,
    the ellipsoid's radii of curvature at the middle latitude give geopy's
    geodesic to half a metre (tested) at a hundredth of its cost, which near me
    pays on every request; elsewhere, geopy's geodesic itself."""
    if max(abs(lat1), abs(lat2)) <= LOCAL_LATITUDE:
        middle = math.radians((lat1 + lat2) / 2)
        w = 1 - _E2 * math.sin(middle) ** 2
        prime_vertical = _A_KM / math.sqrt(w)
        meridional = prime_vertical * (1 - _E2) / w
        km = math.hypot(
            meridional * math.radians(lat2 - lat1),
            prime_vertical
            * math.cos(middle)
            * math.radians((lng2 - lng1 + 180) % 360 - 180),
        )
        if km < LOCAL_KM:
            return km
    return _GEODESIC.measure((lat1, lng1), (lat2, lng2))


def _ranked(rows, lat: float, lng: float, radius: float) -> list[dict]:
    """The rows inside the circle, nearest first by the flat map."""
    shrink = math.cos(math.radians(lat))
    flat = [
        (KM_PER_DEGREE * math.hypot(row["lat"] - lat, (row["lng"] - lng) * shrink), row)
        for row in rows
    ]
    flat.sort(key=lambda item: item[0])
    return [row for km, row in flat if km <= radius]


def _measured(rows, lat: float, lng: float) -> list[tuple[dict, float]]:
    """The rows with their distance, nearest first."""
    measured = [(row, distance_km(lat, lng, row["lat"], row["lng"])) for row in rows]
    measured.sort(key=lambda item: item[1])
    return measured


def nearest(
    queryset, lat: float, lng: float, *, limit: int, fields=("pk",)
) -> list[tuple[dict, float]]:
    """The `limit` rows of `queryset` nearest to lat/lng, as (their `fields`
    and lat/lng, km), nearest first: one query where venues are dense, a few
    where they are sparse."""
    by_plane = queryset.order_by(PlanarDistance(lat, lng)).values(*fields, "lat", "lng")
    radius = FIRST_RADIUS_KM
    while radius <= LAST_RADIUS_KM:
        ranked = _ranked(
            by_plane.filter(**bounding_box(lat, lng, radius))[:limit], lat, lng, radius
        )
        if len(ranked) >= limit:
            return _measured(ranked, lat, lng)
        # Grow by the density seen: the area to hold `limit`, with room to spare.
        radius *= max(2, 1.5 * math.sqrt(limit / max(len(ranked), 1)))
    # Far from every venue: no box is big enough, rank the whole queryset.
    return _measured(by_plane[:limit], lat, lng)
