"""Two processes writing their pending demand counts at once (PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.db.models import Sum

from tests.concurrency import run_together
from venues import demand
from venues.models import DemandCount, DemandSource

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="deadlocks need PostgreSQL's row locks"
)


@pytest.mark.django_db(transaction=True)
def test_two_workers_writing_the_same_cells_at_once_never_deadlock():
    """Each gunicorn worker keeps its own counts; two flushing the same cells
    counted in opposite orders once deadlocked, and a near-me search got a 500."""
    day = datetime.date(2026, 12, 1)
    keys = [
        (day, hour, DemandSource.NEAR_ME, f"8{cell:014x}", "", None)
        for hour in range(24)
        for cell in range(10)
    ]
    batches = [dict.fromkeys(keys, 1), dict.fromkeys(reversed(keys), 1)]
    for _round in range(3):
        results = run_together([lambda b=b: demand._write(b) for b in batches])
        assert results == [None, None]
    assert DemandCount.objects.count() == len(keys)
    assert DemandCount.objects.aggregate(total=Sum("count"))["total"] == 6 * len(keys)
