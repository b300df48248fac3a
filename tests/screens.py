"""`make screens`: every page of the three ends, as each demo role sees it.

Loads the demo into a scratch SQLite file under screens/, serves it, logs in as
each demo account in headless Chromium and saves a full-page PNG of each page
at 390 and 1280 px (the user end also with text at 200 %), then one contact
sheet per end and width. Open the 390 px PNGs of the pages you changed: a green
axe run says nothing about whether a page looks finished.

    python -m tests.screens [--only NAME_PART ...] [--language en]

With `--language en` the PNGs are named `…-en.png`, for a look at English mode.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screens"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = (390, 1280)
ACCOUNTS = {
    "worker": ("worker", "worker-demo-2026"),
    "manager": ("manager", "manager-demo-2026"),
    "admin": ("admin", "admin-demo-2026"),
}
END_OF_ROLE = {None: "user", "worker": "user", "manager": "manage", "admin": "console"}


def _scratch_environment() -> dict:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{OUT / 'tour.sqlite3'}",
        "MEDIA_ROOT": str(OUT / "media"),
        "PRIVATE_MEDIA_ROOT": str(OUT / "private"),
    }
    os.environ.update(env)
    return env


def pages():
    """(role, label, path) for every page; the ORM picks the demo's objects."""
    from django.urls import reverse
    from django.utils import timezone

    from activities.models import Activity
    from bookings.models import Booking
    from feedback.models import Appeal, Review
    from notices.models import Notice
    from qunxian.models import User
    from venues.models import Space, Venue
    from volunteering.models import HelpRequest, ServiceOrder, Team

    worker = User.objects.get(username="worker")
    manager = User.objects.get(username="manager")
    venue = Venue.objects.managed_by(manager).order_by("pk").first()
    space = Space.objects.filter(venue=venue).order_by("pk").first()
    booking = Booking.objects.filter(user=worker).order_by("-pk").first()
    managed_booking = Booking.objects.filter(space__venue=venue).order_by("-pk").first()
    appeal = Appeal.objects.filter(user=worker).order_by("-pk").first()
    managed_appeal = Appeal.objects.filter(venue=venue).order_by("-pk").first()
    district_appeal = Appeal.objects.filter(venue=None).order_by("-pk").first()
    review = Review.objects.filter(venue=venue).order_by("-pk").first()
    activity = Activity.objects.filter(venue=venue).order_by("-pk").first()
    any_activity = Activity.objects.order_by("-pk").first()
    notice = Notice.objects.order_by("-pk").first()
    venue_notice = Notice.objects.filter(venue=venue).order_by("-pk").first()
    service_order = ServiceOrder.objects.filter(requester=worker).first() or (
        ServiceOrder.objects.filter(team__members__user=worker).first()
    )
    team = Team.objects.joined_by(worker).first()
    help_request = HelpRequest.objects.filter(venue__managers=manager).first()

    # The day sheet of the next day with bookings, to show some people.
    next_booked = (
        Booking.objects.filter(
            space__venue__in=Venue.objects.managed_by(manager),
            state__in=Booking.HOLDING,
            start__gte=timezone.now(),
        )
        .order_by("start")
        .first()
    )
    busy_day = (
        f"?date={timezone.localdate(next_booked.start):%Y-%m-%d}" if next_booked else ""
    )

    def one(name, *args):
        return reverse(name, args=args)

    rows = [
        (None, "login", one("account_login")),
        (None, "signup", one("account_signup")),
        (None, "home-anonymous", one("home")),
        ("worker", "home", one("home")),
        ("worker", "venue-list", one("venues:list")),
        ("worker", "venue-map", one("venues:map")),
        ("worker", "venue-detail", one("venues:detail", venue.pk)),
        ("worker", "venue-reviews", one("feedback:venue_reviews", venue.pk)),
        ("worker", "review-new", one("feedback:review_new", venue.pk)),
        ("worker", "availability", one("bookings:availability", space.pk)),
        ("worker", "booking-new", one("bookings:new", space.pk)),
        ("worker", "my-bookings", one("bookings:list")),
        ("worker", "feedback-mine", one("feedback:mine")),
        ("worker", "feedback-new", one("feedback:new")),
        ("worker", "activities", one("activities:list")),
        ("worker", "my-activities", one("activities:mine")),
        ("worker", "notices", one("notices:list")),
        ("worker", "policies", one("notices:policies")),
        ("worker", "messages", one("inbox")),
        ("worker", "profile", one("profile")),
        ("manager", "home", one("manage:home")),
        ("manager", "venue-list", one("manage:venue_list")),
        ("manager", "venue-edit", one("manage:venue_edit", venue.pk)),
        ("manager", "venue-hours", one("manage:venue_hours", venue.pk)),
        ("manager", "venue-closures", one("manage:venue_closures", venue.pk)),
        ("manager", "venue-spaces", one("manage:venue_spaces", venue.pk)),
        ("manager", "venue-photos", one("manage:venue_photos", venue.pk)),
        ("manager", "space-edit", one("manage:space_edit", space.pk)),
        ("manager", "space-rules", one("manage:space_rules", space.pk)),
        ("manager", "space-day", one("manage:space_day", space.pk)),
        ("manager", "booking-queue", one("manage:booking_queue")),
        ("manager", "check-in-code", one("manage:booking_check_in_code")),
        ("manager", "calendar-week", one("manage:booking_calendar")),
        ("manager", "calendar-day-sheet", one("manage:booking_day_sheet") + busy_day),
        ("manager", "activity-check-in", one("manage:activity_check_in_code")),
        ("manager", "appeals", one("manage:appeal_list")),
        ("manager", "reviews", one("manage:review_list")),
        ("manager", "indexes", one("manage:indexes")),
        ("manager", "activities", one("manage:activity_list")),
        ("manager", "activity-new", one("manage:activity_create")),
        ("manager", "notices", one("manage:notice_list")),
        ("manager", "notice-new", one("manage:notice_create")),
        ("admin", "home", one("console:home")),
        ("admin", "indexes", one("console:indexes")),
        ("admin", "siting", one("console:siting")),
        ("admin", "usage", one("console:usage")),
        ("admin", "siting-candidates", one("console:siting_candidates")),
        ("admin", "demand-upload", one("console:demand_upload")),
        ("admin", "venues", one("console:venue_list")),
        ("admin", "holidays", one("console:holiday_list")),
        ("admin", "venue-new", one("console:venue_create")),
        ("admin", "venue-edit", one("console:venue_edit", venue.pk)),
        ("admin", "organizations", one("console:organization_list")),
        ("admin", "managers", one("console:manager_list")),
        ("admin", "manager-detail", one("console:manager_detail", manager.pk)),
        ("admin", "audit", one("console:audit_list")),
        ("admin", "appeals", one("console:appeal_list")),
        ("admin", "reviews", one("console:review_list")),
        ("admin", "activities", one("console:activity_list")),
        ("admin", "activity-series", one("console:activity_series")),
        ("admin", "activity-reach", one("console:activity_reach")),
        ("admin", "notices", one("console:notice_list")),
        ("admin", "notice-new", one("console:notice_create")),
        ("worker", "volunteering", one("volunteering:home")),
        ("worker", "help-report", one("volunteering:report", venue.pk)),
        ("worker", "help-map", one("volunteering:map")),
        ("worker", "teams", one("volunteering:team_list")),
        ("worker", "order-new", one("volunteering:order_new")),
        ("worker", "points", one("volunteering:points")),
        ("worker", "rewards", one("volunteering:rewards")),
        ("manager", "help-requests", one("manage:help_request_list")),
        ("manager", "help-poster", one("manage:help_poster", venue.pk)),
        ("manager", "reward-pick-up", one("manage:reward_pick_up")),
        ("manager", "volunteer-activities", one("manage:team_activities")),
        ("admin", "help-requests", one("console:volunteer_requests")),
        ("admin", "volunteer-orders", one("console:volunteer_orders")),
        ("admin", "volunteer-figures", one("console:volunteer_figures")),
        ("admin", "points-table", one("console:volunteer_points_table")),
        ("admin", "points-adjust", one("console:volunteer_points_adjust")),
        ("admin", "volunteer-teams", one("console:volunteer_teams")),
        ("admin", "volunteer-team-new", one("console:volunteer_team_new")),
        ("admin", "volunteer-rewards", one("console:volunteer_rewards")),
        ("admin", "volunteer-reward-new", one("console:volunteer_reward_new")),
    ]
    optional = [
        ("worker", "booking", booking, "bookings:detail"),
        ("worker", "appeal", appeal, "feedback:detail"),
        ("worker", "activity", any_activity, "activities:detail"),
        ("worker", "notice", notice, "notices:detail"),
        ("manager", "booking", managed_booking, "manage:booking_detail"),
        ("manager", "appeal", managed_appeal, "manage:appeal_detail"),
        ("manager", "review", review, "manage:review_detail"),
        ("manager", "activity-edit", activity, "manage:activity_edit"),
        ("manager", "activity-signups", activity, "manage:activity_signups"),
        ("manager", "notice-edit", venue_notice, "manage:notice_edit"),
        ("admin", "appeal", district_appeal, "console:appeal_detail"),
        ("worker", "service-order", service_order, "volunteering:order_detail"),
        ("worker", "team", team, "volunteering:team_detail"),
        ("admin", "volunteer-team-edit", team, "console:volunteer_team_edit"),
        ("manager", "help-request", help_request, "manage:help_request_detail"),
    ]
    rows += [
        (role, label, one(name, obj.pk)) for role, label, obj, name in optional if obj
    ]
    from membership.models import Membership, MembershipApplication

    card = Membership.objects.valid().filter(user=worker).first()
    waiting = (
        MembershipApplication.objects.open().filter(venue=venue).order_by("pk").first()
    )
    rows += [
        ("worker", "membership-home", one("membership:home")),
        ("worker", "membership-card", one("membership:card")),
        ("manager", "membership-queue", one("manage:membership_queue")),
        ("admin", "membership-queue", one("console:membership_queue")),
        ("admin", "membership-members", one("console:membership_members")),
        ("admin", "membership-fast-track", one("console:fast_track_lists")),
        ("admin", "membership-fast-track-upload", one("console:fast_track_upload")),
        ("admin", "membership-figures", one("console:membership_figures")),
    ]
    if card:
        rows.append(
            (None, "membership-check", one("membership:verify", card.card_token))
        )
        rows.append(
            ("admin", "membership-member", one("console:membership_member", card.pk))
        )
    if waiting:
        rows.append(
            (
                "manager",
                "membership-application",
                one("manage:membership_application", waiting.pk),
            )
        )
    rows += [
        ("manager", "booking-export", one("manage:booking_export")),
        ("manager", "signup-export", one("manage:signup_export")),
        ("manager", "appeal-export", one("manage:appeal_export")),
        ("admin", "booking-export", one("console:booking_export")),
        ("admin", "venue-export", one("console:venue_export")),
        ("admin", "venue-import", one("console:venue_import")),
        # A list page with its download unfolded.
        ("manager", "queue-export-open", one("manage:booking_queue"), _unfold),
        (
            "admin",
            "venue-import-preview",
            one("console:venue_import"),
            _upload(_venue_rows(venue)),
        ),
    ]
    return rows


