"""Every user-end page on a 390 px phone: it reflows, its text is readable and
its controls can be tapped — at the browser's default text size and at 200 %,
in the standard and the 适老化 (elder) mode, in the light and the dark theme.

- no sideways scrolling (WCAG 1.4.10), and nothing past the right edge of the
  screen either (a fixed tab bar losing its last items does not scroll);
- no visible text under 12 px;
- no tap target under 24 × 24 px unless it sits inline in a sentence
  (WCAG 2.5.8);
- axe-core at 0 serious or critical in the elder mode and the dark theme,
  whose colours the journeys (light, standard) do not see.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from qunxian import display
from qunxian.models import Notification
from tests.activities.factories import ActivityFactory
from tests.browser.conftest import PHONE, axe_violations, describe_violations
from tests.factories import (
    AppealFactory,
    BookingFactory,
    FacilityFactory,
    NoticeFactory,
    OrganizationFactory,
    ReviewFactory,
    UserFactory,
    VenueFactory,
    bookable_space,
)
from venues.models import Organization

LAYOUT_CHECKS = (Path(__file__).parent / "layout_checks.js").read_text()


@pytest.fixture
def user_end(transactional_db, settings):
    """One of everything the user end shows, with long real-world names."""
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # no tiles in CI
    union = OrganizationFactory(name="普陀区总工会", kind=Organization.Kind.UNION)
    facilities = [
        FacilityFactory(code=code, name=name, icon=code)
        for code, name in [
            ("water", "饮用水"),
            ("toilet", "卫生间"),
            ("aed", "AED 除颤器"),
            ("wifi", "无线网络"),
            ("charging", "充电"),
            ("first_aid", "医药箱"),
            ("microwave", "微波炉"),
        ]
    ]
    space = bookable_space(capacity=20)
    venue = space.venue
    venue.name = "沈家门街道渔港社区新就业形态劳动者暖心驿站"
    venue.organization = union
    venue.address = "沈家门街道滨港路 1 号渔港大厦一楼东侧（近公交站）"
    venue.phone = "0580-3012201"
    venue.save()
    venue.facilities.set(facilities)
    for n in range(4):
        VenueFactory(
            name=f"东港街道职工之家{n}号服务点",
            organization=union,
            lat=29.95 + n / 100,
            lng=122.30 + n / 100,
        ).facilities.set(facilities)
    worker = UserFactory(display_name="李师傅")
    booking = BookingFactory(user=worker, space=space)
    appeal = AppealFactory(user=worker, venue=venue)
    ReviewFactory(venue=venue, rating=4, text="环境整洁，热水方便，工作人员很热情。")
    ActivityFactory(
        venue=venue,
        title="职工亲子趣味运动会暨家庭健康知识讲座",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    NoticeFactory(venue=venue, title="关于开展2026年度职工疗休养活动报名工作的通知")
    NoticeFactory(kind="policy", topic="labour", title="浙江省职工基本权益保障条例")
    Notification.objects.create(
        user=worker,
        title="预约已通过",
        body="您在沈家门渔港职工之家的预约已通过，请按时到场签到。",
        url=f"/bookings/{booking.pk}/",
    )
    return {
        "worker": worker,
        "venue": venue,
        "space": space,
        "booking": booking,
        "appeal": appeal,
    }


def user_pages(data) -> list[tuple[str, bool]]:
    """(path, signed in) for every page of the user end."""
    venue, space = data["venue"], data["space"]
    return [
        ("/", True),
        ("/venues/", False),
        ("/venues/map/", False),
        (f"/venues/{venue.pk}/", True),
        (f"/bookings/spaces/{space.pk}/availability/", True),
        (f"/bookings/spaces/{space.pk}/book/", True),
        ("/bookings/", True),
        (f"/bookings/{data['booking'].pk}/", True),
        ("/feedback/", True),
        ("/feedback/new/", True),
        (f"/feedback/{data['appeal'].pk}/", True),
        (f"/feedback/venues/{venue.pk}/reviews/", True),
        (f"/feedback/venues/{venue.pk}/review/", True),
        ("/activities/", True),
        ("/activities/mine/", True),
        ("/notices/", True),
        ("/notices/policies/", True),
        ("/messages/", True),
        ("/me/", True),
        ("/accounts/login/", False),
        ("/accounts/signup/", False),
    ]


def phone_page(browser, base_url, *, text=100, mode=display.STANDARD, dark=False):
    context = browser.new_context(
        **PHONE.context_args,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        color_scheme="dark" if dark else "light",
    )
    context.set_default_timeout(10_000)
    if mode != display.STANDARD:
        context.add_cookies([{"name": display.COOKIE, "value": mode, "url": base_url}])
    page = context.new_page()
    if text != 100:
        # What the browser's own text-size setting does (not zoom).
        context.new_cdp_session(page).send(
            "Page.setFontSizes",
            {"fontSizes": {"standard": 16 * text // 100, "fixed": 13 * text // 100}},
        )
    return context, page


def sign_in(context, base_url, user) -> None:
    """Through a session cookie: the journeys test the log-in form itself."""
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": base_url}]
    )


def layout_problems(page) -> list[str]:
    found = page.evaluate(LAYOUT_CHECKS)
    problems = []
    if found["scrollWidth"] > found["clientWidth"]:
        wide, screen = found["scrollWidth"], found["clientWidth"]
        problems.append(f"scrolls sideways: {wide} px wide in {screen}")
    problems += [f"past the right edge: {item}" for item in found["wide"]]
    problems += [f"text under 12 px: {item}" for item in found["smallText"]]
    problems += [f"tap target under 24×24 px: {item}" for item in found["smallTargets"]]
    return problems


VARIANTS = [
    pytest.param(100, display.STANDARD, False, id="text100"),
    pytest.param(200, display.STANDARD, False, id="text200"),
    pytest.param(100, display.ELDER, False, id="elder"),
    pytest.param(200, display.ELDER, False, id="elder-text200"),
    pytest.param(100, display.STANDARD, True, id="dark"),
]


@pytest.mark.parametrize(("text", "mode", "dark"), VARIANTS)
def test_every_user_page_reflows_reads_and_taps_at_390px(
    browser, live_server, user_end, text, mode, dark
):
    with_axe = mode == display.ELDER and text == 100 or dark
    anonymous, anonymous_page = phone_page(
        browser, live_server.url, text=text, mode=mode, dark=dark
    )
    signed, signed_page = phone_page(
        browser, live_server.url, text=text, mode=mode, dark=dark
    )
    sign_in(signed, live_server.url, user_end["worker"])
    report = []
    for path, signed_in in user_pages(user_end):
        page = signed_page if signed_in else anonymous_page
        response = page.goto(live_server.url + path)
        assert response.ok, f"{path}: HTTP {response.status}"
        page.wait_for_load_state("load")
        if path.startswith("/venues/map/"):
            page.wait_for_selector("[data-in-view]:not([hidden])")
        report += [f"{path}: {problem}" for problem in layout_problems(page)]
        if with_axe and (violations := axe_violations(page)):
            report.append(describe_violations(path, violations))
    anonymous.close()
    signed.close()
    assert not report, "\n".join(report)


@pytest.mark.parametrize(
    ("text", "mode", "per_row"),
    [
        pytest.param(100, display.STANDARD, 2, id="text100"),
        pytest.param(200, display.STANDARD, 1, id="text200"),
        pytest.param(100, display.ELDER, 2, id="elder"),
        pytest.param(200, display.ELDER, 1, id="elder-text200"),
    ],
)
def test_home_doors_fall_to_one_column_when_text_grows(
    browser, live_server, user_end, text, mode, per_row
):
    context, page = phone_page(browser, live_server.url, text=text, mode=mode)
    page.goto(live_server.url + "/")
    tops = page.eval_on_selector_all(
        ".doors > .door", "doors => doors.map(d => d.getBoundingClientRect().top)"
    )
    context.close()
    first_row = [top for top in tops if abs(top - tops[0]) < 1]
    assert len(first_row) == per_row, tops
