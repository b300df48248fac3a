"""`python -m bench.profile [--user USERNAME] [-n N] PATH…`: cProfile of the
pages in-process (django.test.Client, DEBUG off), against the database of
DATABASE_URL (e.g. `make run`'s demo data), printing the top functions by
cumulative and own time and the SQL of one request.

py-spy, a sampler of a gunicorn worker under wrk, is not packaged for this
machine's Debian but installs with pip into a venv of its own; the bench
README's notes use both.
"""

import argparse
import cProfile
import os
import pstats
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--user", help="log in as this username first")
    parser.add_argument("-n", type=int, default=200, help="requests per path")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qunxian.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from qunxian.models import User

    # DEBUG off as in production (nothing records queries); static files
    # as in development, so that no collectstatic is needed.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        if args.user:
            client.force_login(User.objects.get(username=args.user))
        for path in args.paths:
            for _ in range(5):  # warm caches and the template loader
                status = client.get(path).status_code
            if status != 200:
                print(f"{path}: {status}", file=sys.stderr)
                return 1
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.n):
                client.get(path)
            profile.disable()
            stats = pstats.Stats(profile)
            total = stats.total_tt
            print(f"\n== {path}: {total / args.n * 1000:.2f} ms a request (profiled)")
            print(f"{len(queries.captured_queries)} queries:")
            for query in queries.captured_queries:
                print(f"  {query['time']}s {query['sql'][:150]}")
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
