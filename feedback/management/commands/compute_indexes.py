import datetime

from django.core.management.base import BaseCommand, CommandError

from feedback.indexes import compute_indexes
from feedback.periods import last_complete_month, period_window
from qunxian.workflow import Refused


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
        "default); recomputing a month replaces its snapshots. A month that has "
        "not ended is refused unless --provisional."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", type=parse_period, help="YYYY-MM")
        parser.add_argument(
            "--provisional",
            action="store_true",
            help="Allow the month under way; never the console's default.",
        )

    def handle(self, *args, period, provisional, **options):
        period = period or last_complete_month()
        try:
            count = compute_indexes(period, provisional=provisional)
        except Refused as refusal:
            raise CommandError(
                f"{refusal.message} Add --provisional to compute it anyway."
            ) from refusal
        self.stdout.write(f"Computed the indexes of {count} venues for {period:%Y-%m}.")
