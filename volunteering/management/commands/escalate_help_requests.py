from django.core.management.base import BaseCommand

from volunteering.services import help_requests_escalate


class Command(BaseCommand):
    help = (
        "Alert the district's admins of each open help request past its "
        "deadline. Run it hourly (cron); a request is escalated once per "
        "deadline, however often it runs."
    )

    def handle(self, *args, **options):
        alerted = help_requests_escalate()
        self.stdout.write(f"{alerted} overdue help requests escalated.")
