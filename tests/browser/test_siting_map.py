"""The siting map draws its cells, the venues and the suggested sites on a
blank background when the tiles cannot load."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility
from tests.factories import AdminFactory, VenueFactory
from venues.demand import cell_of
from venues.models import DemandCount, DemandSource, Venue
from venues.siting import compute_siting


@pytest.fixture
def admin_page(live_server, page, transactional_db):
    client = Client()
    client.force_login(AdminFactory())
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )
    return page


def test_cells_venues_and_sites_draw_without_tiles(live_server, admin_page, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # tiles cannot load
    VenueFactory(category=Venue.Category.OUTDOOR_STATION, lat=29.952, lng=122.300)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for lat, lng, count in ((29.952, 122.300, 40), (29.81, 122.28, 70)):
        DemandCount.objects.create(
            date=yesterday,
            hour=9,
            source=DemandSource.NEAR_ME,
            cell=cell_of(lat, lng),
            count=count,
        )
    compute_siting()
    page = admin_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/console/siting/?category=outdoor_station&k=1")
    expect(page.locator("#siting-map")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#siting-map path.siting-cell")).to_have_count(2)
    expect(page.locator("#siting-map path.siting-venue")).to_have_count(1)
    expect(page.locator("#siting-map .siting-site")).to_have_count(1)
    expect(page.locator("[data-map-tiles-failed]")).to_be_visible()
    check_accessibility(page)
