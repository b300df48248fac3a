"""Playwright against the live server, driving the system Chromium."""

import datetime
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import axe_playwright_python
import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation
from playwright.sync_api import expect

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# A loaded 2-core CI machine (PostgreSQL, the live server and Chromium together)
# can take more than Playwright's default 5 s for a page.
expect.set_options(timeout=10_000)

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# the test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip("the system Chromium is not installed (.ci/run installs it)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def phone_context_args():
    return {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


# -- Journeys: devices, languages, log-in, axe-core, screenshots ------------------

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
# Impacts that fail a journey; "moderate" and "minor" are left to reviews (list
# them with QX_AXE=report QX_AXE_IMPACTS=minor,moderate,serious,critical).
BLOCKING_IMPACTS = set(os.environ.get("QX_AXE_IMPACTS", "serious,critical").split(","))
# QX_AXE=report: record and print the violations instead of failing at the first
# page, to list them all in one run (for bug reports, not for CI).
AXE_REPORT_ONLY = os.environ.get("QX_AXE") == "report"


@dataclass(frozen=True)
class Device:
    """A viewport and the language the journey reads the site in."""

    id: str
    language: str
    context_args: dict

    @property
    def is_phone(self) -> bool:
        return self.context_args.get("is_mobile", False)


PHONE = Device(
    "phone-zh",
    "zh-hans",  # the site's default: no cookie, the browser asks for zh-CN
    {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 1,
    },
)
DESKTOP = Device(
    "desktop-en",
    "en",
    # The language cookie picks English (the context's locale stays zh-CN, as
    # for a Chinese user who switched the site to English).
    {"viewport": {"width": 1280, "height": 800}},
)


@pytest.fixture(params=[PHONE, DESKTOP], ids=lambda device: device.id)
def journey_device(request):
    return request.param


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now.

    `page.evaluate` goes through the DevTools protocol, so the site's strict
    Content-Security-Policy (no inline or foreign scripts) does not apply to it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core: serious/critical violations on {url}"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {node['target']}: {node['html'][:160]}  {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def check_accessibility(page, found: list | None = None):
    """Fail on any serious or critical axe-core violation on the page."""
    violations = axe_violations(page)
    if not violations:
        return
    message = describe_violations(page.url, violations)
    if AXE_REPORT_ONLY and found is not None:
        found.append(message)
        print(message)
        return
    raise AssertionError(message)


@dataclass
class Visitor:
    """One person's browser tab on the live server, in the device's language.

    `visit()` and `settled()` run axe-core on every page the journey sees; `t()`
    is what the page shows for an English msgid in this visitor's language.
    """

    page: object
    base_url: str
    language: str
    label: str
    phone: bool = False
    axe_found: list = field(default_factory=list)

    def t(self, msgid: str, **params) -> str:
        with translation.override(self.language):
            text = translation.gettext(msgid)
        return text % params if params else text

    def tn(self, singular: str, plural: str, count: int, **params) -> str:
        with translation.override(self.language):
            text = translation.ngettext(singular, plural, count)
        return text % params

    def label_of(self, choice) -> str:
        """A TextChoices member's label, as the page shows it."""
        with translation.override(self.language):
            return str(choice.label)

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(self, path: str):
        response = self.page.goto(self.url(path))
        assert response is not None, path
        assert response.ok, f"{path}: HTTP {response.status}"
        self.settled()
        return response

    def go(self, locator) -> None:
        """Click something that loads a page (a link, a form's button) and
        check the new page once it has loaded, even when its URL is the same."""
        self.page.evaluate("() => { window.__qxOldPage = true; }")
        locator.click()
        self.page.wait_for_function("() => !window.__qxOldPage", polling=100)
        self.settled()

    def section(self, name: str) -> None:
        """Go to a section of a staff end as a person does, through the header's
        menu (on a phone the only way; at desk width it holds every section)."""
        menu = self.page.locator("header details.nav-menu")
        menu.locator("summary").click()
        self.go(menu.get_by_role("link", name=self.t(name), exact=True))

    def settled(self) -> None:
        """Check the page as it is now (after a load, or after htmx swapped a
        part of it): axe-core, and no sideways scrolling on the phone."""
        self.page.wait_for_load_state("load")
        check_accessibility(self.page, self.axe_found)
        if self.phone:  # mobile first: nothing wider than the phone's screen
            content, screen = self.page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert content <= screen, (
                f"{self.page.url} scrolls sideways at {screen} px: {content} px wide"
            )

    def log_in(self, user, *, next_path: str | None = None) -> None:
        """Through the real allauth form, with the phone number and password."""
        if next_path is not None:
            self.visit(f"/accounts/login/?next={next_path}")
        self.fill_login(user)

    def fill_login(self, user) -> None:
        form = self.page.locator("form:has(input[name=login])")
        form.locator("input[name=login]").fill(user.phone)
        form.locator("input[name=password]").fill(PASSWORD)
        self.go(form.locator("button[type=submit]"))
        assert "/accounts/login/" not in self.page.url, "the log-in was refused"

    def message(self):
        """The flash messages at the top of the page."""
        return self.page.locator("main .messages")


@pytest.fixture
def open_browser(new_context, live_server, journey_device, settings):
    """`open_browser(label)`: a fresh context (own cookies) on the journey_device."""
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # no tiles in CI
    visitors = []

    def _open(label: str) -> Visitor:
        context = new_context(**journey_device.context_args)
        context.set_default_timeout(10_000)
        if journey_device.language != django_settings.LANGUAGE_CODE:
            context.add_cookies(
                [
                    {
                        "name": django_settings.LANGUAGE_COOKIE_NAME,
                        "value": journey_device.language,
                        "url": live_server.url,
                    }
                ]
            )
        visitor = Visitor(
            context.new_page(),
            live_server.url,
            journey_device.language,
            label,
            phone=journey_device.is_phone,
        )
        visitors.append(visitor)
        return visitor

    yield _open
    found = [message for visitor in visitors for message in visitor.axe_found]
    assert not found, "\n\n".join(found)  # QX_AXE=report: all of them, at the end


def wait_until_still(locator, *, timeout: float = 5.0) -> None:
    """Until the element stops moving (a map finishing its zoom animation)."""
    deadline = time.monotonic() + timeout
    before = locator.bounding_box()
    while time.monotonic() < deadline:
        locator.page.wait_for_timeout(150)
        now = locator.bounding_box()
        if now == before and now is not None:
            return
        before = now
    raise AssertionError(f"{locator} kept moving for {timeout} s")


def open_popup(marker, popup, *, attempts: int = 3) -> None:
    """Click a map marker until its popup shows.

    The map zooms to fit the markers when they arrive; a click while it is still
    animating can land beside the marker, so wait for it to stop and retry.
    """
    for attempt in range(attempts):
        wait_until_still(marker)
        marker.click(force=True)
        try:
            expect(popup).to_be_visible(timeout=2000)
            return
        except AssertionError:
            if attempt == attempts - 1:
                raise


def local_minute(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def soon_bookable_space(*, venue, lead_minutes: int = 3, **rules):
    """A space whose first 30-minute slot starts a few minutes from now.

    The venue opens every day at that minute for an hour, so the slot can be
    booked now (no notice needed) and checked in at once (check-in opens 30
    minutes before the start), whatever the time of day the suite runs but
    its last hour, in which a test that needs it is skipped.
    """
    from bookings.models import SpaceRules
    from tests.factories import OpeningHoursFactory, SpaceFactory

    first = local_minute(timezone.now()) + datetime.timedelta(minutes=lead_minutes)
    closes = first + datetime.timedelta(hours=1)
    if closes.date() != first.date():
        # Opening hours, and so slots, end at midnight: in the last hour of
        # the day there is no hour-long window starting now.
        pytest.skip("no hour-long opening window before midnight in Shanghai")
    for weekday in range(7):
        OpeningHoursFactory(
            venue=venue, weekday=weekday, opens=first.time(), closes=closes.time()
        )
    space = SpaceFactory(venue=venue, name="多功能活动室", capacity=20)
    SpaceRules.objects.create(
        space=space,
        **{"slot_minutes": 30, "min_notice_minutes": 0, "approval": "manual", **rules},
    )
    return space, first


# -- Screenshots of every open page when a test fails -----------------------------

_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(autouse=True)
def _screenshot_open_pages_on_failure(request, new_context, browser, output_path):
    """Every page of every open context, not only pytest-playwright's `page`.

    Set up after `new_context`, so it runs its teardown first, while the
    contexts a journey opened (worker, manager…) are still open. The shots go
    to the test's folder in test-results/, with open-pages.txt naming the URLs.
    """
    yield
    reports = request.node.stash.get(_REPORTS, {})
    if not any(report.failed for report in reports.values()):
        return
    folder = Path(output_path)
    folder.mkdir(parents=True, exist_ok=True)
    index, listing = 0, []
    for context in browser.contexts:
        for page in context.pages:
            if page.is_closed():
                continue
            index += 1
            path = folder / f"open-page-{index}.png"
            try:
                page.screenshot(path=path, full_page=True, timeout=5000)
            except Exception as error:  # a crashed page must not hide the failure
                listing.append(f"{path.name}: not taken ({error}) {page.url}")
                continue
            listing.append(f"{path.name}: {page.url}")
    (folder / "open-pages.txt").write_text("\n".join(listing) + "\n")
    print("screenshots of the open pages:", *listing, sep="\n  ")
