"""Venue page views, counted once per visitor, venue and day, without a
database write in the request.

A view adds a mark to the "usage" cache (Redis, or its own table without
Redis): the venue, the day and a salted hash that tells one visitor from
another that day and from nobody else. The salt is random per day and lives
only in that cache; the mark of a visitor seen already that day exists, so a
reload adds nothing. `flush_view_counts` (cron, every minute) counts the
marks into `VenueDailyStat.views`, and once a day is over, deletes its marks
and salt: after that no one can tell who viewed, not even with the
session keys.
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
from django.db import connections, router
from django.utils import timezone

from venues.models import Venue, VenueDailyStat

# Marks and salts outlive their day by this much even if no flush ever runs.
KEEP_SECONDS = 3 * 24 * 3600
MARK = "mark"


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
    """Mark this visitor's view of the venue today (once: the mark is added
    only if it is not there)."""
    day = timezone.localdate()
    key = f"{MARK}:{day.isoformat()}:{venue_id}:{visitor_digest(request, day)}"
    if key in _marked:  # this process added it: a reload costs no round trip
        return
    usage_cache().add(key, 1, KEEP_SECONDS)
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


def flush_view_counts(*, today: datetime.date | None = None) -> dict:
    """Write each day's distinct visitors per venue into its `views` (the
    count, not an increment, so running twice changes nothing), then forget
    the marks and salts of the days before `today`."""
    today = today or timezone.localdate()
    counts: Counter = Counter()
    keys_by_day: dict[datetime.date, list[str]] = {}
    for key in _marks():
        _mark, day_text, venue_id, _digest = key.split(":")
        day = datetime.date.fromisoformat(day_text)
        counts[(day, int(venue_id))] += 1
        keys_by_day.setdefault(day, []).append(key)
    # A venue deleted since it was viewed has no row to count into.
    existing = set(Venue.objects.values_list("pk", flat=True)) if counts else set()
    VenueDailyStat.objects.bulk_create(
        [
            VenueDailyStat(venue_id=venue_id, date=day, views=views)
            for (day, venue_id), views in counts.items()
            if venue_id in existing
        ],
        update_conflicts=True,
        unique_fields=["venue", "date"],
        update_fields=["views"],
        batch_size=500,
    )
    store = usage_cache()
    for day, keys in keys_by_day.items():
        if day < today:
            for start in range(0, len(keys), 500):
                store.delete_many(keys[start : start + 500])
            store.delete(f"salt:{day.isoformat()}")
    return {"venues": len(counts), "marks": sum(counts.values())}
