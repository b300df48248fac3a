"""The project's settings pointed at a scratch database, for `python -m bench`.

Never the dev or CI database: SQLite goes to bench/out/bench.sqlite3, and a
PostgreSQL DATABASE_URL is renamed to `<name>_bench` (kept if it already ends
in `_bench`); only `python -m bench.served`, which creates and drops nothing,
sets BENCH_DATABASE=existing to read the database as it is. DEBUG is off, as
in production, so nothing records queries.
"""

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from qunxian.settings import *  # noqa: F403
from qunxian.settings import ALLOWED_HOSTS, BASE_DIR, DATABASE_URL, DATABASES

OUT_DIR = BASE_DIR / "bench" / "out"
SQLITE_PATH = OUT_DIR / "bench.sqlite3"


def scratch_name(name: str) -> str:
    name = name or "qunxian"
    return name if name.endswith("_bench") else f"{name}_bench"


if os.environ.get("BENCH_DATABASE") == "existing":
    pass  # `python -m bench.served`: the database as the project names it
elif DATABASE_URL:
    _db = {**DATABASES["default"]}
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("bench: DATABASE_URL must be PostgreSQL (or unset).")
    _db["NAME"] = scratch_name(_db["NAME"])
    DATABASES = {"default": _db}
else:
    DATABASES = {"default": {**DATABASES["default"], "NAME": SQLITE_PATH}}

DEBUG = False
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
ROOT_URLCONF = "bench.urls"
# `python -m bench` sets BENCH_MEDIA_ROOT so gunicorn's workers share one dir.
MEDIA_ROOT = Path(
    os.environ.get("BENCH_MEDIA_ROOT") or tempfile.mkdtemp(prefix="qunxian-bench-")
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
