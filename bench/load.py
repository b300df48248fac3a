"""gunicorn (2 workers) on 127.0.0.1 and a bounded asyncio load generator.

Each scenario is bounded by a request count and a time limit. gunicorn's sync
workers close every connection, so each request opens its own, as a browser
behind a proxy would look to them.
"""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from bench.inprocess import percentile

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`with Gunicorn() as server:` starts it and always stops it."""

    def __init__(self, *, workers: int = 2):
        self.workers = workers
        self.port = free_port()
        self.process = None

    def __enter__(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        env["BENCH_MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "qunxian.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"{HOST}:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("bench: gunicorn exited at start")
            try:
                status, _latency = asyncio.run(_get(self.port, "/bench/ok", ""))
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("bench: gunicorn did not answer within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def _get(port: int, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
            "Accept-Language: zh-hans\r\n"
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    return status, time.perf_counter() - started


async def _run(port, paths, cookie, *, concurrency, max_requests, max_seconds):
    latencies, errors = [], 0
    issued = 0
    deadline = time.perf_counter() + max_seconds

    async def client():
        nonlocal issued, errors
        while issued < max_requests and time.perf_counter() < deadline:
            path = paths[issued % len(paths)]
            issued += 1
            try:
                status, latency = await _get(port, path, cookie)
            except OSError:
                errors += 1
                continue
            if status == 200:
                latencies.append(latency)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def load(
    server: Gunicorn,
    paths: list[str],
    *,
    cookie: str = "",
    concurrency: int = 8,
    max_requests: int = 2000,
    max_seconds: float = 2.0,
) -> tuple[list[float], int, float]:
    """One bounded burst: (latencies of the 200s, other outcomes, seconds)."""
    return asyncio.run(
        _run(
            server.port,
            paths,
            cookie,
            concurrency=concurrency,
            max_requests=max_requests,
            max_seconds=max_seconds,
        )
    )


def summary(bursts: list[tuple[list[float], int, float]], concurrency: int) -> dict:
    latencies = [latency for burst in bursts for latency in burst[0]]
    errors = sum(burst[1] for burst in bursts)
    seconds = sum(burst[2] for burst in bursts)
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": seconds,
        "rps": len(latencies) / seconds if seconds else 0.0,
        "median_ms": percentile(latencies, 0.5) * 1000 if latencies else None,
        "p99_ms": percentile(latencies, 0.99) * 1000 if latencies else None,
        "concurrency": concurrency,
    }


def session_cookie(user) -> str:
    """Log `user` in once: a session in the session store, sent as a cookie."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    # A returning browser also sends its CSRF cookie.
    return (
        f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}=benchbenchbenchbenchbenchbench12"
    )


def run_server(
    *, venues: int, worker, venue_ids: list[int], near_paths, scale: float
) -> dict:
    """Under gunicorn, in rounds: each round runs the bare view and then every
    page for a short burst, so a busy machine weighs on all of them alike."""
    from django.db import connections

    cookie = session_cookie(worker)
    connections.close_all()
    rounds = 4
    burst = {
        "max_requests": max(100, int(1500 * scale)),
        "max_seconds": max(0.75, 1.5 * scale),
    }
    scenarios = {
        "bare": (["/bench/ok"], ""),
        "list_anonymous": (["/venues/"], ""),
        "list_logged_in": (["/venues/"], cookie),
        "venue_page": ([f"/venues/{pk}/" for pk in venue_ids], ""),
        "near": (near_paths, ""),
    }
    bursts = {key: [] for key in scenarios}
    load_before = os.getloadavg()[0]
    with Gunicorn() as server:
        for paths, cookie_ in scenarios.values():  # warm every worker's caches
            load(server, paths, cookie=cookie_, max_requests=40, max_seconds=5)
        for _round in range(rounds):
            for key, (paths, cookie_) in scenarios.items():
                bursts[key].append(load(server, paths, cookie=cookie_, **burst))
    results = {key: summary(value, 8) for key, value in bursts.items()}
    results["venues"] = venues
    results["rounds"] = rounds
    results["loadavg_before"] = load_before
    results["loadavg_after"] = os.getloadavg()[0]
    return results
