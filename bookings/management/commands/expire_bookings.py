from django.core.management.base import BaseCommand

from bookings.services import bookings_expire


class Command(BaseCommand):
    help = "Expire pending requests whose start has passed (safe to run from cron)."

    def handle(self, *args, **options):
        count = bookings_expire()
        self.stdout.write(f"Expired {count} booking request(s).")
