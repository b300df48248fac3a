from django.core.management.base import BaseCommand
from django.utils import timezone

from activities.reports import compute_reach
from feedback.management.commands.compute_indexes import parse_period
from feedback.periods import month_start, previous_month


class Command(BaseCommand):
    help = (
        "Count whom each activity series reaches, by age band and gender, for a "
        "month (by default the month under way and the one before, so a nightly "
        "run keeps both current); recomputing a month replaces it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", type=parse_period, help="YYYY-MM")

    def handle(self, *args, period, **options):
        if period:
            periods = [period]
        else:
            this_month = month_start(timezone.localdate())
            periods = [previous_month(this_month), this_month]
        for month in periods:
            rows = compute_reach(month)
            self.stdout.write(f"Counted the reach of {month:%Y-%m}: {rows} rows.")
