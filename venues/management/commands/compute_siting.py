import time

from django.core.management.base import BaseCommand

from venues.models import Venue
from venues.siting import compute_siting


class Command(BaseCommand):
    help = (
        "Compute coverage, underserved cells and suggested sites per category "
        "from the last days' demand, and store them as snapshots (run nightly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--category",
            action="append",
            choices=Venue.Category.values,
            help="only this category (may be repeated); default: all",
        )

    def handle(self, *args, category=None, **options):
        started = time.perf_counter()
        snapshots = compute_siting(categories=category)
        for snapshot in snapshots:
            share = snapshot.covered_share
            self.stdout.write(
                f"{snapshot.category}: {snapshot.demand_covered}/"
                f"{snapshot.demand_total} covered"
                + (f" ({share:.1f} %)" if share is not None else "")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(snapshots)} snapshots in {time.perf_counter() - started:.1f} s."
            )
        )
