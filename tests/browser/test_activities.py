"""A manager publishes an activity for parents; a consenting parent finds it
first, signs up, and is checked in at the door.

The UI is Chinese and its catalogue still changes, so the test finds things by
field ids, URLs and data attributes rather than by visible text.
"""

import datetime

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity, SignUp
from tests.activities.factories import ActivityFactory
from tests.factories import UserFactory, VenueFactory
from venues.models import VenueDailyStat


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def people(transactional_db):
    venue = VenueFactory(name="沈家门妇女儿童之家")
    manager = UserFactory(display_name="王站长")
    venue.managers.add(manager)
    parent = UserFactory(
        display_name="陈妈妈", gender="female", birth_year=1990, profile_consent=True
    )
    # Sooner, for everyone: first in a plain chronological list.
    ActivityFactory(
        venue=venue,
        title="全民健身操",
        starts_at=timezone.now() + datetime.timedelta(minutes=10),
    )
    return venue, manager, parent


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_parent_finds_the_activity_for_parents_first_signs_up_and_is_checked_in(
    live_server, page, people
):
    venue, manager, parent = people
    page.set_viewport_size({"width": 390, "height": 844})
    starts = timezone.now() + datetime.timedelta(minutes=20)  # check-in is open

    # The manager publishes an activity for parents aged 25–45.
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/manage/activities/new/")
    page.fill("#id_title", "亲子绘本共读")
    expect(page.locator("#id_venue")).to_have_value(str(venue.pk))
    page.fill("#id_place", "二楼亲子阅览室")
    page.fill("#id_starts_at", local(starts))
    page.fill("#id_ends_at", local(starts + datetime.timedelta(hours=1)))
    page.fill("#id_seats", "10")
    page.fill("#id_tags", "亲子,阅读")
    page.fill("#id_min_age", "25")
    page.fill("#id_max_age", "45")
    page.locator("form[data-activity-form] button[type=submit]").click()
    activity = Activity.objects.get(title="亲子绘本共读")
    expect(page).to_have_url(f"{live_server.url}/manage/activities/{activity.pk}/")

    # The consenting parent sees it first, marked for them, and signs up.
    log_in(page, live_server, parent)
    page.goto(f"{live_server.url}/activities/")
    cards = page.locator("[data-activity]")
    expect(cards).to_have_count(2)
    expect(cards.first).to_have_attribute("data-activity", str(activity.pk))
    expect(cards.first.locator("[data-for-you]")).to_be_visible()
    expect(cards.nth(1).locator("[data-for-you]")).to_have_count(0)
    cards.first.get_by_role("link", name="亲子绘本共读").click()
    expect(page).to_have_url(f"{live_server.url}/activities/{activity.pk}/")
    page.locator(f"form[action='/activities/{activity.pk}/sign-up/'] button").click()
    expect(page.locator("[data-signup-state]")).to_have_attribute(
        "data-signup-state", "confirmed"
    )
    signup = SignUp.objects.get(activity=activity, user=parent)

    # At the door, the manager checks her in from the sign-up list.
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/manage/activities/{activity.pk}/")
    row = page.locator(f"[data-signup='{signup.pk}']")
    expect(row).to_contain_text("陈妈妈")
    row.locator("button[type=submit]").click()
    expect(row.locator("form")).to_have_count(0)
    signup.refresh_from_db()
    assert signup.state == SignUp.State.ATTENDED
    assert VenueDailyStat.objects.get(venue=venue).activity_attendance == 1
