"""The map at scale: clustered markers, the list of the venues in view as the
keyboard's and screen reader's way in, and a message when the tiles fail."""

import io

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, wait_until_still
from tests.factories import VenueFactory

FAR = "朱家尖景区一线职工驿站"


def zh(msgid: str, **params) -> str:
    """As the page's {% translate %} gives it; a literal's % are doubled there."""
    if not params:
        with translation.override("zh-hans"):
            return translation.gettext(msgid)
    with translation.override("zh-hans"):
        text = translation.gettext(msgid.replace("%", "%%"))
    return text.replace("%%", "%") % params


def allowed_tile_url() -> str:
    """A tile URL on the host the Content-Security-Policy lets images come from."""
    origin = django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"][-1]
    return origin + "/{z}/{x}/{y}.png"


@pytest.fixture
def crowded(transactional_db, settings):
    """Twelve venues in one town, a few hundred metres apart, and one far off."""
    settings.MAP_TILE_URL = allowed_tile_url()
    near = [
        VenueFactory(
            name=f"沈家门街道职工之家{n}号", lat=29.950 + n * 0.001, lng=122.300
        )
        for n in range(12)
    ]
    far = VenueFactory(name=FAR, lat=29.88, lng=122.42)
    return near, far


def in_view(page):
    return page.locator("[data-in-view-list] li")


def test_markers_cluster_and_the_list_follows_the_map(live_server, page, crowded):
    near, far = crowded
    page.route("**/*.png", lambda route: route.abort())  # no tile host in CI
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/venues/map/")

    clusters = page.locator("#venue-map .marker-cluster")
    expect(clusters).to_have_count(1)
    expect(clusters).to_have_text("12")
    expect(page.locator(f'#venue-map .venue-pin[title="{FAR}"]')).to_be_visible()
    heading = page.get_by_role("heading", name=zh("Venues in view"))
    expect(heading).to_be_visible()
    expect(in_view(page)).to_have_count(13)
    expect(page.locator("[data-in-view-count]")).to_have_text(
        zh("%(count)s shown", count=13)
    )
    check_accessibility(page)

    # A click on the cluster zooms to its venues: the far one leaves the list.
    wait_until_still(clusters.first)
    clusters.first.click()
    expect(page.locator("[data-in-view-list]")).not_to_contain_text(FAR)
    expect(in_view(page).first).to_contain_text("沈家门街道职工之家")

    # The list is the way in: a link to each venue's page.
    target = near[0]
    page.get_by_role("link", name=target.name, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/venues/{target.pk}/")


def test_the_keyboard_moves_the_map_and_uses_the_list_not_the_markers(
    live_server, page, crowded
):
    page.route("**/*.png", lambda route: route.abort())
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/venues/map/")
    expect(in_view(page)).to_have_count(13)
    # No tab stop per marker or cluster: the list is the accessible path.
    expect(page.locator("#venue-map .leaflet-marker-icon")).not_to_have_count(0)
    expect(page.locator("#venue-map .leaflet-marker-icon[tabindex]")).to_have_count(0)

    page.locator("#venue-map").focus()
    for _ in range(3):
        page.keyboard.press("Equal")  # Leaflet's "+": zoom in on the centre
        page.wait_for_timeout(400)
    expect(in_view(page)).not_to_have_count(13)
    for _ in range(8):
        page.keyboard.press("Minus")
        page.wait_for_timeout(300)
    expect(in_view(page)).to_have_count(13)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), "#dfe8e0").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_message_says_when_the_tiles_fail_and_the_map_still_works(
    live_server, page, crowded
):
    message = page.get_by_text(
        zh(
            "The map background could not be loaded. The venues are still marked, "
            "and the list of the venues in view works."
        )
    )
    tile = png()
    page.route(
        "**/*.png", lambda route: route.fulfill(body=tile, content_type="image/png")
    )
    page.goto(f"{live_server.url}/venues/map/")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    expect(in_view(page)).to_have_count(13)
    expect(message).to_be_hidden()

    page.unroute("**/*.png")
    page.route("**/*.png", lambda route: route.abort())
    page.reload()
    expect(message).to_be_visible()
    expect(in_view(page)).to_have_count(13)
    expect(page.locator("#venue-map .marker-cluster")).to_have_count(1)
    check_accessibility(page)
