"""The user end's directory: list, filters, map data, detail, hand-off."""

import datetime
import json
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ClosureFactory,
    FacilityFactory,
    OpeningHoursFactory,
    OrganizationFactory,
    TownFactory,
    VenueFactory,
)
from venues.geo import wgs84_to_bd09, wgs84_to_gcj02
from venues.models import Organization, Venue, VenueDailyStat
from venues.usage import flush_view_counts

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def names(response):
    return [venue.name for venue in response.context["venues"]]


def shanghai(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def frozen_now(monkeypatch):
    """Pin "now" for the open-now filter and the cards."""

    def freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


def test_list_is_sorted_by_name_and_hides_suspended_venues(client):
    VenueFactory(name="乙场所")
    VenueFactory(name="甲场所")
    VenueFactory(name="丙场所", status=Venue.Status.SUSPENDED)
    response = client.get(reverse("venues:list"))
    assert names(response) == sorted(["乙场所", "甲场所"])


def test_filter_by_organisation_kind_category_and_town(client):
    youth = OrganizationFactory(name="共青团普陀区委", kind=Organization.Kind.YOUTH)
    island = TownFactory(name="六横镇", lat=29.73, lng=122.14)
    VenueFactory(name="职工之家")
    VenueFactory(name="青年之家", organization=youth, category="youth_home")
    VenueFactory(name="六横青年之家", organization=youth, town=island)
    url = reverse("venues:list")
    assert set(names(client.get(url, {"kind": "youth"}))) == {
        "青年之家",
        "六横青年之家",
    }
    assert names(client.get(url, {"category": "youth_home"})) == ["青年之家"]
    assert names(client.get(url, {"kind": "youth", "town": island.pk})) == [
        "六横青年之家"
    ]
    assert set(names(client.get(url, {"kind": ["youth", "union"]}))) == {
        "职工之家",
        "青年之家",
        "六横青年之家",
    }


def test_facility_filter_requires_all_chosen_facilities(client):
    water = FacilityFactory(code="water", name="饮用水", icon="water")
    aed = FacilityFactory(code="aed", name="AED除颤器", icon="aed")
    both = VenueFactory(name="两样都有")
    both.facilities.add(water, aed)
    VenueFactory(name="只有水").facilities.add(water)
    response = client.get(reverse("venues:list"), {"facilities": [water.pk, aed.pk]})
    assert names(response) == ["两样都有"]


def test_text_search_matches_name_or_address(client):
    VenueFactory(name="普工@家", address="展茅街道黄杨尖村")
    VenueFactory(name="沈家门职工之家", address="沈家门街道渔港路1号")
    url = reverse("venues:list")
    assert names(client.get(url, {"q": "黄杨尖"})) == ["普工@家"]
    assert names(client.get(url, {"q": "沈家门"})) == ["沈家门职工之家"]


def test_bad_filter_values_show_an_error_and_no_results(client):
    VenueFactory()
    response = client.get(reverse("venues:list"), {"town": "999999"})
    assert response.status_code == 200
    assert response.context["venues"] == []
    assert response.context["filter"].errors


@pytest.mark.parametrize("page", ["0", "abc", "-1", "999"])
def test_bad_page_number_is_not_found(client, page):
    assert client.get(reverse("venues:list"), {"page": page}).status_code == 404


def test_list_pages_by_twenty(client):
    VenueFactory.create_batch(25)
    first = client.get(reverse("venues:list"))
    assert len(first.context["venues"]) == 20 and first.context["has_next"]
    second = client.get(reverse("venues:list"), {"page": 2})
    assert len(second.context["venues"]) == 5 and not second.context["has_next"]


# Opening hours: the SQL filter and the card agree, in Shanghai time.


@pytest.fixture
def night_venue():
    """Open Fridays 22:00 to Saturday 02:00, and Mondays 09:00–17:00."""
    venue = VenueFactory(name="夜间驿站")
    OpeningHoursFactory(
        venue=venue, weekday=4, opens=datetime.time(22), closes=datetime.time(2)
    )
    OpeningHoursFactory(venue=venue, weekday=0)
    return venue


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (shanghai(2026, 11, 27, 23, 0), True),  # Friday night
        (shanghai(2026, 11, 28, 1, 30), True),  # Saturday, past midnight
        (shanghai(2026, 11, 28, 2, 0), False),  # closing minute
        (shanghai(2026, 11, 30, 9, 0), True),  # Monday morning
        (shanghai(2026, 11, 30, 17, 0), False),
        (datetime.datetime(2026, 11, 30, 1, 30, tzinfo=datetime.UTC), True),  # 09:30
    ],
)
def test_open_now_filter_across_midnight(
    client, frozen_now, night_venue, moment, is_open
):
    frozen_now(moment)
    response = client.get(reverse("venues:list"), {"open_now": "on"})
    assert names(response) == (["夜间驿站"] if is_open else [])
    card = client.get(reverse("venues:list")).context["venues"][0]
    assert card.state.is_open is is_open


