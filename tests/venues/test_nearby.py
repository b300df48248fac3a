"""venues.nearby: distances on the ellipsoid and the nearest venues."""

import random

import pytest
from django.urls import reverse
from geographiclib.geodesic import Geodesic
from geopy.distance import geodesic

from tests.factories import OrganizationFactory, TownFactory, VenueFactory
from venues.models import Venue
from venues.nearby import LOCAL_KM, distance_km, nearest

WGS84 = Geodesic.WGS84


def venues_at(positions) -> list[Venue]:
    organization, town = OrganizationFactory(), TownFactory()
    return Venue.objects.bulk_create(
        VenueFactory.build(organization=organization, town=town, lat=lat, lng=lng)
        for lat, lng in positions
    )


def point_at(lat, lng, azimuth, km):
    line = WGS84.Direct(lat, lng, azimuth, km * 1000)
    return line["lat2"], line["lon2"]


@pytest.mark.parametrize("band", [(-60, 60), (60, 89.9)])
def test_short_distances_match_geopys_geodesic_to_half_a_metre(band):
    rng = random.Random(6)  # noqa: S311 - test data
    for _ in range(2000):
        lat = rng.uniform(*band) * rng.choice((1, -1))
        lng = rng.uniform(-180, 180)
        km = rng.uniform(0, LOCAL_KM)
        there = point_at(lat, lng, rng.uniform(0, 360), km)
        exact = geodesic((lat, lng), there).km
        assert distance_km(lat, lng, *there) == pytest.approx(exact, abs=0.0005)


def test_long_distances_are_geopys_geodesic():
    beijing, putuo = (39.9, 116.4), (29.952, 122.3)
    assert distance_km(*beijing, *putuo) == geodesic(beijing, putuo).km
    # Across the antimeridian the short way round, not 359°.
    assert distance_km(0, 179.9, 0, -179.9) == pytest.approx(22.264, abs=0.001)


@pytest.mark.django_db
def test_nearest_finds_what_measuring_every_venue_finds():
    rng = random.Random(7)  # noqa: S311 - test data
    venues = venues_at(
        (29.95 + rng.gauss(0, 0.05), 122.3 + rng.gauss(0, 0.05)) for _ in range(300)
    )
    for here in [(29.95, 122.3), (30.1, 122.1), (29.5, 123.0), (39.9, 116.4)]:
        by_geodesic = sorted(venues, key=lambda v: geodesic(here, (v.lat, v.lng)).km)
        found = nearest(Venue.objects.all(), *here, limit=12)
        assert [row["pk"] for row, _km in found] == [v.pk for v in by_geodesic[:12]]
        assert [km for _row, km in found] == pytest.approx(
            [geodesic(here, (v.lat, v.lng)).km for v in by_geodesic[:12]], abs=0.001
        )


@pytest.mark.django_db
def test_near_json_takes_one_query_where_venues_are_near_and_one_to_count(
    client, django_assert_num_queries
):
    rng = random.Random(8)  # noqa: S311 - test data
    venues_at(
        (29.95 + rng.gauss(0, 0.01), 122.3 + rng.gauss(0, 0.01)) for _ in range(200)
    )
    # One to find the venues, one to count the search in its cell (选址分析).
    with django_assert_num_queries(2):
        response = client.get(reverse("venues:near"), {"lat": "29.95", "lng": "122.3"})
    assert len(response.json()["venues"]) == 10


@pytest.mark.django_db
def test_latitude_bands_split_nothing_near_me_should_find():
    """Venues on either side of a band edge, and of the equator, are found."""
    lats = [29.999999, 30.0, 30.000001, 29.99, 30.01, -0.000001, 0.0, 0.000001]
    venues_at((lat, 122.3) for lat in lats)
    bands = dict(Venue.objects.values_list("lat", "lat_band"))
    assert [bands[lat] for lat in lats] == [2999, 3000, 3000, 2999, 3001, -1, 0, 0]
    found = nearest(Venue.objects.all(), 30.0, 122.3, limit=5)
    assert sorted(row["lat"] for row, _km in found) == sorted(lats[:5])
    found = nearest(Venue.objects.all(), 0.0, 122.3, limit=3)
    assert sorted(row["lat"] for row, _km in found) == sorted(lats[5:])


@pytest.mark.django_db
def test_near_me_at_district_density_takes_few_queries(
    client, django_assert_max_num_queries
):
    """47 venues over some 40 km, as in Putuo: the box grows by what it saw."""
    rng = random.Random(9)  # noqa: S311 - test data
    venues_at(
        (29.95 + rng.uniform(-0.18, 0.18), 122.3 + rng.uniform(-0.2, 0.2))
        for _ in range(47)
    )
    with django_assert_max_num_queries(5):  # and one to count the search
        response = client.get(reverse("venues:near"), {"lat": "29.95", "lng": "122.3"})
    assert len(response.json()["venues"]) == 10
