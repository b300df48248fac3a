"""gunicorn (2 sync workers) on 127.0.0.1, driven by wrk.

wrk keeps 16 connections busy from one thread; gunicorn's sync workers close
each connection after its response, so wrk reconnects, as a browser behind a
proxy would look to them. The bare view and the pages run in alternating
bursts, so a busy machine weighs on all of them alike, and the CPU time of
the server (master and workers) and of wrk is read from /proc over each
burst: a ratio means something only if the bare view saturates the server
while wrk stays well below it.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings

HOST = "127.0.0.1"
CONNECTIONS = 16
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wrk_path() -> str:
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("bench: wrk is not installed (Debian: apt-get install wrk)")
    return path


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes, from /proc."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


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
                # A page may take longer than the default 30 s under this
                # load at 100,000 venues; the bench reports it, not a restart.
                "--timeout",
                "120",
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

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def pids(self) -> list[int]:
        """The master and its workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            workers = [int(pid) for pid in children.read_text().split()]
        except OSError:
            workers = []
        return [self.process.pid, *workers]

    def status(self, path: str, cookie: str = "") -> int:
        request = urllib.request.Request(  # noqa: S310 - our own loopback server
            self.url(path), headers={"Cookie": cookie} if cookie else {}
        )
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("bench: gunicorn exited at start")
            try:
                if self.status("/bench/ok") == 200:
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


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _seconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def parse_wrk(output: str) -> dict:
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        # gunicorn closes every connection; wrk counts a few of those as read
        # errors. Connect errors and timeouts are the ones that mean trouble.
        "socket_errors": (int(sockets.group(1)) + int(sockets.group(4)))
        if sockets
        else 0,
        "median_ms": _seconds(percentiles["50"]) * 1000
        if "50" in percentiles
        else None,
        "p99_ms": _seconds(percentiles["99"]) * 1000 if "99" in percentiles else None,
    }


def burst(server: Gunicorn, paths: list[str], cookie: str, seconds: float) -> dict:
    """One wrk run of `seconds`, with the server's and wrk's CPU shares."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(f'"{path}"' for path in paths))
    command = [
        wrk_path(),
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "-H",
        "Accept-Language: zh-hans",
        "-s",
        script.name,
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(server.url("/"))
    try:
        server_before = cpu_seconds(server.pids())
        started = time.perf_counter()
        client = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        client_cpu = 0.0
        while client.poll() is None:
            client_cpu = max(client_cpu, cpu_seconds([client.pid]))
            time.sleep(0.05)
        output = client.stdout.read()
        wall = time.perf_counter() - started
        server_cpu = cpu_seconds(server.pids()) - server_before
    finally:
        os.unlink(script.name)
    if client.returncode:
        raise RuntimeError(f"bench: wrk failed: {output}")
    result = parse_wrk(output)
    result["seconds"] = wall
    result["server_cpu"] = server_cpu / wall  # in cores (2 = both busy)
    result["client_cpu"] = client_cpu / wall
    return result


def combine(bursts: list[dict]) -> dict:
    seconds = sum(b["seconds"] for b in bursts)
    requests = sum(b["requests"] for b in bursts)
    weights = [b["requests"] / requests if requests else 0 for b in bursts]

    def weighted(key):
        values = [
            (b[key], w)
            for b, w in zip(bursts, weights, strict=True)
            if b[key] is not None
        ]
        return sum(v * w for v, w in values) if values else None

    return {
        "requests": requests,
        "rps": sum(b["rps"] * b["seconds"] for b in bursts) / seconds,
        "errors": sum(b["non_2xx"] + b["socket_errors"] for b in bursts),
        "median_ms": weighted("median_ms"),
        "p99_ms": max((b["p99_ms"] or 0) for b in bursts),
        "server_cpu": sum(b["server_cpu"] * b["seconds"] for b in bursts) / seconds,
        "client_cpu": sum(b["client_cpu"] * b["seconds"] for b in bursts) / seconds,
        "seconds": seconds,
    }


def session_cookie(user) -> str:
    """Log `user` in once: a session in the session store, sent as a cookie."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "qunxian.accounts.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    # A returning browser also sends its CSRF cookie.
    return (
        f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}=benchbenchbenchbenchbenchbench12"
    )


def run_server(*, venues: int, label: str, scenarios: list[dict], scale: float) -> dict:
    """Each scenario is {key, label, paths, user (or None), goal (or None)}.
    Under gunicorn, in rounds: each round runs the bare view and then every
    page for one burst."""
    from django.db import connections

    cookies = {}
    for scenario in scenarios:
        user = scenario.get("user")
        if user is not None and user.pk not in cookies:
            cookies[user.pk] = session_cookie(user)
    connections.close_all()
    everything = [
        {"key": "bare", "label": "bare view", "paths": ["/bench/ok"], "user": None},
        *scenarios,
    ]
    rounds = 2 if scale >= 1 else 1
    seconds = 5 if scale >= 1 else 2
    bursts = {scenario["key"]: [] for scenario in everything}
    load_before = os.getloadavg()[0]
    with Gunicorn() as server:
        for scenario in everything:
            cookie = cookies.get(getattr(scenario["user"], "pk", None), "")
            try:
                status = server.status(scenario["paths"][0], cookie)
            except TimeoutError:
                status = "no answer within 120 s"
            if status != 200:
                raise RuntimeError(
                    f"bench: {scenario['paths'][0]} gave {status} ({scenario['label']})"
                )
            burst(server, scenario["paths"], cookie, 2)  # warm every worker
        for _round in range(rounds):
            for scenario in everything:
                cookie = cookies.get(getattr(scenario["user"], "pk", None), "")
                bursts[scenario["key"]].append(
                    burst(server, scenario["paths"], cookie, seconds)
                )
    pages = {}
    for scenario in everything:
        pages[scenario["key"]] = {
            **combine(bursts[scenario["key"]]),
            "label": scenario["label"],
            "goal": scenario.get("goal"),
        }
    return {
        "venues": venues,
        "label": label,
        "rounds": rounds,
        "connections": CONNECTIONS,
        "pages": pages,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg()[0],
    }
