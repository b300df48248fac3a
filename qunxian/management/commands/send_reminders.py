from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Run the time-driven jobs of PERIODIC_JOBS: reminders, deadline alerts, "
        "no-shows, and queueing again the messages no task will send. Each sends "
        "a thing once only, so it is safe to run from cron every 5 minutes."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        for path in settings.PERIODIC_JOBS:
            count = import_string(path)(now=now)
            self.stdout.write(f"{path.rsplit('.', 1)[1]}: {count}")
