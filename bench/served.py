"""`python -m bench.served`: the demo-data pages of `make bench` on the
database `make run` built, beside the published demo-data figures.

The same gunicorn (2 sync workers, DEBUG off, the bare view beside the
pages), the same wrk bursts and the same demo personas as the bench's
"demo data" run, but on the database DATABASE_URL names as it is (or the
development SQLite file), not on a scratch copy: nothing is created or
dropped. Signing the personas in writes their sessions, and the venue pages
count their views, as visitors would. Each page's ratio to the bare view is
compared with the same page's in the published run (bench/results-postgresql.json
unless --published names another); it agrees when within --tolerance (30 %)
of it. The machine lines name each side's database.
"""

import argparse
import json
import os
import random
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.served")
    parser.add_argument("--tolerance", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--published",
        default="results-postgresql.json",
        help="the published run to compare with, in bench/ (the issue's targets "
        "are PostgreSQL's, whichever database make run uses)",
    )
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_DATABASE"] = "existing"
    import django

    django.setup()
    from bench import inprocess, load, report, scratch
    from bench.__main__ import demo_personas, page_scenarios
    from venues.models import Venue

    vendor = scratch.vendor()
    published = json.loads((report.BENCH_DIR / args.published).read_text())
    reference = next(run for run in published["server"] if run["label"] == "demo data")
    rng = random.Random(args.seed)  # noqa: S311 - a sample of pages
    venues = list(Venue.objects.published().values_list("pk", flat=True))
    run = load.run_server(
        venues=Venue.objects.count(),
        label="make run's data",
        scenarios=page_scenarios(
            demo_personas(),
            rng.sample(venues, min(20, len(venues))),
            inprocess.near_urls(500, seed=args.seed),
        ),
        scale=1.0,
    )
    print(report.machine_line(report.machine(vendor)))
    print(f"Published demo-data run: {report.machine_line(published['meta'])}\n")
    print(agreement(run["pages"], reference["pages"], args.tolerance))
    return 0


def agreement(here: dict, there: dict, tolerance: float) -> str:
    """A Markdown table of each page's ratio here and in the published run."""
    lines = [
        "| page | req/s here | × bare here | × bare published | difference | agrees |",
        "|---|---|---|---|---|---|",
    ]
    bare = here["bare"]["rps"]
    published_bare = there["bare"]["rps"]
    lines.append(
        f"| bare view | {bare:,.0f} (server {here['bare']['server_cpu']:.2f} / wrk "
        f"{here['bare']['client_cpu']:.2f} cores) |  |  |  |  |"
    )
    for key, page in here.items():
        if key == "bare" or key not in there:
            continue
        ratio = page["rps"] / bare
        expected = there[key]["rps"] / published_bare
        difference = ratio / expected - 1
        agrees = "yes" if abs(difference) <= tolerance else "**NO**"
        lines.append(
            f"| {page['label']} | {page['rps']:,.0f} | {ratio:.2f}× | {expected:.2f}× "
            f"| {difference:+.0%} | {agrees} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
