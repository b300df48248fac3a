"""Whole-page caching for anonymous visitors.

Anonymous pages carry nothing personal (no CSRF token, no name), so the same
URL in the same language and display mode can be served from the cache to
everyone. The key includes a version that the owning app bumps when its data
changes; the short timeout bounds staleness of time-dependent bits such as
"open now", and, with a per-process cache (no REDIS_URL), of invalidations
made by other processes.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from qunxian.display import display_mode


def bump_version(version_key: str) -> None:
    """Invalidate once the change is committed.

    Bumped earlier, another process could cache the old rows under the new
    version before the commit and serve them for the whole timeout.
    """
    transaction.on_commit(lambda: _increment(version_key))


def _increment(version_key: str) -> None:
    try:
        cache.incr(version_key)
    except ValueError:  # not set yet, or evicted
        cache.set(version_key, 2, None)


def versioned_key(prefix: str, version_key: str, request) -> str:
    """A cache key for this URL, language and display mode at the data's
    current version (the elder mode draws the same page with another class)."""
    version = cache.get_or_set(version_key, 1, None)
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    mode = display_mode(request)
    return f"{prefix}:{version_key}:{version}:{get_language()}:{mode}:{digest}"


def cache_for_anonymous(*, version_key: str, timeout: int = 60):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if (
                request.method != "GET"
                or "messages" in request.COOKIES
                or request.user.is_authenticated
            ):
                return view(request, *args, **kwargs)
            key = versioned_key("anon-page", version_key, request)
            response = cache.get(key)
            if response is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                if response.status_code == 200 and not response.cookies:
                    cache.set(key, response, timeout)
            return response

        return wrapped

    return decorator
