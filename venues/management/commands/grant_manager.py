from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from qunxian.models import User
from venues.models import Venue
from venues.services import venue_add_manager, venue_remove_manager


class Command(BaseCommand):
    help = "Name a user a manager of a venue (or, with --revoke, remove them)."

    def add_arguments(self, parser):
        parser.add_argument("user", help="mobile number or username")
        parser.add_argument("venue", type=int, help="venue id")
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args, user, venue, revoke, **options):
        found = User.objects.filter(Q(phone=user) | Q(username=user)).first()
        if found is None:
            raise CommandError(f"No user with mobile number or username {user!r}.")
        place = Venue.objects.filter(pk=venue).first()
        if place is None:
            raise CommandError(f"No venue with id {venue}.")
        if revoke:
            venue_remove_manager(venue=place, user=found, actor=None)
            self.stdout.write(self.style.SUCCESS(f"{found} no longer manages {place}."))
        else:
            venue_add_manager(venue=place, user=found, actor=None)
            self.stdout.write(self.style.SUCCESS(f"{found} now manages {place}."))
