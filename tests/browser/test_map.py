import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, open_popup
from tests.factories import VenueFactory


@pytest.fixture
def venues_on_map(transactional_db):
    return [
        VenueFactory(name="普工@家", address="展茅街道黄杨尖村", lat=30.02, lng=122.21),
        VenueFactory(name="沈家门职工之家", lat=29.952, lng=122.300),
        VenueFactory(name="东港青年之家", lat=29.965, lng=122.335),
    ]


def test_map_shows_markers_without_tiles_and_leads_to_the_venue(
    live_server, page, venues_on_map, settings
):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # tiles cannot load
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/venues/map/")
    expect(page.locator("#venue-map")).to_have_attribute("data-markers", "3")
    with translation.override("zh-hans"):
        list_link = translation.gettext("Show as list")
    expect(page.get_by_role("link", name=list_link)).to_be_visible()
    check_accessibility(page)

    popup = page.locator(".leaflet-popup-content")
    target = venues_on_map[0]  # 12 km from the others: a marker of its own
    open_popup(page.locator(f'#venue-map .venue-pin[title="{target.name}"]'), popup)
    expect(popup).to_contain_text(target.name)
    popup.get_by_role("link", name=target.name).click()
    expect(page).to_have_url(re.compile(rf"/venues/{target.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(target.name)
    check_accessibility(page)
