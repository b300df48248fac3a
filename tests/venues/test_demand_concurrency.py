"""Two processes writing their pending demand counts at once (PostgreSQL)."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from venues import demand
from venues.models import DemandCount, DemandSource

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="deadlocks need PostgreSQL's row locks"
)


def flush_together(batches) -> list[Exception]:
    """Each batch written by its own thread and connection, released at once."""
    start, errors = threading.Barrier(len(batches)), []

    def flush(batch):
        try:
            start.wait()
            demand._write(batch)
        except Exception as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=flush, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


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
        assert flush_together(batches) == []
    assert DemandCount.objects.count() == len(keys)
    assert DemandCount.objects.aggregate(total=Sum("count"))["total"] == 6 * len(keys)
