"""The one table (stdout, and Markdown in bench/README.md), the targets, and
the machine it ran on."""

import datetime
import json
import os
import platform
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
HEADER = (
    "measurement",
    "venues",
    "median ms",
    "p95 / p99 ms",
    "SQL",
    "req/s",
    "× bare",
    "target",
)


def machine(vendor: str) -> dict:
    import django
    from django.db import connection

    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
            memory = f"{kb / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = "PostgreSQL " + cursor.fetchone()[0].split()[0]
        else:
            cursor.execute("select sqlite_version()")
            database = "SQLite " + cursor.fetchone()[0]
    try:
        from importlib.metadata import version

        gunicorn = version("gunicorn")
    except Exception:  # noqa: BLE001
        gunicorn = "?"
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(terse=True),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "database": database,
        "gunicorn": gunicorn,
    }


def _ms(value) -> str:
    return "" if value is None else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def _num(value) -> str:
    return "" if value is None else f"{value:,.0f}"


def _x(value) -> str:
    return "" if value is None else f"{value:.2f}×"


def targets(results: dict) -> list[dict]:
    """Each target, its figure, and whether it is met."""
    checks = []

    def check(name, figure, goal, ok, detail=""):
        checks.append(
            {
                "target": name,
                "figure": figure,
                "goal": goal,
                "pass": bool(ok),
                "detail": detail,
            }
        )

    for run in results.get("server", []):
        pages = run["pages"]
        bare = pages["bare"]
        check(
            f"gunicorn ({run['label']}): wrk is not the bottleneck",
            f"server {bare['server_cpu']:.2f} / wrk {bare['client_cpu']:.2f} cores",
            "wrk ≤ 0.5× the server's CPU",
            bare["client_cpu"] <= 0.5 * bare["server_cpu"],
            f"bare view {bare['rps']:.0f} req/s on {os.cpu_count()} shared cores",
        )
        for page in pages.values():
            if page.get("goal") is None:
                continue
            ratio = page["rps"] / bare["rps"]
            check(
                f"gunicorn ({run['label']}): {page['label']}",
                f"{ratio:.2f}× bare",
                f"≥ {page['goal']}× bare",
                ratio >= page["goal"] and not page["errors"],
                f"{page['rps']:.0f} vs {bare['rps']:.0f} req/s; "
                f"{page['errors']} errors",
            )
    # Each gunicorn session's rate is taken relative to its own bare view: the
    # sessions run minutes apart on a machine whose other load changes, so raw
    # req/s would compare the machine, not the app. Raw figures are in detail.
    server = results.get("server", [])
    if len(server) >= 2:
        small, large = server[0], server[-1]
        for key in ("list_logged_in", "venue_logged_in", "home_logged_in"):
            if key not in small["pages"]:
                continue
            rates = [
                run["pages"][key]["rps"] / run["pages"]["bare"]["rps"]
                for run in (large, small)
            ]
            check(
                f"flat: {large['pages'][key]['label']}, "
                f"{large['label']} vs {small['label']}",
                f"{rates[0] / rates[1]:.2f}×",
                "≥ 0.8× (each × its bare view)",
                rates[0] / rates[1] >= 0.8,
                f"raw {large['pages'][key]['rps']:.0f} vs "
                f"{small['pages'][key]['rps']:.0f} req/s",
            )
    for run in results.get("directory", []):
        if run["venues"] == 10_000 and "geojson_uncached" in run:
            ms = run["geojson_uncached"]["median_ms"]
            check(
                "map GeoJSON uncached at 10,000 venues",
                f"{ms:.0f} ms",
                "< 50 ms",
                ms < 50,
            )
    directory = results.get("directory", [])
    for key, label in (
        ("list_logged_in", "logged in"),
        ("list_anonymous_uncached", "anonymous, uncached"),
    ):
        counts = [run[key]["queries"] for run in directory]
        if counts:
            check(
                f"queries per page constant: venue list {label}",
                " / ".join(map(str, counts)),
                "equal at every size",
                len(set(counts)) == 1,
            )
    if indexes := results.get("indexes"):
        ratio = indexes["compute_s"] / indexes["count_s"]
        check(
            f"compute_indexes: {indexes['venues']:,} venues, {indexes['rows']:,} rows",
            f"{ratio:.1f}× count",
            "≤ 5× count",
            ratio <= 5,
            f"{indexes['compute_s'] * 1000:.0f} ms vs "
            f"{indexes['count_s'] * 1000:.1f} ms "
            f"(vs a full read: {indexes['compute_s'] / indexes['scan_s']:.1f}×)",
        )
    if siting := results.get("siting"):
        check(
            f"compute_siting: {siting['venues']:,} venues, "
            f"{siting['events']:,} demand events",
            f"{siting['compute_s']:.1f} s",
            "≤ 60 s",
            siting["compute_s"] <= 60,
            f"{siting['categories']} categories, {siting['rows']:,} count rows, "
            f"{siting['cells']:,} shown cells; solved: {', '.join(siting['methods'])}",
        )
    if notifications := results.get("notifications"):
        sends = (
            notifications["sends_while_queueing"] + notifications["sends_in_requests"]
        )
        check(
            f"notifications: queueing {notifications['reminders']:,} reminders "
            "and approving over HTTP sends nothing",
            f"{sends} sends",
            "0 sends",
            sends == 0 and notifications["request_max_ms"] < 1000,
            f"approval with a 1 s mail server: median "
            f"{notifications['request_median_ms']:.0f} ms, max "
            f"{notifications['request_max_ms']:.0f} ms",
        )
        check(
            "notifications: the worker sends the whole queue within the run",
            f"{notifications['sent']:,} / {notifications['waiting']:,}",
            "all sent",
            notifications["sent"] == notifications["waiting"],
            f"{notifications['rate']:.0f} messages/s",
        )
    if contention := results.get("contention"):
        check(
            "booking contention: overbooked",
            str(contention["overbooked"]),
            "0",
            contention["overbooked"] == 0 and contention["seat_drift"] == 0,
            f"seat drift {contention['seat_drift']}",
        )
    return checks


