"""The system-admin end: a district admin creates a venue (typing its WGS-84
coordinates), gives it a manager with a new account, computes the month's
indexes and exports the ranking as CSV. Every page is checked with axe-core.
"""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from feedback.models import IndexSnapshot
from feedback.periods import last_complete_month
from tests.factories import (
    AdminFactory,
    FacilityFactory,
    OrganizationFactory,
    TownFactory,
    VenueFactory,
)
from venues.models import Organization, Venue

NEW_MANAGER_PHONE = "13912345678"


@pytest.fixture
def district(transactional_db):
    union = OrganizationFactory(name="普陀区总工会", kind=Organization.Kind.UNION)
    women = OrganizationFactory(name="普陀区妇联", kind=Organization.Kind.WOMEN)
    TownFactory(name="沈家门街道")
    town = TownFactory(name="东极镇", lat=30.19, lng=122.68)
    aed = FacilityFactory(code="aed", name="AED 除颤器", icon="aed")
    FacilityFactory(code="water", name="饮用水", icon="water")
    VenueFactory(name="沈家门职工之家", organization=union)
    return {
        "admin": AdminFactory(display_name="区管理员"),
        "women": women,
        "town": town,
        "aed": aed,
    }


def test_admin_creates_a_venue_assigns_a_manager_computes_and_exports(
    open_browser, district
):
    admin = open_browser("admin")
    page, t = admin.page, admin.t

    admin.log_in(district["admin"], next_path="/console/")
    expect(page).to_have_url(admin.url("/console/"))

    # -- A new venue, its position typed in (the map picker is optional) ----------
    admin.section("Venues")
    expect(page).to_have_url(admin.url("/console/venues/"))
    admin.go(page.get_by_role("link", name=t("New venue"), exact=True))
    expect(page).to_have_url(admin.url("/console/venues/new/"))
    form = page.locator("form:has(input[name=lat])")
    form.locator("input[name=name]").fill("东极镇妇女儿童之家")
    form.locator("select[name=organization]").select_option(str(district["women"].pk))
    form.locator("select[name=category]").select_option(
        Venue.Category.WOMEN_CHILDREN_HOME
    )
    form.locator("select[name=town]").select_option(str(district["town"].pk))
    form.locator("input[name=address]").fill("东极镇庙子湖村 18 号")
    form.locator("input[name=lat]").fill("30.1872")
    form.locator("input[name=lng]").fill("122.6810")
    form.locator("input[name=phone]").fill("0580-3012345")
    form.locator(f"input[name=facilities][value='{district['aed'].pk}']").check()
    admin.go(form.get_by_role("button", name=t("Create venue")))
    venue = Venue.objects.get(name="东极镇妇女儿童之家")
    expect(page).to_have_url(admin.url(f"/console/venues/{venue.pk}/"))
    expect(admin.message()).to_contain_text(t("The venue was created."))
    assert (venue.lat, venue.lng) == (30.1872, 122.681)
    assert (venue.organization, venue.town) == (district["women"], district["town"])
    assert list(venue.facilities.all()) == [district["aed"]]

    # -- … and a manager for it, with a new account ----------------------------
    admin.go(page.get_by_role("link", name=t("Create a manager account")))
    expect(page).to_have_url(admin.url("/console/managers/new/"))
    form = page.locator("form:has(input[name=password1])")
    form.locator("input[name=phone]").fill(NEW_MANAGER_PHONE)
    form.locator("input[name=display_name]").fill("周站长")
    form.locator("input[name=password1]").fill("Haidao-2024-xin")
    form.locator("input[name=password2]").fill("Haidao-2024-xin")
    form.locator(f"input[name=venues][value='{venue.pk}']").check()
    admin.go(form.get_by_role("button", name=t("Create account")))
    expect(page).to_have_url(re.compile(r"/console/managers/\d+/$"))
    managing = page.locator("section[aria-labelledby=venues-title]")
    expect(managing.get_by_role("link", name=venue.name)).to_be_visible()
    manager = venue.managers.get()
    assert (manager.phone, manager.display_name) == (NEW_MANAGER_PHONE, "周站长")

    # -- The month's indexes, computed now (no "Indexes" link in the console nav) --
    admin.visit("/console/indexes/")
    period = last_complete_month()
    month = f"{period:%Y-%m}"
    admin.go(page.get_by_role("button", name=t("Compute %(month)s", month=month)))
    expect(page).to_have_url(admin.url(f"/console/indexes/?period={period:%Y-%m}"))
    ranking = page.locator("table.ranking-table")
    expect(ranking.get_by_role("rowheader", name=venue.name)).to_be_visible()
    assert IndexSnapshot.objects.filter(period=period, venue=venue).exists()

    # -- … exported as CSV -----------------------------------------------------------
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t("Export CSV")).click()
    download = download_info.value
    assert download.suggested_filename == f"indexes-{period:%Y-%m}.csv"
    text = download.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    # The export is in the admin's language, like the page.
    assert header[:3] == [t("Rank"), t("Venue"), t("Organisation")]
    by_venue = {row[1]: row for row in body}
    assert set(by_venue) == {"沈家门职工之家", venue.name}
    row = by_venue[venue.name]
    assert row[2] == "普陀区妇联"
    assert int(row[0]) in (1, 2)
    composite = header.index(t("Service pioneer index"))
    assert float(row[composite]) >= 0
    assert len(row) == len(header)
