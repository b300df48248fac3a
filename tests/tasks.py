"""Running the queued tasks in a test, as `manage.py db_worker` does."""

from io import StringIO
from unittest import mock

from django.core.management import call_command


def run_worker() -> None:
    """Every task that is ready now, by the real worker, then it stops.

    The worker closes stale connections between tasks; in a test that would
    close the connection holding the test's transaction, so here it does not
    (as Django's test client keeps requests from closing it).
    """
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections"
    ):
        call_command(
            "db_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            interval=0,
            verbosity=0,
            stdout=StringIO(),
        )
