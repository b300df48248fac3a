"""The staff ends' pages on a 390 px phone: list tables turn into cards and the
header into a menu, so nothing scrolls sideways, at the default text size and
at 200 %. The checks are the user end's (test_layout.py)."""

import datetime

import pytest
from django.utils import timezone

from bookings.models import Booking
from tests.activities.factories import ActivityFactory
from tests.browser.test_layout import layout_problems, phone_page, sign_in
from tests.factories import (
    AdminFactory,
    AppealFactory,
    BookingFactory,
    OrganizationFactory,
    ReviewFactory,
    UserFactory,
    VenueFactory,
    bookable_space,
)
from venues.models import Organization, PublicHoliday


@pytest.fixture
def staff_ends(transactional_db):
    """A manager's venue and the district, with long real-world names."""
    union = OrganizationFactory(
        name="舟山市普陀区总工会（区职工服务中心）", kind=Organization.Kind.UNION
    )
    space = bookable_space(capacity=20)
    venue = space.venue
    venue.name = "沈家门街道渔港社区新就业形态劳动者暖心驿站"
    venue.organization = union
    venue.address = "沈家门街道滨港路 1 号渔港大厦一楼东侧（近公交站）"
    venue.save()
    manager = UserFactory(display_name="沈家门渔港社区驿站站长")
    venue.managers.add(manager)
    for n in range(3):
        VenueFactory(
            name=f"东港街道职工之家第{n}号服务点（新就业形态劳动者）",
            organization=union,
        ).managers.add(manager)
    worker = UserFactory(display_name="李师傅")
    BookingFactory(
        user=worker,
        space=space,
        state=Booking.State.PENDING,
        start=timezone.now().replace(minute=0, second=0, microsecond=0)
        + datetime.timedelta(days=2),
    )
    AppealFactory(user=worker, venue=venue)
    AppealFactory(user=worker, venue=None)
    ReviewFactory(venue=venue, rating=4, text="环境整洁，热水方便，工作人员很热情。")
    ActivityFactory(
        venue=venue,
        title="职工亲子趣味运动会暨家庭健康知识讲座",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    PublicHoliday.objects.create(
        date=datetime.date(2026, 10, 1), name="国庆节", kind="holiday"
    )
    return {"manager": manager, "admin": AdminFactory(), "venue": venue}


def staff_pages(data) -> list[tuple[str, str]]:
    venue = data["venue"].pk
    return [
        ("manager", "/manage/"),
        ("manager", "/manage/venues/"),
        ("manager", f"/manage/venues/{venue}/hours/"),
        ("manager", f"/manage/venues/{venue}/closures/"),
        ("manager", "/manage/bookings/"),
        ("manager", "/manage/activities/"),
        ("manager", "/manage/feedback/"),
        ("admin", "/console/"),
        ("admin", "/console/venues/"),
        ("admin", "/console/managers/"),
        ("admin", "/console/feedback/"),
        ("admin", "/console/indexes/"),
        ("admin", "/console/holidays/"),
    ]


@pytest.mark.parametrize("text", [100, 200], ids=["text100", "text200"])
def test_staff_list_pages_do_not_scroll_sideways_at_390px(
    browser, live_server, staff_ends, text
):
    pages = {}
    for role in ("manager", "admin"):
        context, page = phone_page(browser, live_server.url, text=text)
        sign_in(context, live_server.url, staff_ends[role])
        pages[role] = (context, page)
    report = []
    for role, path in staff_pages(staff_ends):
        page = pages[role][1]
        response = page.goto(live_server.url + path)
        assert response.ok, f"{path}: HTTP {response.status}"
        page.wait_for_load_state("load")
        report += [f"{path}: {problem}" for problem in layout_problems(page)]
        # With the menu open too: it must fit the screen as well.
        page.locator("header details.nav-menu summary").click()
        report += [f"{path} (menu open): {p}" for p in layout_problems(page)]
    for context, _page in pages.values():
        context.close()
    assert not report, "\n".join(report)
