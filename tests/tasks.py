"""Running the queued tasks in a test, as `manage.py db_worker` does."""

from io import StringIO

from django.core.management import call_command


def run_worker() -> None:
    """Every task that is ready now, by the real worker, then it stops."""
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
        stdout=StringIO(),
    )
