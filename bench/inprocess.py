"""In-process measurements with django.test.Client: time per request and
SQL queries per page, beside the bare view measured in the same run."""

import random
import statistics
import time

from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qunxian.caching import forget_versions
from venues.cache import DIRECTORY_VERSION


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(
    client: Client, urls, *, n: int, warm: int = 3, before=None, max_seconds: float = 20
) -> dict:
    """Median and p95 (ms) over `n` GETs cycling through `urls`, each paired
    with a bare-view request just before it, so that both see the same machine
    (the ratio is the figure that counts); and the SQL queries of one more GET.
    `before` runs ahead of each request, untimed."""
    urls = list(urls)
    bare_client = Client()
    for index in range(warm):
        if before:
            before()
        client.get(urls[index % len(urls)])
    times, bare_times = [], []
    size = 0
    deadline = time.perf_counter() + max_seconds
    for index in range(n):
        if index >= 10 and time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        bare_client.get("/bench/ok")
        bare_times.append((time.perf_counter() - started) * 1000)
        if before:
            before()
        url = urls[index % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"bench: GET {url} gave {response.status_code}")
        size = len(response.content)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        client.get(urls[0])
    return {
        "n": len(times),
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "bare_median_ms": statistics.median(bare_times),
        "queries": len(queries.captured_queries),
        "bytes": size,
    }


def invalidate_directory() -> None:
    """More than a venue edit does: nothing kept anywhere, so the page is
    rendered afresh (the versions, the shared cache, this process's pages)."""
    cache.delete(DIRECTORY_VERSION)
    cache.clear()
    caches["fragments"].clear()
    forget_versions()


def list_urls() -> list[str]:
    return ["/venues/"]


def near_urls(count: int, *, seed: int = 7) -> list[str]:
    from bench.fill import random_position

    rng = random.Random(seed)  # noqa: S311 - test data
    return [
        "/venues/near.json?lat={:.5f}&lng={:.5f}".format(*random_position(rng))
        for _ in range(count)
    ]


def run_directory(*, venues: int, worker, scale: float, geojson: bool) -> dict:
    """The bare view, the venue list three ways, and (optionally) the map's GeoJSON."""
    anonymous, logged_in = Client(), Client()
    logged_in.force_login(worker)
    n_fast = max(30, int(300 * scale))
    n_page = max(20, int(100 * scale))
    results = {
        "venues": venues,
        "bare": measure(anonymous, ["/bench/ok"], n=n_fast),
        "list_anonymous_cached": measure(anonymous, list_urls(), n=n_fast),
        "list_anonymous_uncached": measure(
            anonymous, list_urls(), n=n_page, before=invalidate_directory
        ),
        "list_logged_in": measure(logged_in, list_urls(), n=n_page),
    }
    if geojson:
        n_geo = max(5, int((30 if venues <= 2000 else 10) * scale))
        results["geojson_uncached"] = measure(
            anonymous, ["/venues/geojson"], n=n_geo, warm=1, before=invalidate_directory
        )
        results["geojson_cached"] = measure(anonymous, ["/venues/geojson"], n=n_fast)
    return results


def run_near(*, venues: int, scale: float) -> dict:
    client = Client()
    n = max(30, int(200 * scale))
    return {
        "venues": venues,
        "bare": measure(client, ["/bench/ok"], n=max(30, int(300 * scale))),
        "near": measure(client, near_urls(n), n=n),
    }
