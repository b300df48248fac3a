from functools import cache

from django.contrib.auth.models import Group
from django.db import connection
from django.utils.functional import SimpleLazyObject

from qunxian.display import ELDER, display_mode
from qunxian.models import Notification, User
from qunxian.roles import (
    SYSTEM_ADMIN_GROUP,
    is_console_user,
    is_system_admin,
    is_venue_manager,
)


@cache
def _header_sql() -> str:
    """Roles and unread count in one statement, written once: building it with
    the ORM on every page cost more than running it."""
    quote = connection.ops.quote_name
    managers = User.managed_venues.rel.through._meta.db_table
    organization_admins = User.administered_organizations.rel.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    return (
        f"SELECT EXISTS (SELECT 1 FROM {quote(managers)} WHERE user_id = %s), "  # noqa: S608 - names from our models, values are parameters
        f"EXISTS (SELECT 1 FROM {quote(organization_admins)} WHERE user_id = %s), "
        f"EXISTS (SELECT 1 FROM {quote(user_groups)} ug "
        f"JOIN {quote(Group._meta.db_table)} g ON g.id = ug.group_id "
        "WHERE ug.user_id = %s AND g.name = %s), "
        f"(SELECT COUNT(*) FROM {quote(Notification._meta.db_table)} "
        "WHERE user_id = %s AND read_at IS NULL)"
    )


def _header_facts(user) -> dict:
    """The roles and the unread count the header shows, in one query."""
    if not user.is_authenticated:
        return {"manager": False, "admin": False, "console": False, "unread": 0}
    if not hasattr(user, "_header_facts"):
        with connection.cursor() as cursor:
            cursor.execute(
                _header_sql(),
                [user.pk, user.pk, user.pk, SYSTEM_ADMIN_GROUP, user.pk],
            )
            manages, runs_organization, admin_group, unread = cursor.fetchone()
        # Prime the role checks, so the guards ask no second time.
        user._is_venue_manager = bool(manages)
        user._is_organization_admin = bool(runs_organization)
        user._is_system_admin = bool(admin_group) or user.is_superuser
        user._header_facts = {
            "manager": is_venue_manager(user),
            "admin": is_system_admin(user),
            "console": is_console_user(user),
            "unread": unread,
        }
    return user._header_facts


def roles(request):
    """Lazy, so a page that never shows the header's links costs no query."""
    facts = SimpleLazyObject(lambda: _header_facts(request.user))
    return {
        "user_is_manager": SimpleLazyObject(lambda: facts["manager"]),
        "user_is_admin": SimpleLazyObject(lambda: facts["admin"]),
        "user_in_console": SimpleLazyObject(lambda: facts["console"]),
        "unread_count": SimpleLazyObject(lambda: facts["unread"]),
    }


def display(request):
    """Whether the page is drawn in 适老化 (elder) mode."""
    return {"elder_mode": display_mode(request) == ELDER}
