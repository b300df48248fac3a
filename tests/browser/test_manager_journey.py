"""The venue-manager end: a manager edits the weekly hours, uploads a photo,
approves and checks in a booking, replies to a review, and resolves a piece of
feedback. The workers' side is set up with the services, as a worker's browser
would have; the manager's every page is checked with axe-core.
"""

import datetime
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from bookings import services as booking_services
from bookings.models import Booking
from feedback import services as feedback_services
from feedback.models import Appeal
from tests.browser.conftest import soon_bookable_space
from tests.factories import ReviewFactory, UserFactory, VenueFactory
from venues.models import OpeningHours, VenuePhoto


@pytest.fixture
def my_venue(transactional_db):
    venue = VenueFactory(name="六横镇职工服务中心", is_bookable=True)
    space, first_slot = soon_bookable_space(venue=venue)
    manager = UserFactory(display_name="陈站长")
    venue.managers.add(manager)
    worker = UserFactory(display_name="张师傅")
    booking = booking_services.booking_create(
        user=worker,
        space=space,
        start=first_slot,
        headcount=4,
        purpose="安全生产培训",
        contact_phone="13900002222",
    )
    review = ReviewFactory(user=UserFactory(display_name="赵师傅"), venue=venue)
    appeal = feedback_services.appeal_submit(
        user=worker, venue=venue, kind="repair", text="二楼饮水机不出热水。"
    )
    return {
        "venue": venue,
        "first_slot": first_slot,
        "manager": manager,
        "booking": booking,
        "review": review,
        "appeal": appeal,
    }


@pytest.fixture
def jpeg(tmp_path):
    path = tmp_path / "front-door.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (179, 38, 30)).save(buffer, "JPEG", quality=80)
    path.write_bytes(buffer.getvalue())
    return path


def test_manager_runs_the_venue_and_handles_its_requests(open_browser, my_venue, jpeg):
    venue = my_venue["venue"]
    me = open_browser("manager")
    page, t = me.page, me.t

    me.log_in(my_venue["manager"], next_path="/manage/")
    expect(page).to_have_url(me.url("/manage/"))
    expect(page.locator(".inbox-counts")).to_be_visible()

    # -- Opening hours: a period on Sundays, in the week grid ---------------------
    me.section("My venues")
    me.go(page.locator(f"a[href='/manage/venues/{venue.pk}/edit/']").first)
    tabs = page.get_by_role("navigation", name=t("Venue pages"))
    me.go(tabs.get_by_role("link", name=t("Opening hours")))
    expect(page).to_have_url(me.url(f"/manage/venues/{venue.pk}/hours/"))
    # Two hours after the daily range ends: never overlapping it.
    opens = my_venue["first_slot"] + datetime.timedelta(hours=2)
    closes = opens + datetime.timedelta(hours=2)
    page.locator("input[name=d6-1-opens]").fill(opens.strftime("%H:%M"))
    page.locator("input[name=d6-1-closes]").fill(closes.strftime("%H:%M"))
    me.go(page.get_by_role("button", name=t("Save opening hours")))
    expect(me.message()).to_contain_text(t("The opening hours are saved."))
    assert OpeningHours.objects.filter(
        venue=venue, weekday=6, opens=opens.time()
    ).exists()
    assert venue.hours.count() == 8

    # -- A photo ---------------------------------------------------------------
    me.go(tabs.get_by_role("link", name=t("Photos")))
    expect(page).to_have_url(me.url(f"/manage/venues/{venue.pk}/photos/"))
    upload = page.locator("form[enctype='multipart/form-data']")
    upload.locator("input[name=image]").set_input_files(jpeg)
    upload.locator("input[name=caption]").fill("大门")
    me.go(upload.get_by_role("button", name=t("Upload")))
    expect(page.locator("ol.photo-admin img")).to_have_count(1)
    expect(page.locator("ol.photo-admin img")).to_have_attribute("alt", "大门")
    photo = VenuePhoto.objects.get(venue=venue)
    assert (photo.caption, photo.width, photo.height) == ("大门", 640, 480)

    # -- A booking request: approve it, then check the visitor in -------------------
    booking = my_venue["booking"]
    me.section("To do")
    me.go(page.locator(f"a[href='/manage/bookings/{booking.pk}/']"))
    expect(page).to_have_url(me.url(f"/manage/bookings/{booking.pk}/"))
    me.go(page.get_by_role("button", name=t("Approve"), exact=True))
    state = page.locator(".booking-facts .booking-state")
    expect(state).to_have_text(me.label_of(Booking.State.APPROVED))
    me.go(page.get_by_role("button", name=t("Check in"), exact=True))
    expect(state).to_have_text(me.label_of(Booking.State.ATTENDED))
    booking.refresh_from_db()
    assert booking.state == Booking.State.ATTENDED
    assert list(booking.events.values_list("to_state", flat=True)) == [
        "pending",
        "approved",
        "attended",
    ]

    # -- A review: reply to it ----------------------------------------------------
    review = my_venue["review"]
    me.section("Reviews")
    expect(page).to_have_url(me.url("/manage/reviews/"))
    me.go(page.locator(f"a[href='/manage/reviews/{review.pk}/']"))
    page.locator("textarea[name=reply]").fill("谢谢您的肯定，欢迎常来！")
    me.go(page.get_by_role("button", name=t("Publish the reply")))
    review.refresh_from_db()
    assert review.reply == "谢谢您的肯定，欢迎常来！"
    assert review.replied_by == my_venue["manager"]
    assert review.replied_at is not None

    # -- Feedback: accept it, fix it, resolve it with a reply -------------------------
    appeal = my_venue["appeal"]
    me.section("Feedback")
    expect(page).to_have_url(me.url("/manage/feedback/"))
    me.go(page.locator(f"a[href='/manage/feedback/{appeal.pk}/']").first)
    me.go(page.get_by_role("button", name=t("Accept"), exact=True))
    handling = page.locator("section.appeal-actions")
    handling.locator("textarea[name=reply]").fill("已更换加热模块，热水恢复。")
    me.go(handling.get_by_role("button", name=t("Resolve and send the reply")))
    expect(page.locator(".appeal-state")).to_have_text(
        me.label_of(Appeal.State.RESOLVED)
    )
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.RESOLVED
    assert appeal.reply == "已更换加热模块，热水恢复。"

    # -- The public page shows the new hours and the photo ---------------------------
    me.visit(f"/venues/{venue.pk}/")
    expect(page.locator(".hours-table")).to_contain_text(opens.strftime("%H:%M"))
    expect(page.locator(".photo-strip img")).to_have_attribute("alt", "大门")
