"""The manager's week calendar (decide from it on a phone and at a desk) and
the check-in pages reading a QR code from a camera.

The camera is Chromium's fake capture device playing a Y4M file of the QR
code the booking page shows (qunxian.qr), drawn with Pillow; on Linux
Chromium has no BarcodeDetector, so this drives the self-hosted jsQR.
"""

import datetime
import io

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from activities import services as activity_services
from activities.models import SignUp
from bookings import services as booking_services
from bookings.models import Booking
from qunxian.qr import check_in_qr_code
from tests.activities.factories import ActivityFactory
from tests.browser.conftest import CHROMIUM, Visitor, soon_bookable_space
from tests.factories import UserFactory, VenueFactory


@pytest.fixture
def desk(transactional_db):
    venue = VenueFactory(name="桃花镇职工服务站", is_bookable=True)
    space, first_slot = soon_bookable_space(venue=venue)
    manager = UserFactory(display_name="林站长")
    venue.managers.add(manager)
    return {"venue": venue, "space": space, "first": first_slot, "manager": manager}


def request(space, start, name):
    return booking_services.booking_create(
        user=UserFactory(display_name=name),
        space=space,
        start=start,
        headcount=3,
        purpose="班组学习",
        contact_phone="13900003333",
    )


def test_manager_approves_and_rejects_from_the_week_calendar(open_browser, desk):
    first = desk["first"]
    to_approve = request(desk["space"], first, "周师傅")
    to_reject = request(desk["space"], first + datetime.timedelta(minutes=30), "吴阿姨")
    other = VenueFactory(name="别人的场所", is_bookable=True)
    theirs, their_first = soon_bookable_space(venue=other)  # a minute may have passed
    request(theirs, their_first, "别人的预约")

    me = open_browser("manager")
    page, t = me.page, me.t
    calendar = f"/manage/calendar/?date={first:%Y-%m-%d}"
    me.log_in(desk["manager"], next_path=calendar)
    expect(page.locator(".cal-venue h2")).to_have_text([desk["venue"].name])
    expect(page.get_by_text("别人的预约")).to_have_count(0)

    # The request stands out by its text, in the day's column.
    request_box = page.locator(f"details[data-booking='{to_approve.pk}']")
    expect(request_box).to_be_visible()
    summary = request_box.locator(":scope > summary")
    expect(summary).to_contain_text(t("Awaiting approval"))
    summary.click()
    me.settled()
    me.go(request_box.get_by_role("button", name=t("Approve")))
    expect(page).to_have_url(me.url(calendar))
    expect(me.message()).to_contain_text("周师傅")
    expect(page.locator(f"details[data-booking='{to_approve.pk}']")).to_have_count(0)

    reject_box = page.locator(f"details[data-booking='{to_reject.pk}']")
    reject_box.locator(":scope > summary").click()
    reject_box.locator("summary", has_text=t("Reject…")).click()
    reject_box.get_by_label(t("Reason for rejecting")).fill("场地临时维修")
    me.go(reject_box.get_by_role("button", name=t("Reject"), exact=True))
    expect(page).to_have_url(me.url(calendar))
    expect(page.locator(".cal-pending-total")).to_have_count(0)

    to_approve.refresh_from_db()
    to_reject.refresh_from_db()
    assert to_approve.state == Booking.State.APPROVED
    assert to_reject.state == Booking.State.REJECTED

    # The slot now shows its seats taken, as text.
    first_slot = page.locator(f"td[data-day='{first:%Y-%m-%d}'] .cal-slot").first
    expect(first_slot).to_contain_text("3/20")

    # On to the printable day sheet, masked phones and all.
    me.go(page.get_by_role("link", name=t("Day sheet to print")))
    expect(page.locator("td.sheet-phone").first).to_have_text("*******3333")
    expect(page.get_by_text("13900003333")).to_have_count(0)


# -- QR check-in with a (fake) camera


def y4m_of(text: str, path, *, width=640, height=480, frames=3):
    """A few grey frames (YUV 4:2:0) with the QR code of `text` in the middle."""
    png = io.BytesIO()
    check_in_qr_code(text).save(png, kind="png", scale=10, border=4)
    code = Image.open(png).convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


@pytest.fixture
def camera_browser(playwright, tmp_path):
    """A Chromium of its own whose camera shows `show(text)`'s QR code."""
    browsers = []

    def launch(text: str):
        video = y4m_of(text, tmp_path / "qr.y4m")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()


