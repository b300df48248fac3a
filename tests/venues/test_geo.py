"""Tests for venues.geo: WGS-84 -> GCJ-02 / BD-09 and map-app hand-off URLs."""

from urllib.parse import parse_qs, urlsplit

import pytest

from venues.geo import (
    NAV_APPS,
    gcj02_to_bd09,
    navigation_url,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

TOL = 1e-6  # degrees (~0.1 m)

# (wgs_lat, wgs_lng, gcj_lat, gcj_lng)
WGS_TO_GCJ = [
    # googollee/eviltransform, python/test.py (same table in go/transform_test.go
    # and javascript/test.js): shanghai, shenzhen, beijing.
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
    # wandergis/coordtransform, README.md: wgs84togcj02(116.404, 39.915)
    # -> [116.41024449916938, 39.91640428150164] (lng, lat order there).
    (39.915, 116.404, 39.91640428150164, 116.41024449916938),
    # feiquan123/coordtransform-go, coordtransform_test.go (Wuhan):
    # p = {114.363089, 30.517411}, expWGS84toGCJ02 (lng, lat order there).
    (30.517411, 114.363089, 30.515078352018758, 114.36861383019243),
]

# (gcj_lat, gcj_lng, bd_lat, bd_lng)
GCJ_TO_BD = [
    # wandergis/coordtransform, README.md: gcj02tobd09(116.404, 39.915)
    # -> [116.41036949371029, 39.92133699351021].
    (39.915, 116.404, 39.92133699351021, 116.41036949371029),
    # feiquan123/coordtransform-go, coordtransform_test.go: expGCJ02toBD09.
    (30.517411, 114.363089, 30.523754384540837, 114.36951652929112),
]

# (wgs_lat, wgs_lng, bd_lat, bd_lng)
WGS_TO_BD = [
    # feiquan123/coordtransform-go, coordtransform_test.go: expWGS84toBD09.
    (30.517411, 114.363089, 30.521392123098003, 114.3750500836037),
]

OUTSIDE_CHINA = [
    (51.5007, -0.1246),  # London
    (40.7128, -74.0060),  # New York
    (-33.8568, 151.2153),  # Sydney
]

# A venue in Shanghai (WGS-84) whose name needs escaping.
VENUE = {"lat": 31.1774276, "lng": 121.5272106, "name": "青年之家 & 活动中心"}


def _close(got: tuple[float, float], lat: float, lng: float) -> bool:
    return got == pytest.approx((lat, lng), abs=TOL)


def _query(url: str) -> tuple[str, str, dict[str, str]]:
    parts = urlsplit(url)
    qs = parse_qs(parts.query, strict_parsing=True)
    assert all(len(v) == 1 for v in qs.values()), qs
    return parts.netloc, parts.path, {k: v[0] for k, v in qs.items()}


@pytest.mark.parametrize(("wgs_lat", "wgs_lng", "gcj_lat", "gcj_lng"), WGS_TO_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(wgs_lat, wgs_lng, gcj_lat, gcj_lng):
    assert _close(wgs84_to_gcj02(wgs_lat, wgs_lng), gcj_lat, gcj_lng)


@pytest.mark.parametrize(("gcj_lat", "gcj_lng", "bd_lat", "bd_lng"), GCJ_TO_BD)
def test_gcj02_to_bd09_matches_published_pairs(gcj_lat, gcj_lng, bd_lat, bd_lng):
    assert _close(gcj02_to_bd09(gcj_lat, gcj_lng), bd_lat, bd_lng)


@pytest.mark.parametrize(("wgs_lat", "wgs_lng", "bd_lat", "bd_lng"), WGS_TO_BD)
def test_wgs84_to_bd09_matches_published_pairs(wgs_lat, wgs_lng, bd_lat, bd_lng):
    assert _close(wgs84_to_bd09(wgs_lat, wgs_lng), bd_lat, bd_lng)


@pytest.mark.parametrize(("wgs_lat", "wgs_lng", "_gcj_lat", "_gcj_lng"), WGS_TO_GCJ)
def test_wgs84_to_bd09_is_gcj02_then_bd09(wgs_lat, wgs_lng, _gcj_lat, _gcj_lng):
    assert wgs84_to_bd09(wgs_lat, wgs_lng) == gcj02_to_bd09(
        *wgs84_to_gcj02(wgs_lat, wgs_lng)
    )


@pytest.mark.parametrize(("lat", "lng"), [row[:2] for row in WGS_TO_GCJ])
def test_reference_points_are_in_china(lat, lng):
    assert not out_of_china(lat, lng)


@pytest.mark.parametrize(("lat", "lng"), OUTSIDE_CHINA)
def test_no_offset_outside_china(lat, lng):
    assert out_of_china(lat, lng)
    assert wgs84_to_gcj02(lat, lng) == (lat, lng)
    assert gcj02_to_bd09(lat, lng) == (lat, lng)
    assert wgs84_to_bd09(lat, lng) == (lat, lng)


def test_amap_url():
    host, path, q = _query(navigation_url("amap", **VENUE))
    assert (host, path) == ("uri.amap.com", "/navigation")
    lng, lat, name = q["to"].split(",")
    g_lat, g_lng = wgs84_to_gcj02(VENUE["lat"], VENUE["lng"])
    assert float(lat) == pytest.approx(g_lat, abs=TOL)
    assert float(lng) == pytest.approx(g_lng, abs=TOL)
    assert float(lat) != pytest.approx(VENUE["lat"], abs=1e-4)
    assert float(lng) != pytest.approx(VENUE["lng"], abs=1e-4)
    assert name == VENUE["name"]
    assert q["mode"] == "car"
    assert q["coordinate"] == "gaode"
    assert q["callnative"] == "1"
    assert q["src"] == "qunxian"


def test_baidu_url():
    host, path, q = _query(navigation_url("baidu", **VENUE))
    assert (host, path) == ("api.map.baidu.com", "/direction")
    latlng, name = q["destination"].split("|")
    assert latlng.startswith("latlng:")
    assert name == "name:" + VENUE["name"]
    lat, lng = (float(v) for v in latlng.removeprefix("latlng:").split(","))
    b_lat, b_lng = wgs84_to_bd09(VENUE["lat"], VENUE["lng"])
    assert lat == pytest.approx(b_lat, abs=TOL)
    assert lng == pytest.approx(b_lng, abs=TOL)
    # BD-09, not raw WGS-84 nor merely GCJ-02.
    g_lat, g_lng = wgs84_to_gcj02(VENUE["lat"], VENUE["lng"])
    assert lat != pytest.approx(VENUE["lat"], abs=1e-4)
    assert lng != pytest.approx(VENUE["lng"], abs=1e-4)
    assert lat != pytest.approx(g_lat, abs=1e-4)
    assert lng != pytest.approx(g_lng, abs=1e-4)
    assert q["mode"] == "driving"
    assert q["coord_type"] == "bd09ll"
    assert q["output"] == "html"
    assert q["src"] == "webapp.qunxian.portal"


def test_tencent_url():
    host, path, q = _query(navigation_url("tencent", **VENUE))
    assert (host, path) == ("apis.map.qq.com", "/uri/v1/routeplan")
    lat, lng = (float(v) for v in q["tocoord"].split(","))
    g_lat, g_lng = wgs84_to_gcj02(VENUE["lat"], VENUE["lng"])
    assert lat == pytest.approx(g_lat, abs=TOL)
    assert lng == pytest.approx(g_lng, abs=TOL)
    assert lat != pytest.approx(VENUE["lat"], abs=1e-4)
    assert lng != pytest.approx(VENUE["lng"], abs=1e-4)
    assert q["to"] == VENUE["name"]
    assert q["type"] == "drive"
    assert q["referer"] == "qunxian"


@pytest.mark.parametrize("app", NAV_APPS)
def test_urls_use_https_six_decimals_and_percent_escapes(app):
    url = navigation_url(app, **VENUE)
    assert url.startswith("https://")
    # Reserved characters in the name are escaped, never raw in the query.
    query = urlsplit(url).query
    assert "青" not in query
    assert "+" not in query  # spaces are %20
    assert query.count("&") == len(parse_qs(query)) - 1
    # Coordinates carry exactly 6 decimals.
    _, _, q = _query(url)
    coord_param = {"amap": "to", "baidu": "destination", "tencent": "tocoord"}[app]
    numbers = [
        part
        for part in q[coord_param].replace("|", ",").replace(":", ",").split(",")
        if part.replace(".", "").isdigit()
    ]
    assert len(numbers) == 2
    assert all(len(n.split(".")[1]) == 6 for n in numbers)


def test_separator_characters_in_name_cannot_break_fields():
    name = "妇女之家,二楼|东侧"
    _, _, q = _query(navigation_url("amap", lat=31.2, lng=121.5, name=name))
    assert q["to"].split(",")[2] == "妇女之家，二楼|东侧"
    _, _, q = _query(navigation_url("baidu", lat=31.2, lng=121.5, name=name))
    assert q["destination"].split("|")[1] == "name:妇女之家,二楼｜东侧"
    _, _, q = _query(navigation_url("tencent", lat=31.2, lng=121.5, name=name))
    assert q["to"] == name


def test_navigation_url_outside_china_keeps_coordinates():
    _, _, q = _query(navigation_url("tencent", lat=51.5007, lng=-0.1246, name="x"))
    assert q["tocoord"] == "51.500700,-0.124600"


@pytest.mark.parametrize("app", ["google", "", "AMAP", "gaode", "qq"])
def test_unknown_app_raises(app):
    with pytest.raises(ValueError, match="unknown navigation app"):
        navigation_url(app, **VENUE)
