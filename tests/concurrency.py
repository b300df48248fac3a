"""Calls released together in threads, each on its own connection: the races
of the PostgreSQL-only tests (a test wrapped in one transaction cannot race,
so they use `transactional_db`)."""

import threading

from django.db import connections

from qunxian.workflow import Refused


def run_together(calls) -> list:
    """Start every call at once; return what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 — returned to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def race(calls, *, success: str = "ok") -> list[str]:
    """How each call ended: `success`, or the code of the rule that refused
    it. Any other error fails the test."""
    outcomes = []
    for result in run_together(calls):
        if isinstance(result, Refused):
            outcomes.append(result.code)
        elif isinstance(result, Exception):
            raise result
        else:
            outcomes.append(success)
    return outcomes
