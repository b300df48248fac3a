from django.core.management.base import BaseCommand

from qunxian.services import digests_send


class Command(BaseCommand):
    help = (
        "Send each manager who chose it one digest of their alerts since the "
        "last (cron, once a day; a second run the same day sends nothing)."
    )

    def handle(self, *args, **options):
        count = digests_send()
        self.stdout.write(f"Sent {count} digest(s).")
