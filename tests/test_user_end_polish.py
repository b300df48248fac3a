"""Issue 14's smaller defects and English mode, through HTTP: sign-up greets by
name, empty filters, the folded filter card, a venue's notices on its page,
bold in notices, translated shipped data, plurals, a meta description, and
compression only where no secret is in the page."""

import gzip
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from notices.html import sanitize_html
from qunxian import sms
from tests.factories import (
    FacilityFactory,
    NoticeFactory,
    OrganizationFactory,
    UserFactory,
    VenueFactory,
)
from venues.models import Organization, Venue


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


def test_sign_up_greets_the_new_user_by_the_name_they_chose(client, db, settings):
    settings.SMS_BACKEND = "qunxian.sms.MemoryBackend"
    sms.outbox.clear()
    client.post(
        reverse("account_signup"),
        {
            "phone": "13800138000",
            "display_name": "王师傅",
            "password1": "sea-breeze-2026",
            "password2": "sea-breeze-2026",
        },
    )
    code = sms.outbox[-1].params["code"]
    response = client.post(reverse("account_verify_phone"), {"code": code}, follow=True)
    assert client.get(reverse("profile")).status_code == 200  # signed up and in
    greeting = " ".join(str(m) for m in get_messages(response.wsgi_request))
    page = response.content.decode()
    assert "王师傅" in greeting or "王师傅" in page
    assert "u13800138000" not in greeting and "u13800138000" not in page


@pytest.mark.parametrize("query", ["facilities=", "kind=", "facilities=&kind="])
def test_empty_filter_values_are_ignored(client, db, query):
    VenueFactory(name="沈家门职工之家")
    response = client.get(f"{reverse('venues:list')}?{query}")
    assert [v.name for v in response.context["venues"]] == ["沈家门职工之家"]
    geojson = client.get(f"{reverse('venues:geojson')}?{query}").json()
    assert len(geojson["features"]) == 1


def test_the_list_says_how_many_were_found_and_how_many_filters_are_on(client, db):
    water = FacilityFactory()
    VenueFactory(name="甲").facilities.set([water])
    VenueFactory(name="乙")
    youth = OrganizationFactory(name="共青团普陀区委", kind=Organization.Kind.YOUTH)
    VenueFactory(name="丙", organization=youth)
    everything = in_english(client).get(reverse("venues:list"))
    assert everything.context["found"] == 3
    assert "3 found" in everything.content.decode()
    narrowed = client.get(
        reverse("venues:list"), {"kind": "union", "facilities": water.pk}
    )
    assert narrowed.context["found"] == 1
    assert narrowed.context["active_filters"] == 2
    page = narrowed.content.decode()
    assert re.search(r'<span class="filter-count">2 selected</span>', page)
    # Folded: the <details> is closed unless a filter is wrong.
    assert '<details class="more-filters">' in page


def test_a_venues_own_notices_show_on_its_page(client, db):
    venue = VenueFactory()
    NoticeFactory(venue=venue, title="周六亲子阅读时段调整")
    NoticeFactory(title="全区通知")
    url = reverse("notices:venue", args=[venue.pk])
    venue_page = client.get(venue.get_absolute_url()).content.decode()
    assert f'data-hx-get="{url}"' in venue_page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "周六亲子阅读时段调整" in partial and "全区通知" not in partial
    page = client.get(url)  # without JS: a page of its own
    assert page.templates[0].name == "notices/venue_notices.html"
    assert "周六亲子阅读时段调整" in page.content.decode()


def test_a_venue_without_notices_adds_nothing_to_its_page(client, db):
    venue = VenueFactory()
    url = reverse("notices:venue", args=[venue.pk])
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.content.decode().strip() == ""


def test_a_suspended_venues_notices_are_not_found(client, db):
    venue = VenueFactory(status=Venue.Status.SUSPENDED)
    assert client.get(reverse("notices:venue", args=[venue.pk])).status_code == 404


def test_bold_and_italics_survive_the_notice_sanitiser():
    assert sanitize_html("<p><b>加粗</b> <i>斜体</i></p>") == (
        "<p><b>加粗</b> <i>斜体</i></p>"
    )


def test_the_notice_form_help_is_in_the_readers_language(client, manager_a):
    in_english(client).force_login(manager_a)
    page = client.get(reverse("manage:notice_create")).content.decode()
    assert "Optional. A PDF file of up to 10 MB." in page


def test_shipped_facilities_and_categories_read_in_english(client, db):
    venue = VenueFactory(category=Venue.Category.WORKERS_HOME)
    venue.facilities.set([FacilityFactory(code="water", name="饮用水")])
    page = in_english(client).get(venue.get_absolute_url()).content.decode()
    assert "Drinking water" in page and "饮用水" not in page
    assert "Workers&#x27; home" in page and "职工之家</span>" not in page
    listing = client.get(reverse("venues:list")).content.decode()
    assert "Drinking water" in listing and "饮用水" not in listing


def test_a_facility_added_later_shows_its_own_name(client, db):
    venue = VenueFactory()
    venue.facilities.set([FacilityFactory(code="massage", name="按摩椅")])
    assert "按摩椅" in in_english(client).get(venue.get_absolute_url()).content.decode()


def test_the_activities_table_head_is_not_the_index_word(client, manager_a):
    client.force_login(manager_a)
    page = client.get(reverse("manage:activity_list")).content.decode()
    assert "活跃度" not in page


def test_plurals_of_one(client, db):
    from tests.factories import bookable_space

    space = bookable_space(cancel_cutoff_minutes=1)
    page = (
        in_english(client)
        .get(reverse("bookings:availability", args=[space.pk]))
        .content.decode()
    )
    assert "Cancel up to 1 minute before the start." in page


def test_every_page_has_a_meta_description(client, db):
    venue = VenueFactory(name="沈家门职工之家")
    home = client.get(reverse("home")).content.decode()
    assert re.search(r'<meta name="description" content="[^"]+">', home)
    page = client.get(venue.get_absolute_url()).content.decode()
    assert re.search(r'<meta name="description" content="沈家门职工之家[^"]*">', page)


def test_public_pages_go_out_compressed(client, db):
    VenueFactory.create_batch(5)
    response = client.get(reverse("venues:list"), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.content)


def test_pages_with_secrets_go_out_uncompressed(client, db):
    """BREACH: no compression of a page with a CSRF token or personal data."""
    gzip_ok = {"Accept-Encoding": "gzip"}
    login = client.get(reverse("account_login"), headers=gzip_ok)
    assert "csrfmiddlewaretoken" in login.content.decode()
    assert not login.has_header("Content-Encoding")
    client.force_login(UserFactory())
    mine = client.get(reverse("venues:list"), headers=gzip_ok)
    assert not mine.has_header("Content-Encoding")


def test_a_kept_public_page_is_compressed_once_not_per_request(client, db, monkeypatch):
    from qunxian import caching

    calls = []

    def counted(content, **kwargs):
        calls.append(len(content))
        return gzip.compress(content, mtime=0)

    monkeypatch.setattr(caching, "compress_string", counted)
    VenueFactory.create_batch(5)
    gzip_ok = {"Accept-Encoding": "gzip, deflate, br"}
    plain = client.get(reverse("venues:list"))
    assert calls == []  # not for a client that takes it plain
    bodies = [client.get(reverse("venues:list"), headers=gzip_ok) for _ in range(3)]
    assert len(calls) == 1
    for response in bodies:
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert gzip.decompress(response.content) == plain.content
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]
