"""Stored coordinates are WGS-84; Chinese map apps use GCJ-02 / BD-09, so we convert."""

import math
from typing import Final
from urllib.parse import quote, urlencode

__all__ = [
    "NAV_APPS",
    "gcj02_to_bd09",
    "navigation_url",
    "out_of_china",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_A: Final = 6378245.0
_EE: Final = 0.00669342162296594323
# Baidu's BD-09 constant.
_X_PI: Final = math.pi * 3000.0 / 180.0

NAV_APPS: Final = ("amap", "baidu", "tencent")

_COORD_DIGITS: Final = 6


def _query(params: dict[str, str]) -> str:
    # Spaces as %20, not "+": "+" means a space only in form encoding, and a
    # page decoding with JavaScript's decodeURIComponent would show it as is.
    return urlencode(params, quote_via=quote)


def out_of_china(lat: float, lng: float) -> bool:
    """Rough bounding-box test used by eviltransform / coordtransform.

    Points outside it get no GCJ-02 / BD-09 offset.
    """
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _sin_pi(v: float) -> float:
    return math.sin(v * math.pi)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
    ret += 0.2 * math.sqrt(abs(x))
    ret += (20.0 * _sin_pi(6.0 * x) + 20.0 * _sin_pi(2.0 * x)) * 2.0 / 3.0
    ret += (20.0 * _sin_pi(y) + 40.0 * _sin_pi(y / 3.0)) * 2.0 / 3.0
    ret += (160.0 * _sin_pi(y / 12.0) + 320.0 * _sin_pi(y / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
    ret += 0.1 * math.sqrt(abs(x))
    ret += (20.0 * _sin_pi(6.0 * x) + 20.0 * _sin_pi(2.0 * x)) * 2.0 / 3.0
    ret += (20.0 * _sin_pi(x) + 40.0 * _sin_pi(x / 3.0)) * 2.0 / 3.0
    ret += (150.0 * _sin_pi(x / 12.0) + 300.0 * _sin_pi(x / 30.0)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """WGS-84 -> GCJ-02 ("Mars coordinates"); input returned unchanged outside China."""
    if out_of_china(lat, lng):
        return lat, lng
    d_lat = _transform_lat(lng - 105.0, lat - 35.0)
    d_lng = _transform_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = math.sin(rad_lat)
    magic = 1 - _EE * magic * magic
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lng + d_lng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 -> BD-09; input returned unchanged outside China."""
    if out_of_china(lat, lng):
        return lat, lng
    z = math.hypot(lng, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def wgs84_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    """WGS-84 -> BD-09 (via GCJ-02); no offset outside China."""
    if out_of_china(lat, lng):
        return lat, lng
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))


def _fmt(value: float) -> str:
    """Coordinate rounded to 6 decimals (~0.1 m)."""
    return f"{value:.{_COORD_DIGITS}f}"


def navigation_url(app: str, *, lat: float, lng: float, name: str) -> str:
    """Web URI that opens ``app``'s route planner (or its web page) to a venue.

    ``lat``/``lng`` are the stored WGS-84 coordinates; they are converted to the
    coordinate system each provider expects. Parameters follow the providers'
    documented web URI APIs:

    * AMap: https://lbs.amap.com/api/uri-api/guide/travel/route
    * Baidu: https://lbsyun.baidu.com/index.php?title=uri/api/web (direction)
    * Tencent: https://lbs.qq.com/webApi/uriV1/uriGuide/uriWebRoute
    """
    if app == "amap":
        g_lat, g_lng = wgs84_to_gcj02(lat, lng)
        # ``to`` is "lon,lat[,name]": keep ASCII commas in the name from being
        # read as extra fields.
        label = name.replace(",", "，")
        query = _query(
            {
                "to": f"{_fmt(g_lng)},{_fmt(g_lat)},{label}",
                "mode": "car",
                "coordinate": "gaode",
                "callnative": "1",
                "src": "qunxian",
            }
        )
        return f"https://uri.amap.com/navigation?{query}"
    if app == "baidu":
        b_lat, b_lng = wgs84_to_bd09(lat, lng)
        # ``destination`` is "latlng:lat,lng|name:..." – "|" separates fields.
        label = name.replace("|", "｜")
        query = _query(
            {
                "destination": f"latlng:{_fmt(b_lat)},{_fmt(b_lng)}|name:{label}",
                "mode": "driving",
                "coord_type": "bd09ll",
                "output": "html",
                "src": "webapp.qunxian.portal",
            }
        )
        return f"https://api.map.baidu.com/direction?{query}"
    if app == "tencent":
        g_lat, g_lng = wgs84_to_gcj02(lat, lng)
        query = _query(
            {
                "type": "drive",
                "to": name,
                "tocoord": f"{_fmt(g_lat)},{_fmt(g_lng)}",
                "referer": "qunxian",
            }
        )
        return f"https://apis.map.qq.com/uri/v1/routeplan?{query}"
    raise ValueError(f"unknown navigation app {app!r}; expected one of {NAV_APPS}")
