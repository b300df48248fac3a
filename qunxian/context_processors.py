from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject

from qunxian.models import Notification, User
from qunxian.roles import SYSTEM_ADMIN_GROUP, is_system_admin, is_venue_manager


def _header_facts(user) -> dict:
    """The roles and the unread count the header shows, in one query."""
    if not user.is_authenticated:
        return {"manager": False, "admin": False, "unread": 0}
    if not hasattr(user, "_header_facts"):
        venue_managers = User.managed_venues.rel.through
        groups = User.groups.through
        unread = (
            Notification.objects.filter(user=OuterRef("pk"), read_at=None)
            .order_by()
            .values("user")
            .annotate(count=Count("pk"))
            .values("count")
        )
        row = User.objects.filter(pk=user.pk).values(
            manages=Exists(venue_managers.objects.filter(user=OuterRef("pk"))),
            admin_group=Exists(
                groups.objects.filter(
                    user=OuterRef("pk"), group__name=SYSTEM_ADMIN_GROUP
                )
            ),
            unread=Coalesce(Subquery(unread[:1]), 0),
        )[0]
        # Prime the role checks, so the guards ask no second time.
        user._is_venue_manager = row["manages"]
        user._is_system_admin = row["admin_group"] or user.is_superuser
        user._header_facts = {
            "manager": is_venue_manager(user),
            "admin": is_system_admin(user),
            "unread": row["unread"],
        }
    return user._header_facts


def roles(request):
    """Lazy, so a page that never shows the header's links costs no query."""
    facts = SimpleLazyObject(lambda: _header_facts(request.user))
    return {
        "user_is_manager": SimpleLazyObject(lambda: facts["manager"]),
        "user_is_admin": SimpleLazyObject(lambda: facts["admin"]),
        "unread_count": SimpleLazyObject(lambda: facts["unread"]),
    }
