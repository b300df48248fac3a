from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from qunxian.models import User
from qunxian.services import user_make_admin


class Command(BaseCommand):
    help = "Make a user a system admin (member of the system_admin group)."

    def add_arguments(self, parser):
        parser.add_argument("user", help="mobile number or username")

    def handle(self, *args, user, **options):
        found = User.objects.filter(Q(phone=user) | Q(username=user)).first()
        if found is None:
            raise CommandError(f"No user with mobile number or username {user!r}.")
        user_make_admin(user=found, actor=None)
        self.stdout.write(self.style.SUCCESS(f"{found} is now a system admin."))