def _venue_rows(venue) -> bytes:
    """A small file for the import's preview: good rows and one of each error."""
    from venues.imports import COLUMNS

    good = [
        venue.organization.name,
        venue.get_category_display(),
        venue.town.name,
        "东河路1号",
        "29.95",
        "122.31",
        "0580-1234567",
        "",
        "是",
        "",
    ]
    rows = [
        [str(column.label) for column in COLUMNS],
        ["沈家门新职工驿站", *good],
        ["东港户外驿站", *good],
        ["坐标在区外的驿站", *good[:4], "31.23", "121.47", *good[6:]],
        ["未知组织的驿站", "不存在的协会", *good[1:]],
        [venue.name, *good],
        ["沈家门新职工驿站", *good],
        ["", *good[:4], "北纬三十", "", *good[6:]],
    ]
    return "\n".join(",".join(row) for row in rows).encode("utf-8-sig")


def _unfold(page):
    page.locator("details.export-box > summary").click()


def _upload(content: bytes):
    """A step after opening the import page: send `content` as a CSV file."""

    def step(page):
        page.set_input_files(
            "input[type=file]",
            files=[{"name": "场所.csv", "mimeType": "text/csv", "buffer": content}],
        )
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()

    return step


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2)  # noqa: S310
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the tour's server did not start")


