import datetime

from django.core.management.base import BaseCommand, CommandError

from feedback.indexes import compute_indexes
from feedback.periods import last_complete_month, period_window


def parse_period(value: str) -> datetime.date:
    try:
        period = datetime.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007
    except ValueError as error:
        raise CommandError(
            f"--period must look like 2026-10, not {value!r}."
        ) from error
    first, last = period_window()
    if not first <= period <= last:
        raise CommandError(
            f"--period must be between {first:%Y-%m} and {last:%Y-%m}, not {value!r}."
        )
    return period


class Command(BaseCommand):
    help = (
        "Compute every venue's indexes for a month (the last complete month by "
        "default); recomputing a month replaces its snapshots."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", type=parse_period, help="YYYY-MM")

    def handle(self, *args, period, **options):
        period = period or last_complete_month()
        count = compute_indexes(period)
        self.stdout.write(f"Computed the indexes of {count} venues for {period:%Y-%m}.")
