from django.core.management.base import BaseCommand, CommandError

from bookings.services import seat_drift


class Command(BaseCommand):
    help = (
        "Compare every slot's seats_taken with the seats its bookings hold; "
        "exit non-zero on drift, fix it with --repair."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, repair, **options):
        drift = seat_drift(repair=repair)
        for slot, held in drift:
            self.stdout.write(
                f"{slot}: seats_taken={slot.seats_taken}, held by bookings={held}"
            )
        if not drift:
            self.stdout.write(self.style.SUCCESS("Seats match the bookings."))
        elif repair:
            self.stdout.write(self.style.SUCCESS(f"Repaired {len(drift)} slot(s)."))
        else:
            raise CommandError(f"{len(drift)} slot(s) drifted; run with --repair.")
