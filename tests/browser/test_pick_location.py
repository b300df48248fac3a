import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import wait_until_still
from tests.factories import AdminFactory, VenueFactory


def place_on_map(marker, map_):
    """The marker's position within the map, whatever the page's scroll."""
    icon, frame = marker.bounding_box(), map_.bounding_box()
    return round(icon["x"] - frame["x"]), round(icon["y"] - frame["y"])


@pytest.fixture
def admin_page(live_server, page, transactional_db):
    client = Client()
    client.force_login(AdminFactory())
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )
    return page


def test_clicking_the_map_fills_the_coordinates_and_typing_moves_the_marker(
    live_server, admin_page, settings
):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # tiles cannot load
    page = admin_page
    violations = []
    page.on(
        "console",
        # Scripts and styles, that is; the unreachable tile host is refused too.
        lambda message: (
            "Content Security Policy" in message.text
            and ("script-src" in message.text or "style-src" in message.text)
            and violations.append(message.text)
        ),
    )
    venue = VenueFactory(lat=29.952, lng=122.300)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/console/venues/{venue.pk}/")

    picker = page.locator("[data-pick-location]")
    expect(picker).to_be_visible()
    marker = page.locator(".leaflet-marker-icon")
    expect(marker).to_have_count(1)
    lat, lng = page.locator("#id_lat"), page.locator("#id_lng")

    pick_map = page.locator(".pick-map")
    box = pick_map.bounding_box()
    # Up and right of the marker, clear of the zoom buttons and the attribution.
    pick_map.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.3})
    assert float(lat.input_value()) > 29.952
    assert float(lng.input_value()) > 122.3

    wait_until_still(marker)
    before = place_on_map(marker, pick_map)
    lat.fill("29.95")
    lng.fill("122.31")
    wait_until_still(marker)  # the map pans to the typed position
    assert place_on_map(marker, pick_map) != before

    page.get_by_role("button", name="保存").click()
    venue.refresh_from_db()
    assert (venue.lat, venue.lng) == (29.95, 122.31)
    assert not violations
