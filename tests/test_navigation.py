"""The ends' navigation: the current section marked one way (aria-current) in
every layout, and a menu that needs no JavaScript."""

import re

import pytest
from django.urls import reverse


def current_links(html: str) -> list[str]:
    """The hrefs of the links marked as the current page."""
    return re.findall(r'<a href="([^"]+)" aria-current="page">', html)


@pytest.mark.parametrize(
    ("page", "section"),
    [
        ("manage:venue_list", "manage:venue_list"),
        ("manage:booking_queue", "manage:booking_queue"),
        ("manage:booking_calendar", "manage:booking_calendar"),
        ("manage:appeal_list", "manage:appeal_list"),
        ("manage:notice_list", "manage:notice_list"),
    ],
)
def test_manager_pages_mark_their_section_in_bar_and_menu(
    client, manager_a, page, section
):
    client.force_login(manager_a)
    html = client.get(reverse(page)).content.decode()
    marked = current_links(html)
    assert marked and set(marked) == {reverse(section)}


def test_a_venue_page_marks_my_venues(client, manager_a, venue_a):
    client.force_login(manager_a)
    html = client.get(reverse("manage:venue_hours", args=[venue_a.pk])).content
    assert set(current_links(html.decode())) >= {reverse("manage:venue_list")}


@pytest.mark.parametrize(
    ("page", "section"),
    [
        ("console:home", "console:home"),
        ("console:venue_list", "console:venue_list"),
        ("console:venue_create", "console:venue_list"),
        ("console:manager_list", "console:manager_list"),
        ("console:audit_list", "console:audit_list"),
    ],
)
def test_console_pages_mark_their_section(client, admin_user, page, section):
    client.force_login(admin_user)
    html = client.get(reverse(page)).content.decode()
    assert set(current_links(html)) == {reverse(section)}


def test_portal_marks_its_section_the_same_way(client, worker):
    client.force_login(worker)
    html = client.get(reverse("bookings:list")).content.decode()
    assert current_links(html) == [reverse("bookings:list")]


def test_staff_menu_is_a_disclosure_holding_every_section(client, manager_a):
    client.force_login(manager_a)
    html = client.get(reverse("manage:home")).content.decode()
    menu = re.search(r'<details class="nav-menu">(.*?)</details>', html, re.S)
    assert menu and "<summary>" in menu.group(1)
    for name in ("manage:activity_list", "manage:review_list", "manage:indexes"):
        assert reverse(name) in menu.group(1)
    assert "<script" not in menu.group(1)
