"""`python -m bench [--quick] [--publish] [--keep]`: see bench/README.md."""

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

FULL = {
    "directory": [1_000, 10_000, 100_000],
    "geojson": [1_000, 10_000],
    "server": [100_000],
    "near": 100_000,
    "index_rows": 1_000_000,
    "contention_slots": 28,
    "reminders": 10_000,
    "siting_events": 1_000_000,
    "scale": 1.0,
}
QUICK = {
    "directory": [100, 1_000, 5_000],
    "geojson": [100, 1_000],
    "server": [5_000],
    "near": 5_000,
    "index_rows": 40_000,
    "contention_slots": 6,
    "reminders": 1_000,
    "siting_events": 40_000,
    "scale": 0.25,
}


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(function, *, repeat: int = 3, budget: float = 20.0) -> float:
    """Median of `repeat` runs, fewer when one run alone takes `budget` s."""
    times = []
    for _ in range(repeat):
        if sum(times) > budget:
            break
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_indexes(venue_ids: list[int], rows: int, rng: random.Random) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench.fill import add_index_rows
    from bookings.models import Booking
    from feedback.indexes import compute_indexes
    from feedback.models import Appeal, Review
    from venues.models import VenueDailyStat

    started = time.perf_counter()
    counts = add_index_rows(venue_ids, rows, rng=rng)
    fill_s = time.perf_counter() - started
    tables = [m._meta.db_table for m in (VenueDailyStat, Booking, Review, Appeal)]

    def count_rows(expression="COUNT(*)"):
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'SELECT {expression} FROM "{table}"')  # noqa: S608
                cursor.fetchone()

    today = timezone.localdate()
    count_rows()  # warm the caches for both sides alike
    count_s = timed(count_rows)
    # SQLite answers COUNT(*) from b-tree page headers; summing the ids reads
    # every row, a truer "one pass" on either database.
    scan_s = timed(lambda: count_rows('SUM("id")'))
    compute_s = timed(lambda: compute_indexes(today, provisional=True))
    return {
        "venues": len(venue_ids),
        "rows": sum(counts.values()),
        "tables": counts,
        "fill_s": fill_s,
        "count_s": count_s,
        "scan_s": scan_s,
        "compute_s": compute_s,
        "period": f"{today:%Y-%m}",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument(
        "--publish",
        action="store_true",
        help="copy the JSON to bench/ and rewrite bench/README.md",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only the pages under gunicorn (demo data, then the fill)",
    )
    args = parser.parse_args(argv)
    plan = dict(QUICK if args.quick else FULL)
    if args.pages_only:
        plan["directory"] = plan["server"]

    # Always the bench settings: a scratch database, never the dev or CI one.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    media = tempfile.mkdtemp(prefix="qunxian-bench-media-")
    os.environ["BENCH_MEDIA_ROOT"] = media

    import django

    from bench import scratch

    vendor = scratch.vendor()
    say(f"scratch database ({vendor}): creating")
    scratch.create()
    django.setup()
    try:
        return _run(plan, args, vendor)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            scratch.drop()
        shutil.rmtree(media, ignore_errors=True)


def demo_personas() -> dict:
    """The demo's worker (with bookings, messages and a session), manager and
    admin, and one of the worker's bookings."""
    from bookings.models import Booking
    from qunxian.models import User

    worker = User.objects.get(username="worker")
    return {
        "worker": worker,
        "manager": User.objects.get(username="manager"),
        "admin": User.objects.get(username="admin"),
        "booking": Booking.objects.filter(user=worker).order_by("pk").first(),
    }


def page_scenarios(personas: dict, venue_ids: list[int], near_paths) -> list[dict]:
    """The pages of issue 16, each with its goal (× the bare view)."""
    worker = personas["worker"]
    venue_paths = [f"/venues/{pk}/" for pk in venue_ids]
    return [
        {
            "key": "home_anonymous",
            "label": "home, anonymous",
            "paths": ["/"],
            "user": None,
            "goal": 0.5,
        },
        {
            "key": "home_logged_in",
            "label": "home, demo worker",
            "paths": ["/"],
            "user": worker,
            "goal": 0.3,
        },
        {
            "key": "list_anonymous",
            "label": "venue list, anonymous",
            "paths": ["/venues/"],
            "user": None,
            "goal": 0.5,
        },
        {
            "key": "list_logged_in",
            "label": "venue list, demo worker",
            "paths": ["/venues/"],
            "user": worker,
            "goal": 0.3,
        },
        {
            "key": "venue_anonymous",
            "label": "venue page, anonymous",
            "paths": venue_paths,
            "user": None,
            "goal": 0.5,
        },
        {
            "key": "venue_logged_in",
            "label": "venue page, demo worker",
            "paths": venue_paths,
            "user": worker,
            "goal": 0.3,
        },
        {
            "key": "my_bookings",
            "label": "my bookings, demo worker",
            "paths": ["/bookings/"],
            "user": worker,
            "goal": 0.2,
        },
        {
            "key": "booking",
            "label": "one booking, demo worker",
            "paths": [f"/bookings/{personas['booking'].pk}/"],
            "user": worker,
            "goal": 0.2,
        },
        {
            "key": "manager_inbox",
            "label": "manager work inbox, demo manager",
            "paths": ["/manage/"],
            "user": personas["manager"],
            "goal": 0.2,
        },
        {
            "key": "console_ranking",
            "label": "console ranking, demo admin",
            "paths": ["/console/indexes/"],
            "user": personas["admin"],
            "goal": 0.2,
        },
        {
            "key": "near",
            "label": "near me, anonymous",
            "paths": list(near_paths),
            "user": None,
            "goal": None,  # measured, not one of issue 16's pages
        },
    ]


def _run(plan: dict, args, vendor: str) -> int:
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    from bench import fill, inprocess, load, report
    from venues.models import Venue

    rng = random.Random(args.seed)  # noqa: S311 - test data
    loadavg_start = os.getloadavg()[0]
    call_command("migrate", verbosity=0)
    say("the demo data (load_demo)")
    call_command("load_demo", stdout=io.StringIO())
    personas = demo_personas()
    fill.reference_data()
    results = {
        "vendor": vendor,
        "scale": "quick" if args.quick else "full",
        "sizes": {k: v for k, v in plan.items() if k != "scale"},
        "directory": [],
        "server": [],
        "fill_s": {},
    }
    near_paths = inprocess.near_urls(500, seed=args.seed)

    def server_run(size: int, label: str) -> None:
        published = list(Venue.objects.published().values_list("pk", flat=True))
        results["server"].append(
            load.run_server(
                venues=size,
                label=label,
                scenarios=page_scenarios(
                    personas,
                    # 20 venues, warm: the steady state of popular pages (a
                    # page's first rendering is measured in-process).
                    rng.sample(published, min(20, len(published))),
                    near_paths,
                ),
                scale=plan["scale"],
            )
        )
        # What is measured so far, in case a later phase fails.
        report.write({**results, "partial": True}, Path(settings.OUT_DIR), "partial")

    demo_size = Venue.objects.count()
    say(f"gunicorn on the demo data ({demo_size} venues)")
    server_run(demo_size, "demo data")
    for size in plan["directory"]:
        have = Venue.objects.count()
        say(f"adding {size - have:,} venues (to {size:,})")
        results["fill_s"][str(size)] = fill.add_venues(size - have, rng=rng)
        cache.clear()
        if args.pages_only:
            say(f"gunicorn at {size:,} venues")
            server_run(size, f"{size:,} venues")
            continue
        say(f"in-process at {size:,} venues")
        results["directory"].append(
            inprocess.run_directory(
                venues=size,
                worker=personas["worker"],
                scale=plan["scale"],
                geojson=size in plan["geojson"],
            )
        )
        if size == plan["directory"][0]:
            say(
                f"compute_indexes: {size:,} venues, filling {plan['index_rows']:,} rows"
            )
            # The demo's venues have their daily counts already.
            results["indexes"] = run_indexes(
                list(
                    Venue.objects.filter(daily_stats__isnull=True).values_list(
                        "pk", flat=True
                    )
                ),
                plan["index_rows"],
                rng,
            )
        if size == plan["near"]:
            say(f"near me at {size:,} venues")
            results["near"] = inprocess.run_near(venues=size, scale=plan["scale"])
            from bench.siting import run_siting

            say(f"compute_siting: {size:,} venues, {plan['siting_events']:,} events")
            results["siting"] = run_siting(plan["siting_events"], rng)
        if size in plan["server"]:
            say(f"gunicorn at {size:,} venues")
            server_run(size, f"{size:,} venues")
    if not args.pages_only:
        from bench.notify import run_notifications

        say(f"notifications: queueing {plan['reminders']:,} reminders, then the worker")
        results["notifications"] = run_notifications(plan["reminders"])
        if vendor == "postgresql":
            from bench.contention import run_contention

            say("booking contention: 32 clients")
            results["contention"] = run_contention(
                clients=32, slots=plan["contention_slots"]
            )
    results["meta"] = report.machine(vendor)
    results["meta"]["loadavg"] = [loadavg_start, os.getloadavg()[0]]
    results["targets"] = report.targets(results)

    out = report.write(results, Path(settings.OUT_DIR))
    print(f"\n{report.machine_line(results['meta'])}\n")
    print(report.markdown(results))
    print(f"\nJSON: {out}")
    if args.publish:
        shutil.copy(out, report.BENCH_DIR / out.name)
        print(f"Published: {report.write_readme()}")
    return 0 if all(check["pass"] for check in results["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
