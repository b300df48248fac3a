"""The slot picker on a phone: switching day swaps the slots in place with
htmx, and plain links do the same job without JavaScript."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import bookable_space


@pytest.fixture
def space(transactional_db):
    return bookable_space(capacity=10)


def day_tab(page, space, day):
    return page.locator(f"#day-{space.pk}-{day:%Y%m%d}")


def test_switching_day_swaps_the_slots_without_a_page_load(open_browser, space):
    worker = open_browser("worker")
    page = worker.page
    worker.visit(space.venue.get_absolute_url())
    picker = page.locator(f"#availability-{space.pk}")
    expect(picker.locator(".slot-grid")).to_be_visible()
    worker.settled()
    page.evaluate("() => { window.__qxSamePage = true; }")
    day = timezone.localdate() + datetime.timedelta(days=3)
    with page.expect_response(re.compile(rf"/availability/\?date={day.isoformat()}")):
        day_tab(page, space, day).click()
    expect(day_tab(page, space, day)).to_have_attribute("aria-current", "date")
    expect(day_tab(page, space, day)).to_be_focused()  # htmx keeps focus by id
    assert page.evaluate("() => window.__qxSamePage") is True
    assert page.url.endswith(space.venue.get_absolute_url())
    first = picker.locator(".slot-grid a.slot-button").first
    expect(first).to_have_attribute(
        "href", re.compile(rf"\?start={day.isoformat()}T08%3A00")
    )
    worker.settled()


def test_without_javascript_the_days_are_plain_links(
    new_context, live_server, phone_context_args, space
):
    context = new_context(**phone_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + space.venue.get_absolute_url())
    page.locator(f"a[href$='/spaces/{space.pk}/availability/']").click()
    expect(page).to_have_url(re.compile(rf"/spaces/{space.pk}/availability/$"))
    day = timezone.localdate() + datetime.timedelta(days=2)
    day_tab(page, space, day).click()
    expect(page).to_have_url(re.compile(rf"\?date={day.isoformat()}$"))
    expect(day_tab(page, space, day)).to_have_attribute("aria-current", "date")
    expect(page.locator(".slot-grid a.slot-button").first).to_be_visible()