def rows(results: dict) -> list[tuple]:
    table = []
    for run in results.get("directory", []):
        venues = f"{run['venues']:,}"
        for key, label in (
            ("bare", "in-process: bare view"),
            ("list_anonymous_cached", "in-process: venue list, anonymous (cached)"),
            ("list_anonymous_uncached", "in-process: venue list, anonymous (uncached)"),
            ("list_logged_in", "in-process: venue list, logged in"),
            ("geojson_uncached", "in-process: map GeoJSON, all venues (uncached)"),
            ("geojson_cached", "in-process: map GeoJSON, all venues (cached)"),
        ):
            if key not in run:
                continue
            m = run[key]
            table.append(
                (
                    label,
                    venues,
                    _ms(m["median_ms"]),
                    _ms(m["p95_ms"]),
                    str(m["queries"]),
                    "",
                    _x(m["bare_median_ms"] / m["median_ms"]) if key != "bare" else "",
                    "",
                )
            )
    if near := results.get("near"):
        venues = f"{near['venues']:,}"
        for key, label in (
            ("bare", "in-process: bare view"),
            ("near", "in-process: near me (per query)"),
        ):
            m = near[key]
            table.append(
                (
                    label,
                    venues,
                    _ms(m["median_ms"]),
                    _ms(m["p95_ms"]),
                    str(m["queries"]),
                    "",
                    _x(m["bare_median_ms"] / m["median_ms"]) if key != "bare" else "",
                    "",
                )
            )
    if indexes := results.get("indexes"):
        venues = f"{indexes['venues']:,}"
        table.append(
            (
                f"COUNT(*) of the {indexes['rows']:,} rows (floor)",
                venues,
                _ms(indexes["count_s"] * 1000),
                "",
                "",
                "",
                "",
                "",
            )
        )
        table.append(
            (
                f"SUM(id) of the {indexes['rows']:,} rows (one full read)",
                venues,
                _ms(indexes["scan_s"] * 1000),
                "",
                "",
                "",
                "",
                "",
            )
        )
        table.append(
            (
                "compute_indexes (one month)",
                venues,
                _ms(indexes["compute_s"] * 1000),
                "",
                "",
                "",
                "",
                f"{indexes['compute_s'] / indexes['count_s']:.1f}× count (≤ 5×)",
            )
        )
    if siting := results.get("siting"):
        table.append(
            (
                f"compute_siting: coverage and suggestions, "
                f"{siting['events']:,} demand events",
                f"{siting['venues']:,}",
                _ms(siting["compute_s"] * 1000),
                "",
                "",
                "",
                "",
                "≤ 60 s",
            )
        )
    for run in results.get("server", []):
        venues = f"{run['venues']:,}"
        bare = run["pages"]["bare"]["rps"]
        for key, page in run["pages"].items():
            goal = page.get("goal")
            table.append(
                (
                    f"gunicorn ×2, wrk: {page['label']}"
                    + (
                        f" (server {page['server_cpu']:.2f} / wrk "
                        f"{page['client_cpu']:.2f} cores)"
                        if key == "bare"
                        else ""
                    ),
                    venues,
                    _ms(page["median_ms"]),
                    _ms(page["p99_ms"]),
                    "",
                    _num(page["rps"]),
                    _x(page["rps"] / bare) if key != "bare" else "",
                    f"≥ {goal}×" if goal is not None else "",
                )
            )
    if notifications := results.get("notifications"):
        count = f"{notifications['reminders']:,}"
        table.append(
            (
                f"notifications: queue {count} reminders (send_reminders)",
                "",
                _ms(notifications["queue_s"] * 1000),
                "",
                "",
                f"{notifications['queued'] / notifications['queue_s']:.0f} queued/s",
                "",
                "0 sends",
            )
        )
        table.append(
            (
                "notifications: approve over HTTP, mail server 1 s/message",
                "",
                _ms(notifications["request_median_ms"]),
                _ms(notifications["request_max_ms"]),
                "",
                "",
                "",
                "< 1000 ms",
            )
        )
        table.append(
            (
                f"notifications: db_worker sends {notifications['waiting']:,} e-mails",
                "",
                _ms(notifications["worker_s"] * 1000),
                "",
                "",
                f"{notifications['rate']:.0f} sent/s",
                "",
                "all sent",
            )
        )
    if contention := results.get("contention"):
        table.append(
            (
                f"booking contention: {contention['clients']} clients, "
                f"{contention['slots']} slots × "
                f"{contention['capacity']} seats",
                "",
                "",
                "",
                "",
                f"{contention['bookings_per_s']:.0f} bookings/s",
                "",
                f"overbooked {contention['overbooked']} (must be 0)",
            )
        )
    return table


