"""`python -m bench [--quick] [--publish] [--keep]`: see bench/README.md."""

import argparse
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
    "server": [10_000, 100_000],
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
    "server": [1_000, 5_000],
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
    compute_s = timed(lambda: compute_indexes(today))
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
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL

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


def _run(plan: dict, args, vendor: str) -> int:
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    from bench import fill, inprocess, load, report
    from qunxian.models import User
    from venues.models import Venue

    rng = random.Random(args.seed)  # noqa: S311 - test data
    loadavg_start = os.getloadavg()
    call_command("migrate", verbosity=0)
    fill.reference_data()
    worker = User.objects.get(
        pk=fill.add_users(1, prefix="bench-worker-", phones="135")[0]
    )
    results = {
        "vendor": vendor,
        "scale": "quick" if args.quick else "full",
        "sizes": {k: v for k, v in plan.items() if k != "scale"},
        "directory": [],
        "server": [],
        "fill_s": {},
    }
    for size in plan["directory"]:
        have = Venue.objects.count()
        say(f"adding {size - have:,} venues (to {size:,})")
        results["fill_s"][str(size)] = fill.add_venues(size - have, rng=rng)
        cache.clear()
        say(f"in-process at {size:,} venues")
        results["directory"].append(
            inprocess.run_directory(
                venues=size,
                worker=worker,
                scale=plan["scale"],
                geojson=size in plan["geojson"],
            )
        )
        if size == plan["directory"][0]:
            say(
                f"compute_indexes: {size:,} venues, filling {plan['index_rows']:,} rows"
            )
            results["indexes"] = run_indexes(
                list(Venue.objects.values_list("pk", flat=True)),
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
            published = list(Venue.objects.published().values_list("pk", flat=True))
            results["server"].append(
                load.run_server(
                    venues=size,
                    worker=worker,
                    venue_ids=rng.sample(published, min(200, len(published))),
                    near_paths=inprocess.near_urls(500, seed=args.seed),
                    scale=plan["scale"],
                )
            )
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
    results["meta"]["loadavg"] = [loadavg_start[0], os.getloadavg()[0]]
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