def test_closure_closes_the_tail_of_last_nights_range(client, frozen_now, night_venue):
    ClosureFactory(
        venue=night_venue,
        start_date=datetime.date(2026, 11, 28),
        end_date=datetime.date(2026, 11, 29),
    )
    frozen_now(shanghai(2026, 11, 28, 1, 30))
    assert names(client.get(reverse("venues:list"), {"open_now": "on"})) == []
    card = client.get(reverse("venues:list")).context["venues"][0]
    assert not card.state.is_open
    assert card.state.opens_at == shanghai(2026, 11, 30, 9, 0)


def test_list_query_count_does_not_grow_with_venues(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    water = FacilityFactory()

    def fill(count):
        for venue in VenueFactory.create_batch(count):
            venue.facilities.add(water)
            OpeningHoursFactory(venue=venue)

    fill(10)
    with django_assert_max_num_queries(9) as small:  # one for the holiday list
        client.get(reverse("venues:list"), {"facilities": water.pk})
    with django_capture_on_commit_callbacks(execute=True):
        fill(190)
    with django_assert_max_num_queries(len(small)) as large:
        response = client.get(reverse("venues:list"), {"facilities": water.pk})
    assert len(response.context["venues"]) == 20
    assert len(large) == len(small)


# Near me


def test_shared_position_sorts_by_distance_and_shows_it(client):
    TownFactory()
    VenueFactory(name="远", lat=29.73, lng=122.14)  # 六横
    VenueFactory(name="近", lat=29.953, lng=122.301)
    VenueFactory(name="中", lat=29.975, lng=122.27)
    response = client.get(reverse("venues:list"), {"lat": "29.952", "lng": "122.300"})
    assert names(response) == ["近", "中", "远"]
    distances = [venue.distance for venue in response.context["venues"]]
    assert distances == sorted(distances)
    assert 0.05 < distances[0] < 0.2
    assert "km" in response.content.decode() or "公里" in response.content.decode()


def test_distance_sort_pages_and_honours_filters(client):
    youth = OrganizationFactory(name="共青团普陀区委", kind=Organization.Kind.YOUTH)
    for i in range(25):
        VenueFactory(name=f"团{i:02d}", organization=youth, lat=29.952 + i * 0.01)
    VenueFactory(name="工会最近", lat=29.952, lng=122.300)
    params = {"lat": "29.952", "lng": "122.300", "kind": "youth"}
    first = client.get(reverse("venues:list"), params)
    assert names(first)[:3] == ["团00", "团01", "团02"]
    second = client.get(reverse("venues:list"), {**params, "page": 2})
    assert names(second) == [f"团{i:02d}" for i in range(20, 25)]


def test_far_away_position_still_finds_the_nearest(client):
    VenueFactory(name="普陀", lat=29.952, lng=122.300)
    response = client.get(reverse("venues:list"), {"lat": "39.9", "lng": "116.4"})
    assert names(response) == ["普陀"]


@pytest.mark.parametrize("lat", ["abc", "91", ""])
def test_bad_position_is_reported_and_ignored(client, lat):
    VenueFactory()
    response = client.get(reverse("venues:list"), {"lat": lat, "lng": "122.3"})
    assert response.status_code == 200
    assert response.context["location_invalid"]
    assert not response.context["by_distance"]


# GeoJSON and the map


def test_geojson_is_a_valid_feature_collection(client):
    venue = VenueFactory(name="普工@家", lat=30.02, lng=122.21)
    VenueFactory(status=Venue.Status.SUSPENDED)
    response = client.get(reverse("venues:geojson"))
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [122.21, 30.02]}
    assert feature["properties"]["name"] == "普工@家"
    assert feature["properties"]["url"] == venue.get_absolute_url()


