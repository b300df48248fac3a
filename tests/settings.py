"""The project's settings with the caches in memory, for pytest.

Each test starts with empty caches (see conftest) and page query counts stay
the pages' own: the cache does not read from the database, and sessions are
the production rows that come with their user in the same query
(qunxian/sessions.py).
"""

from qunxian.settings import *  # noqa: F403
from qunxian.settings import FRAGMENTS_CACHE

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": FRAGMENTS_CACHE,
    "usage": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "usage",
    },
}
# Demand counted in a test is written at once (tests/venues/test_siting.py
# checks the wait).
DEMAND_WRITE_SECONDS = 0
