"""Caching of what everyone sees alike, with versions that an edit bumps.

Each kind of shared data has a version in the shared cache (the database's
cache table, or Redis): a change bumps it once committed. Rendered fragments
and whole anonymous pages are kept in each process's own memory
(`caches["fragments"]`) under keys that include the versions they were
rendered at, so a hit costs no round trip; each process rereads a version
from the shared cache at most `VERSION_MEMO_SECONDS` after it last read it,
so an edit shows on every worker within that time of its commit. The short
timeouts bound time-dependent bits such as "open now".
"""

import hashlib
import time
from functools import wraps

from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language

from qunxian.display import display_mode

VERSION_MEMO_SECONDS = 1.0

# version key -> (version, monotonic time it was read)
_versions: dict[str, tuple[int, float]] = {}


def fragments():
    """This process's store of rendered fragments (memory, never shared)."""
    return caches["fragments"]


def bump_version(version_key: str) -> None:
    """Invalidate once the change is committed.

    Bumped earlier, another process could cache the old rows under the new
    version before the commit and serve them for the whole timeout.
    """
    transaction.on_commit(lambda: _increment(version_key))


def _increment(version_key: str) -> None:
    try:
        version = cache.incr(version_key)
    except ValueError:  # not set yet, or evicted
        version = int(time.time())
        cache.set(version_key, version, None)
    _versions[version_key] = (version, time.monotonic())


def current_version(version_key: str) -> int:
    """The data's version as the shared cache has it, at most
    VERSION_MEMO_SECONDS old. A version that was evicted restarts from the
    clock, never from a number an older fragment may still be kept under."""
    now = time.monotonic()
    memo = _versions.get(version_key)
    if memo is not None and now - memo[1] < VERSION_MEMO_SECONDS:
        return memo[0]
    version = cache.get_or_set(version_key, lambda: int(time.time()), None)
    _versions[version_key] = (version, now)
    return version


def forget_versions() -> None:
    """Drop this process's memo (tests, and the bench between phases)."""
    _versions.clear()


def versioned_key(prefix: str, version_keys, request, *parts) -> str:
    """A key for this URL, language and display mode at the data's current
    versions (the elder mode draws the same page with another class)."""
    if isinstance(version_keys, str):
        version_keys = (version_keys,)
    versions = ".".join(str(current_version(key)) for key in version_keys)
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    mode = display_mode(request)
    extra = ":".join(str(part) for part in parts)
    return f"{prefix}:{versions}:{get_language()}:{mode}:{extra}:{digest}"


def cached_fragment(key: str, render, timeout: int = 60):
    """`render()`'s result, from this process's memory when it has it."""
    store = fragments()
    value = store.get(key)
    if value is None:
        value = render()
        store.set(key, value, timeout)
    return value


# Stand-ins for the personal bits of a shared page, filled in per request.
UNREAD_HOLE = "qunxian-unread-hole"
CSRF_HOLE = "qunxian-csrf-hole"
# How base.html draws the unread count (tests/test_page_queries.py checks it).
UNREAD_BADGE = ' <span class="count-badge">{}</span>'


def cache_shared_page(*, version_keys, timeout: int = 60, scope=None):
    """Whole pages that are the same for everyone but the layout's personal
    bits, kept in this process's memory under the data's versions.

    Only for pages whose own content is the same for every visitor (the
    directory, the home), or for everyone who shares a scope: `scope(request)`
    returns the parts of the key that name what else the page depends on (a
    console's organisations, a manager, the minute). The layout's personal
    bits are the signed-in visitor's roles (part of the key: one copy per
    combination), their unread count and their CSRF token (holes in the kept
    copy, filled per request).
    A page with a message to show, or one that sets a cookie, is not kept.
    An anonymous copy is kept compressed too, for the browsers that ask for
    gzip: `PublicGZipMiddleware` would compress it again on every request.
    """
    from django.middleware.csrf import get_token

    from qunxian.context_processors import _header_facts

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # Messages may wait in the cookie or, past its size, the session.
            waiting = getattr(request, "_messages", None)
            if request.method != "GET" or (waiting is not None and len(waiting)):
                return view(request, *args, **kwargs)
            user = request.user
            if user.is_authenticated:
                facts = _header_facts(user)  # one query: roles and unread count
                roles = (facts[role] for role in ("manager", "admin", "console"))
                who = "user:" + "".join(str(int(has)) for has in roles)
            else:
                facts, who = None, "anonymous"
            parts = scope(request) if scope is not None else ()
            key = versioned_key("page", version_keys, request, who, *parts)
            store = fragments()
            kept = store.get(key)
            if kept is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    if facts is not None:
                        response.context_data = {
                            **(response.context_data or {}),
                            "unread_count": UNREAD_HOLE,
                            "csrf_token": CSRF_HOLE,
                        }
                    response.render()
                if response.status_code != 200 or response.cookies:
                    return _filled(response.content, response, request, facts)
                content = response.content
                # An anonymous copy holds no secret (one that sets no cookie
                # used no CSRF token): compressed once, not per request.
                compressed = compress_string(content) if facts is None else None
                kept = (content, response["Content-Type"], compressed)
                store.set(key, kept, timeout)
            content, content_type, compressed = kept
            if (
                compressed
                and len(compressed) < len(content)
                and re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
            ):
                response = HttpResponse(compressed, content_type=content_type)
                response.headers["Content-Encoding"] = "gzip"
                patch_vary_headers(response, ("Accept-Encoding",))
                return response
            return _filled(
                content, HttpResponse(content_type=content_type), request, facts
            )

        def _filled(content, response, request, facts):
            if facts is not None:
                text = content.decode()
                unread = facts["unread"]
                text = text.replace(
                    UNREAD_BADGE.format(UNREAD_HOLE),
                    UNREAD_BADGE.format(unread) if unread else "",
                )
                if CSRF_HOLE in text:
                    text = text.replace(CSRF_HOLE, get_token(request))
                content = text.encode()
            response.content = content
            return response

        return wrapped

    return decorator