def test_geojson_escapes_what_json_must(client):
    venue = VenueFactory(name='"普工" \\ 之家\t', address="海港路\n1号")
    [feature] = client.get(reverse("venues:geojson")).json()["features"]
    assert feature["id"] == venue.pk
    assert feature["properties"] == {
        "name": venue.name,
        "organization": venue.organization.name,
        "category": venue.get_category_display(),
        "address": venue.address,
        "url": venue.get_absolute_url(),
    }


def test_geojson_with_no_venue_is_an_empty_collection(client):
    VenueFactory(status=Venue.Status.SUSPENDED)
    data = client.get(reverse("venues:geojson")).json()
    assert data == {"type": "FeatureCollection", "features": []}


def test_geojson_honours_the_list_filters(client):
    youth = OrganizationFactory(name="共青团普陀区委", kind=Organization.Kind.YOUTH)
    VenueFactory(name="职工之家")
    VenueFactory(name="青年之家", organization=youth)
    data = client.get(reverse("venues:geojson"), {"kind": "youth"}).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["青年之家"]


def test_geojson_rejects_bad_filters(client):
    response = client.get(reverse("venues:geojson"), {"kind": "pirates"})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_geojson_query_count_is_constant(client, django_assert_max_num_queries):
    VenueFactory.create_batch(3)
    with django_assert_max_num_queries(3) as small:
        client.get(reverse("venues:geojson"))
    VenueFactory.create_batch(50)
    with django_assert_max_num_queries(len(small)):
        client.get(reverse("venues:geojson"))


