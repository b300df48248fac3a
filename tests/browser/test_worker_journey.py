"""The user end, start to finish: a worker finds a venue by filter and on the
map, books a room, is approved and checked in by the venue's manager, reviews
the visit, sends feedback, and confirms she is satisfied with how it was handled.

Two browser contexts: the worker's and the manager's, each logged in through
the real log-in form. Every page either of them sees is checked with axe-core.
Text is looked up through Django's gettext in the device's language, so the
test reads the page as its user does and survives catalogue edits.
"""

import re

import pytest
from playwright.sync_api import expect

from bookings.models import Booking
from feedback.models import Appeal, Review
from tests.browser.conftest import open_popup, soon_bookable_space
from tests.factories import (
    FacilityFactory,
    OrganizationFactory,
    UserFactory,
    VenueFactory,
)
from venues.models import Organization


@pytest.fixture
def district(transactional_db, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # tiles cannot load
    union = OrganizationFactory(name="普陀区总工会", kind=Organization.Kind.UNION)
    youth = OrganizationFactory(name="共青团普陀区委", kind=Organization.Kind.YOUTH)
    aed = FacilityFactory(code="aed", name="AED 除颤器", icon="aed")
    water = FacilityFactory(code="water", name="饮用水", icon="water")

    venue = VenueFactory(
        name="沈家门渔港职工之家",
        organization=union,
        address="沈家门街道滨港路 1 号",
        lat=29.952,
        lng=122.300,
        is_bookable=True,
    )
    venue.facilities.set([aed, water])
    space, first_slot = soon_bookable_space(venue=venue)
    # Filtered out: the wrong organisation, and a union venue without an AED.
    VenueFactory(
        name="东港青年之家", organization=youth, lat=29.965, lng=122.335
    ).facilities.set([aed, water])
    VenueFactory(
        name="朱家尖职工驿站", organization=union, lat=29.90, lng=122.39
    ).facilities.set([water])

    manager = UserFactory(display_name="王站长")
    venue.managers.add(manager)
    worker = UserFactory(display_name="李师傅")
    return {
        "venue": venue,
        "space": space,
        "first_slot": first_slot,
        "aed": aed,
        "manager": manager,
        "worker": worker,
    }


def test_worker_finds_books_visits_reviews_and_closes_the_loop(open_browser, district):
    venue, space, aed = district["venue"], district["space"], district["aed"]
    worker = open_browser("worker")
    page = worker.page
    t = worker.t

    # -- Find it: the list, filtered by organisation and a facility --------------
    worker.visit("/venues/")
    filters = page.locator("form.filter-form")
    more = filters.locator("details.more-filters")
    if more.get_attribute("open") is None:
        more.locator("summary").click()
    filters.locator("input[name=kind][value=union]").check()
    filters.locator(f"input[name=facilities][value='{aed.pk}']").check()
    worker.go(filters.get_by_role("button", name=t("Show venues")))
    expect(page).to_have_url(re.compile(r"kind=union"))
    results = page.locator("section.results")
    expect(results.get_by_role("link", name=venue.name)).to_be_visible()
    expect(results.get_by_role("link", name="东港青年之家")).to_have_count(0)
    expect(results.get_by_role("link", name="朱家尖职工驿站")).to_have_count(0)

    # -- … and on the map, with the same filters (the tiles cannot load) ---------
    worker.go(page.get_by_role("link", name=t("Show on map")))
    expect(page).to_have_url(re.compile(r"/venues/map/\?.*kind=union"))
    markers = page.locator("#venue-map .venue-pin")
    expect(markers).to_have_count(1)
    expect(page.locator("#venue-map")).to_have_attribute("data-markers", "1")
    worker.settled()
    popup = page.locator(".leaflet-popup-content")
    open_popup(markers.first, popup)
    expect(popup).to_contain_text(venue.name)
    # Leaflet fades the popup in; axe would measure the contrast mid-fade.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity"
        " === '1'"
    )
    worker.settled()  # with the popup open
    worker.go(popup.get_by_role("link", name=venue.name))
    expect(page).to_have_url(re.compile(rf"/venues/{venue.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(venue.name)

    # -- Book: the free times arrive by htmx, on the first day with one ---------
    availability = page.locator(f"#availability-{space.pk}")
    expect(availability.locator(".slot-grid")).to_be_visible()
    day = district["first_slot"].date()
    expect(availability.locator(".day-tab[aria-current=date]")).to_have_attribute(
        "href", re.compile(rf"date={day.isoformat()}$")
    )
    worker.settled()
    first_slot = availability.locator(".slot-grid a.slot-button").first
    expect(first_slot.locator(".slot-time")).to_contain_text(
        district["first_slot"].strftime("%H:%M")
    )
    worker.go(first_slot)

    # Not logged in yet: the log-in form, then straight back to the booking form.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    worker.fill_login(district["worker"])
    expect(page).to_have_url(re.compile(rf"/bookings/spaces/{space.pk}/book/\?start="))
    form = page.locator("form[method=post]:has(input[name=purpose])")
    form.locator("select[name=slot_count]").select_option("1")
    form.locator("input[name=headcount]").fill("6")
    form.locator("input[name=purpose]").fill("班组安全学习")
    form.locator("input[name=contact_phone]").fill("13900001111")
    worker.go(form.get_by_role("button", name=t("Send request")))
    booking = Booking.objects.get(user=district["worker"])
    expect(page).to_have_url(worker.url(f"/bookings/{booking.pk}/"))
    expect(page.locator(".booking-state")).to_have_text(
        worker.label_of(Booking.State.PENDING)
    )
    assert booking.start == district["first_slot"]
    assert booking.state == Booking.State.PENDING

    # -- The manager approves it (a second browser, his own session) -------------
    manager = open_browser("manager")
    manager.log_in(district["manager"], next_path="/manage/bookings/")
    request = manager.page.locator("li.queue-item", has_text=venue.name)
    expect(request).to_have_count(1)
    manager.go(request.get_by_role("button", name=manager.t("Approve")))
    expect(manager.page.locator("li.queue-item")).to_have_count(0)
    booking.refresh_from_db()
    assert booking.state == Booking.State.APPROVED

    # -- She sees it approved, in her list -----------------------------------
    worker.go(page.get_by_role("link", name=t("My bookings"), exact=True).first)
    expect(page).to_have_url(worker.url("/bookings/"))
    row = page.locator("li.booking-item", has_text=venue.name)
    expect(row.locator(".booking-state")).to_have_text(
        worker.label_of(Booking.State.APPROVED)
    )
    worker.go(row.get_by_role("link"))
    expect(page).to_have_url(worker.url(f"/bookings/{booking.pk}/"))
    expect(page.locator(".check-in-code")).to_have_text(booking.check_in_code)

    # -- At the door, the manager checks her in ----------------------------------
    manager.visit(f"/manage/bookings/{booking.pk}/")
    manager.go(
        manager.page.get_by_role("button", name=manager.t("Check in"), exact=True)
    )
    expect(manager.page.locator(".booking-state")).to_have_text(
        manager.label_of(Booking.State.ATTENDED)
    )
    booking.refresh_from_db()
    assert booking.state == Booking.State.ATTENDED

    # -- She reviews the visit: five stars and a few words -----------------------
    page.reload()
    worker.settled()
    worker.go(page.get_by_role("link", name=t("Review this visit")))
    expect(page).to_have_url(worker.url(f"/feedback/venues/{venue.pk}/review/"))
    review_form = page.locator("form.review-form")
    five = review_form.locator("input[name=rating][value='5']")
    review_form.locator(f"label[for='{five.get_attribute('id')}']").click()
    expect(five).to_be_checked()
    review_form.locator("textarea[name=text]").fill("活动室干净，饮水机很方便。")
    worker.go(review_form.get_by_role("button", name=t("Publish review")))
    expect(page).to_have_url(worker.url(f"/venues/{venue.pk}/"))
    expect(page.locator(".review-text", has_text="饮水机很方便")).to_be_visible()
    worker.settled()  # with the reviews loaded by htmx
    review = Review.objects.get(user=district["worker"])
    assert (review.rating, review.booking_id, review.venue_id) == (
        5,
        booking.pk,
        venue.pk,
    )

    # -- … and files a complaint about the venue -------------------------------
    worker.go(page.get_by_role("link", name=t("Give feedback about this venue")))
    expect(page).to_have_url(re.compile(rf"/feedback/new/\?venue={venue.pk}$"))
    appeal_form = page.locator("form.appeal-form")
    appeal_form.locator("input[name=kind][value=complaint]").check()
    expect(appeal_form.locator("select[name=venue]")).to_have_value(str(venue.pk))
    appeal_form.locator("textarea[name=text]").fill(
        "周六上午九点半到场，门还没开，等了二十分钟。"
    )
    worker.go(appeal_form.get_by_role("button", name=t("Send"), exact=True))
    appeal = Appeal.objects.get(user=district["worker"])
    expect(page).to_have_url(worker.url(f"/feedback/{appeal.pk}/"))
    assert (appeal.venue_id, appeal.kind) == (venue.pk, Appeal.Kind.COMPLAINT)

    # -- The manager accepts it, acts, and replies -------------------------------
    manager.visit("/manage/feedback/")
    manager.go(manager.page.locator(f"a[href='/manage/feedback/{appeal.pk}/']").first)
    expect(manager.page).to_have_url(manager.url(f"/manage/feedback/{appeal.pk}/"))
    manager.go(manager.page.get_by_role("button", name=manager.t("Accept"), exact=True))
    handling = manager.page.locator("section.appeal-actions")
    handling.locator("textarea[name=reply]").fill(
        "已核实并致歉，周末改为九点前由值班人员开门。"
    )
    manager.go(
        handling.get_by_role("button", name=manager.t("Resolve and send the reply"))
    )
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.RESOLVED

    # -- She reads the reply and is satisfied ------------------------------------
    page.reload()
    worker.settled()
    expect(page.locator(".review-reply")).to_contain_text("九点前由值班人员开门")
    worker.go(page.get_by_role("button", name=t("Satisfied"), exact=True))
    expect(page.locator("main")).to_contain_text(
        t("You confirmed you are satisfied. Thank you.")
    )
    appeal.refresh_from_db()
    assert (appeal.state, appeal.satisfied) == (Appeal.State.CONFIRMED, True)
