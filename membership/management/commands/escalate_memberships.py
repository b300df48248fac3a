from django.core.management.base import BaseCommand

from membership.services import applications_escalate, memberships_lapse


class Command(BaseCommand):
    help = (
        "Escalate overdue membership applications to the district union and "
        "lapse memberships without activity (safe to run from cron)."
    )

    def handle(self, *args, **options):
        escalated = applications_escalate()
        lapsed = memberships_lapse()
        self.stdout.write(
            f"Escalated {escalated} application(s); lapsed {lapsed} membership(s)."
        )
