"""The project's settings with the cache in memory, for pytest.

Each test starts with an empty cache (see conftest) and page query counts stay
the pages' own, as with Redis in production: neither the cache nor the
sessions read from the database.
"""

from qunxian.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
