"""The demo's month of demand: 桃花镇 is the clearly underserved town, and the
console shows the coverage map, the underserved cells and 3 suggested sites."""

from django.test import Client
from django.urls import reverse

from qunxian.models import User
from venues.models import DemandCount, DemandSource, SitingSnapshot, Venue


def test_the_console_shows_coverage_underserved_cells_and_three_sites(demo):
    assert DemandCount.objects.filter(source=DemandSource.NEAR_ME).exists()
    assert DemandCount.objects.filter(source=DemandSource.NAVIGATION).exists()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("console:siting"), {"k": 3})
    assert page.status_code == 200
    assert page.context["category"] == Venue.Category.OUTDOOR_STATION
    towns = {row["town"]: row for row in page.context["towns"]}
    snapshot = page.context["snapshot"]
    by_town = {t["town"]: t for t in snapshot.data["towns"]}
    # The underserved town: much demand, none of it within reach.
    assert by_town["桃花镇"]["covered"] == 0 and by_town["桃花镇"]["demand"] > 1000
    assert "桃花镇" in towns
    assert [c["town"] for c in page.context["underserved"][:3]] == ["桃花镇"] * 3
    sites = page.context["suggestion"]["sites"]
    assert len(sites) == 3
    assert all(site["adds"] > 0 for site in sites)
    # Solved to optimality, or the best found in the time on a busy machine.
    assert page.context["suggestion"]["method"] in ("optimal", "solver")
    assert sites[0]["town"] == "桃花镇"
    text = page.content.decode()
    assert 'id="siting-map"' in text
    cells = client.get(page.context["request"].path + "cells.geojson").json()
    assert sum(f["properties"]["kind"] == "site" for f in cells["features"]) == 3
    assert SitingSnapshot.objects.count() == len(Venue.Category.values)