def markdown(results: dict) -> str:
    lines = [
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows(results)]
    lines.append("")
    lines.append("| target | figure | goal | met | detail |")
    lines.append("|---|---|---|---|---|")
    for check in results.get("targets", []):
        lines.append(
            f"| {check['target']} | {check['figure']} | {check['goal']} | "
            f"{'yes' if check['pass'] else '**NO**'} | {check['detail']} |"
        )
    return "\n".join(lines)


def machine_line(meta: dict) -> str:
    return (
        f"{meta['date']} · {meta['cpus']} CPUs ({meta['cpu']}) · "
        f"{meta['memory']} RAM · "
        f"{meta['os']} · Python {meta['python']} · Django {meta['django']} · "
        f"{meta['database']} · gunicorn {meta['gunicorn']}"
        + (
            " · 1-min load average {:.1f} at the start, {:.1f} at the end".format(
                *meta["loadavg"]
            )
            if "loadavg" in meta
            else ""
        )
    )


def write(results: dict, out_dir: Path, name: str = "results") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}-{results['vendor']}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return path


README_HEAD = """# Benchmarks

`make bench` runs `python -m bench`: it fills a scratch database (SQLite
`bench/out/bench.sqlite3`, or with `DATABASE_URL=postgres:///qunxian_bench` a
PostgreSQL database named `<name>_bench`, created and dropped by the run),
measures, prints the table below and writes it as JSON to `bench/out/`.
`--quick` scales everything down for a smoke run; `--publish` copies the JSON
here and rewrites this file; `--keep` keeps the scratch database.

What is measured, always beside the bare `HttpResponse("ok")` view of the same
run (the ratio is the figure that counts; the bare view goes through the same
middleware):

- in-process (`django.test.Client`, DEBUG off): the venue list (20 a page) at
  each size, anonymous from the cache, anonymous rendered afresh, and logged
  in; the map's GeoJSON with all venues; near me; SQL queries of one request;
- `compute_indexes` for one month over 1,000 venues and 1,000,000 rows (a
  quarter each: daily usage counts, bookings, reviews, feedback), against
  `COUNT(*)` of the same rows;
- `compute_siting` at 100,000 venues over 1,000,000 demand events of the
  last 30 days (near-me searches spread wider than the venues, navigations,
  refused bookings, waiting lists, counted by cell and hour as the portal
  counts them): coverage and suggestions for 1–5 new sites in every
  category, within 60 s;
- notifications: the reminders job queues 10,000 e-mailed reminders with
  providers that count every send (none may happen), managers approve
  bookings over HTTP while the mail server takes a second per message (the
  request must not wait for it), then `manage.py db_worker --batch` in its own
  process sends the whole queue: the rate is messages sent per second;
- booking contention (PostgreSQL): 32 threads, each with its own connection,
  walking the same slots in the same order with `booking_create`;
- gunicorn with 2 sync workers on 127.0.0.1, driven by wrk (one thread, 16
  connections; the sync workers close each connection, so wrk reconnects),
  on the demo data (`load_demo`: the demo worker with bookings and messages,
  the demo manager, the demo admin) and again once the fill has grown the
  same database to 100,000 venues: home, venue list and venue page anonymous
  and as the demo worker (20 venue pages in turn), my bookings, one booking,
  the manager's work inbox, the console ranking, near me. The bare view and
  the pages run in alternating 5 s bursts (2 rounds, after a 2 s warm-up of
  each page), so a busy machine weighs on all alike; the CPU time of
  gunicorn (master and workers) and of wrk over each burst is read from
  /proc and shown beside the bare view: a ratio means something only while
  the bare view keeps the server busy and wrk stays well below it. wrk
  shares the machine's cores with the server. In-process, each page request
  is paired with a bare one just before it.

`python -m bench --pages-only` runs only the gunicorn part (quicker, for
profiling rounds); `python -m bench.profile [--user demo-username] PATH…`
prints a cProfile of pages in-process against `DATABASE_URL` (e.g. `make
run`'s demo data). `python -m bench.served` runs the demo-data pages of the
gunicorn part, the same way, on the database `make run` built
(`DATABASE_URL` as it is, or the development SQLite file; nothing is created
or dropped) and prints each page's ratio to the bare view beside the
published demo-data one, and whether the two agree within 30 %.
"""


def write_readme() -> Path:
    parts = [README_HEAD]
    for path in sorted(BENCH_DIR.glob("results-*.json")):
        results = json.loads(path.read_text())
        results["targets"] = targets(results)
        parts.append(
            f"\n## {results['meta']['database']} ({results['scale']} run)\n\n"
            f"{machine_line(results['meta'])}\n\n"
            f"Raw figures: [{path.name}]({path.name}).\n\n" + markdown(results) + "\n"
        )
    readme = BENCH_DIR / "README.md"
    # A hand-written "## Notes" section at the end survives regeneration.
    if readme.exists() and (notes := readme.read_text().partition("\n## Notes\n")[2]):
        parts.append("\n## Notes\n" + notes)
    readme.write_text("".join(parts))
    return readme
