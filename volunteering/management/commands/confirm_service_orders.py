from django.core.management.base import BaseCommand

from volunteering.services import orders_auto_confirm


class Command(BaseCommand):
    help = (
        "Confirm the service orders done more than three days ago that their "
        "requesters did not confirm, and post their points and hours. Run it "
        "hourly (cron); running it again confirms nothing twice."
    )

    def handle(self, *args, **options):
        confirmed = orders_auto_confirm()
        self.stdout.write(f"{confirmed} service orders confirmed automatically.")