def door_visitor(browser, live_server, *, phone=True, init_script=None) -> Visitor:
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        **(
            {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
            if phone
            else {"viewport": {"width": 1280, "height": 800}}
        ),
    )
    context.grant_permissions(["camera"], origin=live_server.url)
    context.set_default_timeout(15_000)
    if init_script:
        context.add_init_script(init_script)
    return Visitor(
        context.new_page(),
        live_server.url,
        django_settings.LANGUAGE_CODE,
        "manager",
        phone=phone,
    )


@pytest.fixture
def approved_booking(desk):
    booking = request(desk["space"], desk["first"], "郑师傅")
    booking_services.booking_approve(booking=booking, actor=desk["manager"])
    return booking


def test_the_camera_reads_a_bookings_qr_and_checks_it_in(
    camera_browser, live_server, desk, approved_booking
):
    me = door_visitor(camera_browser(approved_booking.check_in_code), live_server)
    page, t = me.page, me.t
    me.log_in(desk["manager"], next_path="/manage/bookings/check-in/")
    scanner = page.locator("[data-qr-scan]")
    expect(scanner).to_be_visible()
    expect(page.get_by_role("button", name=t("Stop the camera"))).to_be_hidden()

    me.go(page.get_by_role("button", name=t("Scan the QR code")))
    expect(page).to_have_url(
        me.url(f"/manage/bookings/check-in/?code={approved_booking.check_in_code}")
    )
    found = page.locator("section[aria-labelledby=found-title]")
    expect(found).to_contain_text("郑师傅")
    me.go(found.get_by_role("button", name=t("Check in")))
    expect(me.message()).to_contain_text("郑师傅")
    approved_booking.refresh_from_db()
    assert approved_booking.state == Booking.State.ATTENDED


def test_the_camera_reads_an_activity_sign_up(camera_browser, live_server, desk):
    activity = ActivityFactory(
        venue=desk["venue"],
        title="亲子手工课",
        starts_at=timezone.now() + datetime.timedelta(minutes=20),
    )
    signup = activity_services.signup_create(
        activity=activity, user=UserFactory(display_name="钱妈妈")
    )
    me = door_visitor(camera_browser(signup.check_in_code), live_server, phone=False)
    page, t = me.page, me.t
    me.log_in(desk["manager"], next_path="/manage/activities/check-in/")
    me.go(page.get_by_role("button", name=t("Scan the QR code")))
    found = page.locator("section[aria-labelledby=found-title]")
    expect(found).to_contain_text("钱妈妈")
    expect(found).to_contain_text("亲子手工课")
    me.go(found.get_by_role("button", name=t("Check in")))
    signup.refresh_from_db()
    assert signup.state == SignUp.State.ATTENDED


def test_a_qr_that_is_not_a_code_is_refused_and_the_camera_keeps_looking(
    camera_browser, live_server, desk
):
    me = door_visitor(camera_browser("https://example.com/"), live_server)
    page, t = me.page, me.t
    me.log_in(desk["manager"], next_path="/manage/bookings/check-in/")
    page.get_by_role("button", name=t("Scan the QR code")).click()
    status = page.locator("[data-qr-status]")
    expect(status).to_have_text(t("That QR code is not a check-in code; keep looking."))
    expect(page.get_by_role("button", name=t("Stop the camera"))).to_be_visible()
    assert "code=" not in page.url
    page.get_by_role("button", name=t("Stop the camera")).click()
    expect(page.locator("[data-qr-view]")).to_be_hidden()


def test_without_a_secure_context_the_page_says_so_and_typing_works(
    camera_browser, live_server, desk, approved_booking
):
    # As on http://192.168.x.x: the browser offers no camera there at all.
    me = door_visitor(
        camera_browser(approved_booking.check_in_code),
        live_server,
        init_script="Object.defineProperty(window, 'isSecureContext', {value: false})",
    )
    page, t = me.page, me.t
    me.log_in(desk["manager"], next_path="/manage/bookings/check-in/")
    expect(page.locator("[data-qr-status]")).to_contain_text("https")
    expect(page.get_by_role("button", name=t("Scan the QR code"))).to_be_hidden()
    page.get_by_label(t("Check-in code")).fill(approved_booking.check_in_code.lower())
    me.go(page.get_by_role("button", name=t("Find booking")))
    expect(page.locator("section[aria-labelledby=found-title]")).to_contain_text(
        "郑师傅"
    )
