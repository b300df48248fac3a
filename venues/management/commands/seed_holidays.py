from django.core.management.base import BaseCommand

from venues.holiday_list import seed_official_holidays


class Command(BaseCommand):
    help = "Add the official public holidays and make-up working days of 2026–2027."

    def handle(self, *args, **options):
        added = seed_official_holidays()
        self.stdout.write(f"节假日 public holidays: {added} added")
