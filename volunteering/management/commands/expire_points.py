from django.core.management.base import BaseCommand

from volunteering.services import points_expire


class Command(BaseCommand):
    help = (
        "Post expiry entries for earned points past their date and not spent. "
        "Run it daily (cron); running it again the same day expires nothing twice."
    )

    def handle(self, *args, **options):
        expired = points_expire()
        self.stdout.write(f"Points expired for {expired} volunteers.")