def test_map_page_uses_self_hosted_leaflet_and_links_to_the_list(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    page = client.get(reverse("venues:map"), {"kind": "youth"}).content.decode()
    assert "/static/leaflet/leaflet.js" in page
    assert 'data-tiles="https://tiles.example.cn/{z}/{x}/{y}.png"' in page
    assert f"{reverse('venues:geojson')}?kind=youth" in page
    assert f'href="{reverse("venues:list")}?kind=youth"' in page
    assert "unpkg" not in page and "cdn" not in page.lower()


# Detail page and the navigation hand-off


def test_detail_shows_what_a_worker_needs_and_counts_the_view(client):
    venue = VenueFactory(name="沈家门职工之家", phone="0580-1234567")
    OpeningHoursFactory(venue=venue, weekday=0)
    venue.facilities.add(FacilityFactory())
    response = client.get(venue.get_absolute_url())
    page = response.content.decode()
    assert 'href="tel:05801234567"' in page
    assert "09:00–17:00" in page
    for app in ("amap", "baidu", "tencent"):
        assert reverse("venues:navigate", args=[venue.pk, app]) in page
    client.get(venue.get_absolute_url())
    flush_view_counts()
    stat = VenueDailyStat.objects.get(venue=venue, date=timezone.localdate())
    assert (stat.views, stat.navigations) == (1, 0)  # one visitor, one view a day


def test_suspended_venue_page_is_not_found(client):
    venue = VenueFactory(status=Venue.Status.SUSPENDED)
    assert client.get(venue.get_absolute_url()).status_code == 404
    url = reverse("venues:navigate", args=[venue.pk, "amap"])
    assert client.get(url).status_code == 404


def test_detail_query_count_is_bounded(client, django_assert_max_num_queries):
    venue = VenueFactory()
    for weekday in range(7):
        OpeningHoursFactory(venue=venue, weekday=weekday)
    with django_assert_max_num_queries(12):
        client.get(venue.get_absolute_url())


@pytest.mark.parametrize(
    ("app", "host", "convert"),
    [
        ("amap", "uri.amap.com", wgs84_to_gcj02),
        ("baidu", "api.map.baidu.com", wgs84_to_bd09),
        ("tencent", "apis.map.qq.com", wgs84_to_gcj02),
    ],
)
def test_navigation_counts_and_hands_off_with_converted_coordinates(
    client, app, host, convert
):
    venue = VenueFactory(name="普工@家", lat=30.02, lng=122.21)
    response = client.get(reverse("venues:navigate", args=[venue.pk, app]))
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.hostname == host
    lat, lng = convert(venue.lat, venue.lng)
    query = " ".join(v for values in parse_qs(target.query).values() for v in values)
    assert f"{lat:.6f}" in query and f"{lng:.6f}" in query
    assert "普工@家" in query
    stat = VenueDailyStat.objects.get(venue=venue, date=timezone.localdate())
    assert stat.navigations == 1


def test_unknown_map_app_is_not_found_and_not_counted(client):
    venue = VenueFactory()
    response = client.get(reverse("venues:navigate", args=[venue.pk, "google"]))
    assert response.status_code == 404
    assert not VenueDailyStat.objects.exists()


def test_near_json_lists_the_nearest_with_distances(client):
    VenueFactory(name="远", lat=29.73, lng=122.14)
    VenueFactory(name="近", lat=29.953, lng=122.301)
    VenueFactory(name="停用", lat=29.952, lng=122.300, status=Venue.Status.SUSPENDED)
    data = client.get(reverse("venues:near"), {"lat": "29.952", "lng": "122.3"}).json()
    assert [v["name"] for v in data["venues"]] == ["近", "远"]
    assert data["venues"][0]["distance_km"] < 0.2 < data["venues"][1]["distance_km"]


@pytest.mark.parametrize(
    "params", [{}, {"lat": "x", "lng": "1"}, {"lat": "95", "lng": "1"}]
)
def test_near_json_refuses_a_bad_position(client, params):
    assert client.get(reverse("venues:near"), params).status_code == 400


def test_anonymous_list_is_cached_until_a_venue_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    venue = VenueFactory(name="旧名")
    client.get(reverse("venues:list"))
    with django_assert_num_queries(0):
        response = client.get(reverse("venues:list"))
    assert "旧名" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        venue.name = "新名"
        venue.save()
    assert "新名" in client.get(reverse("venues:list")).content.decode()


def test_the_cache_is_invalidated_only_when_the_change_commits(
    client, django_capture_on_commit_callbacks
):
    venue = VenueFactory(name="旧名")
    client.get(reverse("venues:list"))
    with django_capture_on_commit_callbacks() as callbacks:
        venue.name = "新名"
        venue.save()
        # Before the commit another process may still read the old row: the
        # old version must stay, or it would cache the old page under the new one.
        assert "旧名" in client.get(reverse("venues:list")).content.decode()
    assert callbacks
    for callback in callbacks:
        callback()
    assert "新名" in client.get(reverse("venues:list")).content.decode()


def test_signed_in_visitors_are_never_served_the_anonymous_cache(client, worker):
    VenueFactory()
    client.get(reverse("venues:list"))
    client.force_login(worker)
    page = client.get(reverse("venues:list")).content.decode()
    assert reverse("account_logout") in page  # their own page, not the cached one


def test_signed_in_list_reuses_the_shared_cards_until_a_venue_changes(
    client, worker, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    venue = VenueFactory(name="旧名")
    client.force_login(worker)
    client.get(reverse("venues:list"))
    with django_assert_max_num_queries(5):  # session, user, roles, messages only
        page = client.get(reverse("venues:list")).content.decode()
    assert "旧名" in page and reverse("account_logout") in page
    with django_capture_on_commit_callbacks(execute=True):
        venue.name = "新名"
        venue.save()
    assert "新名" in client.get(reverse("venues:list")).content.decode()
