"""Venue page views, counted once per visitor, venue and day, without a
database write in the request.

A view adds a mark to the "usage" cache (Redis, or its own table without
Redis): the venue, the day and a salted hash that tells one visitor from
another that day and from nobody else. The mark's value is the hour (local
time) of that visitor's first view of the venue that day; the salt is random
per day and lives only in that cache. The mark of a visitor seen already that
day exists, so a reload, even hours later, adds nothing and moves no hour.
`flush_view_counts` (cron, every minute) counts the marks into
`VenueDailyStat.views` and, by their hour, into `VenueHourlyViews` (counts,
not increments: a second run changes nothing), and once a day is over,
deletes its marks and salt: after that no one can tell who viewed, not even
with the session keys. Only the number of visitors per venue, day and hour
is kept.
"""

import datetime
import hashlib
import secrets
from collections import Counter
from functools import wraps

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction
from django.utils import timezone

from venues.models import Venue, VenueDailyStat, VenueHourlyViews

# Marks and salts outlive their day by this much even if no flush ever runs.
KEEP_SECONDS = 3 * 24 * 3600
MARK = "mark"
# How far back the use by weekday and hour looks (dashboards/usage.py):
# eight weeks, enough for a pattern and recent enough.
HOURS_DAYS = 56
BATCH = 500  # keys and rows per round trip


def usage_cache():
    return caches["usage"]


# The marks this process added lately (at most MARKED_KEPT).
MARKED_KEPT = 50_000
_marked: set[str] = set()
# day -> its salt, as this process last read it from the usage cache
_salts: dict[datetime.date, str] = {}


def _salt(day: datetime.date) -> str:
    """The day's salt: the first process to need it makes it, the others read
    it (and remember it for the day)."""
    salt = _salts.get(day)
    if salt is None:
        store = usage_cache()
        key = f"salt:{day.isoformat()}"
        store.add(key, secrets.token_hex(16), KEEP_SECONDS)
        salt = store.get(key)
        _salts.clear()  # only today's is worth keeping
        _salts[day] = salt
    return salt


def forget_salts() -> None:
    """Drop this process's memo of the salts and marks (tests)."""
    _salts.clear()
    _marked.clear()


def visitor_digest(request, day: datetime.date) -> str:
    """One visitor on `day`: their account, else their session, else their
    address and browser; hashed with the day's salt."""
    from allauth.account.adapter import get_adapter

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        who = f"user:{user.pk}"
    elif request.session.session_key:
        who = f"session:{request.session.session_key}"
    else:
        address = get_adapter(request).get_client_ip(request)
        agent = request.headers.get("user-agent", "")
        who = f"client:{address}:{agent}"
    salted = f"{_salt(day)}:{who}".encode()
    return hashlib.blake2b(salted, digest_size=12).hexdigest()


def counting_views(view):
    """Count a view of the venue page (`pk`) each time it is shown, cached
    or not."""

    @wraps(view)
    def wrapped(request, *args, pk, **kwargs):
        response = view(request, *args, pk=pk, **kwargs)
        if response.status_code == 200:
            count_view(request, venue_id=pk)
        return response

    return wrapped


def count_view(request, *, venue_id: int) -> None:
    """Mark this visitor's view of the venue today, with the hour (once: the
    mark is added only if it is not there, so it keeps the first view's
    hour)."""
    now = timezone.localtime()
    day = now.date()
    key = f"{MARK}:{day.isoformat()}:{venue_id}:{visitor_digest(request, day)}"
    if key in _marked:  # this process added it: a reload costs no round trip
        return
    usage_cache().add(key, f"{now.hour:02d}", KEEP_SECONDS)
    if len(_marked) >= MARKED_KEPT:
        _marked.clear()
    _marked.add(key)


def _marks() -> list[str]:
    """Every mark's key (without the cache's prefix), whichever the backend."""
    store = usage_cache()
    prefix = store.make_key(f"{MARK}:")
    if isinstance(store, DatabaseCache):
        db = router.db_for_read(store.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(store._table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT cache_key FROM {table} WHERE cache_key LIKE %s",  # noqa: S608 - the table is the settings'
                [f"{prefix}%"],  # the prefix has no % or _
            )
            keys = [row[0] for row in cursor.fetchall()]
    elif isinstance(store, RedisCache):
        client = store._cache.get_client(write=False)
        keys = [key.decode() for key in client.scan_iter(match=f"{prefix}*")]
    elif isinstance(store, LocMemCache):
        keys = [key for key in list(store._cache) if key.startswith(prefix)]
    else:
        raise NotImplementedError(f"view marks cannot be listed in {type(store)}")
    cut = len(prefix) - len(f"{MARK}:")
    return [key[cut:] for key in keys]


def _hour(value) -> int | None:
    """The hour a mark holds; None for a mark without one (made before marks
    held their hour, or gone since it was listed)."""
    if isinstance(value, str) and value.isdigit() and int(value) < 24:
        return int(value)
    return None


def _mark_hours(keys: list[str]) -> dict[str, int | None]:
    """Each mark's hour, read in batches."""
    store = usage_cache()
    hours = {}
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        values = store.get_many(batch)
        hours |= {key: _hour(values.get(key)) for key in batch}
    return hours


def flush_view_counts(*, today: datetime.date | None = None) -> dict:
    """Write each day's distinct visitors per venue into its `views`, and per
    hour of their first view into `VenueHourlyViews` (the counts, not
    increments, so running twice changes nothing), then forget the marks and
    salts of the days before `today`."""
    today = today or timezone.localdate()
    counts: Counter = Counter()
    by_hour: Counter = Counter()
    keys_by_day: dict[datetime.date, list[str]] = {}
    keys = _marks()
    hours = _mark_hours(keys)
    for key in keys:
        _mark, day_text, venue_id, _digest = key.split(":")
        day = datetime.date.fromisoformat(day_text)
        counts[(day, int(venue_id))] += 1
        if (hour := hours.get(key)) is not None:
            by_hour[(day, int(venue_id), hour)] += 1
        keys_by_day.setdefault(day, []).append(key)
    # A venue deleted since it was viewed has no row to count into.
    existing = set(Venue.objects.values_list("pk", flat=True)) if counts else set()
    with transaction.atomic():
        VenueDailyStat.objects.bulk_create(
            [
                VenueDailyStat(venue_id=venue_id, date=day, views=views)
                for (day, venue_id), views in counts.items()
                if venue_id in existing
            ],
            update_conflicts=True,
            unique_fields=["venue", "date"],
            update_fields=["views"],
            batch_size=BATCH,
        )
        # A mark never changes its hour, so an hour's count only grows: no
        # hour of the day needs setting back to nothing.
        VenueHourlyViews.objects.bulk_create(
            [
                VenueHourlyViews(venue_id=venue_id, date=day, hour=hour, views=views)
                for (day, venue_id, hour), views in by_hour.items()
                if venue_id in existing
            ],
            update_conflicts=True,
            unique_fields=["venue", "date", "hour"],
            update_fields=["views"],
            batch_size=BATCH,
        )
    store = usage_cache()
    for day, day_keys in keys_by_day.items():
        if day < today:
            for start in range(0, len(day_keys), BATCH):
                store.delete_many(day_keys[start : start + BATCH])
            store.delete(f"salt:{day.isoformat()}")
    return {"venues": len(counts), "marks": sum(counts.values())}
