"""`manage.py flush_view_counts`: cron, every minute (see venues/usage.py)."""

from django.core.management.base import BaseCommand

from venues.usage import flush_view_counts


class Command(BaseCommand):
    help = (
        "Count the venue page views (one per visitor and day) into the usage "
        "tables, per day and per hour of each visitor's first view."
    )

    def handle(self, *args, **options):
        result = flush_view_counts()
        if options["verbosity"] > 1:
            self.stdout.write(
                f"{result['marks']} views of {result['venues']} venue-days written"
            )