def _log_in(page, base: str, role: str) -> None:
    username, password = ACCOUNTS[role]
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def shoot(
    base: str, rows, only: list[str], language: str = ""
) -> dict[tuple[str, str], list[Path]]:
    from playwright.sync_api import sync_playwright

    shots: dict[tuple[str, str], list[Path]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        for role in (None, "worker", "manager", "admin"):
            end = END_OF_ROLE[role]
            mine = [r for r in rows if r[0] == role]
            mine = [r for r in mine if not only or any(o in r[1] for o in only)]
            if not mine:
                continue
            variants = [(w, 1) for w in WIDTHS] + ([(390, 2)] if end == "user" else [])
            for width, text_scale in variants:
                context = browser.new_context(
                    viewport={"width": width, "height": 844 if width < 600 else 900},
                    is_mobile=width < 600,
                    has_touch=width < 600,
                    locale="zh-CN",
                    timezone_id="Asia/Shanghai",
                )
                if language:
                    context.add_cookies(
                        [{"name": "django_language", "value": language, "url": base}]
                    )
                page = context.new_page()
                cdp = context.new_cdp_session(page) if text_scale == 2 else None
                if cdp:
                    # What the browser's own font-size setting does (not zoom).
                    cdp.send(
                        "Page.setFontSizes",
                        {"fontSizes": {"standard": 32, "fixed": 26}},
                    )
                if role:
                    _log_in(page, base, role)
                suffix = f"{width}" + ("-text200" if text_scale == 2 else "")
                suffix += f"-{language}" if language else ""
                folder = OUT / end
                folder.mkdir(parents=True, exist_ok=True)
                for _role, label, path, *steps in mine:
                    page.goto(base + path)
                    for step in steps:  # e.g. a file to upload first
                        step(page)
                    page.wait_for_timeout(300)
                    target = folder / f"{label}-{suffix}.png"
                    if cdp:
                        # Chromium's full-page capture drops the font sizes
                        # set above: grow the viewport to the page instead.
                        viewport = page.viewport_size
                        height = page.evaluate(
                            "() => document.documentElement.scrollHeight"
                        )
                        page.set_viewport_size({**viewport, "height": height})
                        page.screenshot(path=str(target))
                        page.set_viewport_size(viewport)
                    else:
                        page.screenshot(path=str(target), full_page=True)
                    shots.setdefault((end, suffix), []).append(target)
                context.close()
        browser.close()
    return shots


def contact_sheet(target: Path, images: list[Path], columns: int = 6) -> None:
    from PIL import Image, ImageDraw

    cell_w, cell_h, label_h = 240, 420, 18
    rows = -(-len(images) // columns)
    sheet = Image.new("RGB", (columns * cell_w, rows * (cell_h + label_h)), "white")
    draw = ImageDraw.Draw(sheet)
    for n, path in enumerate(images):
        with Image.open(path) as shot:
            scale = cell_w / shot.width
            thumb = shot.resize((cell_w, max(1, int(shot.height * scale))))
            thumb = thumb.crop((0, 0, cell_w, min(cell_h, thumb.height)))
        x, y = (n % columns) * cell_w, (n // columns) * (cell_h + label_h)
        draw.text((x + 4, y + 2), path.stem, fill="black")
        sheet.paste(thumb, (x, y + label_h))
    sheet.save(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="labels containing")
    parser.add_argument("--language", default="", help="e.g. en; default: 简体中文")
    args = parser.parse_args()

    OUT.mkdir(exist_ok=True)
    env = _scratch_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qunxian.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    rows = pages()
    server, base = _serve(env)
    try:
        shots = shoot(base, rows, args.only, args.language)
    finally:
        server.terminate()
        server.wait(timeout=10)
    for (end, suffix), images in sorted(shots.items()):
        contact_sheet(OUT / f"{end}-{suffix}-sheet.png", images)
    total = sum(len(images) for images in shots.values())
    print(f"{total} screenshots in {OUT}/ (contact sheets: {OUT}/*-sheet.png)")


if __name__ == "__main__":
    main()
