from django.core.management.base import BaseCommand

from dashboards.usage import compute_usage


class Command(BaseCommand):
    help = (
        "Store the weekly views, navigations, bookings and check-ins per venue, "
        "organisation and the district, and each venue's use by weekday and "
        "hour (run nightly)."
    )

    def handle(self, *args, **options):
        rows = compute_usage()
        self.stdout.write(self.style.SUCCESS(f"{rows} usage snapshots."))
