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

# The columns facts_sql() adds, in its order.
FACT_COLUMNS = ("manages", "runs_organization", "admin_group", "unread")


@cache
def facts_sql() -> str:
    """The header's facts of the user row `u` as four columns: whether they
    manage a venue, run an organisation, are in the admins' group (the one
    parameter: its name), and their unread count. Written once: building it
    with the ORM on every page cost more than running it."""
    quote = connection.ops.quote_name
    managers = User.managed_venues.rel.through._meta.db_table
    organization_admins = User.administered_organizations.rel.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    return (
        f"EXISTS (SELECT 1 FROM {quote(managers)} WHERE user_id = u.id) AS manages, "  # noqa: S608 - names from our models, values are parameters
        f"EXISTS (SELECT 1 FROM {quote(organization_admins)} WHERE user_id = u.id)"
        " AS runs_organization, "
        f"EXISTS (SELECT 1 FROM {quote(user_groups)} ug "
        f"JOIN {quote(Group._meta.db_table)} g ON g.id = ug.group_id "
        "WHERE ug.user_id = u.id AND g.name = %s) AS admin_group, "
        f"(SELECT COUNT(*) FROM {quote(Notification._meta.db_table)} "
        "WHERE user_id = u.id AND read_at IS NULL) AS unread"
    )


def _user_table() -> str:
    return connection.ops.quote_name(User._meta.db_table)


def user_with_header_facts(pk):
    """The user with this primary key and the header's facts, in one query:
    what every signed-in page asks first (the auth backends' `get_user`)."""
    users = User._default_manager.raw(
        f"SELECT u.*, {facts_sql()} FROM {_user_table()} u WHERE u.id = %s",  # noqa: S608 - as above
        [SYSTEM_ADMIN_GROUP, pk],
    )
    for user in users:
        prime_header_facts(user)
        return user
    return None


def prime_header_facts(user, facts=None) -> None:
    """Keep the header's facts on the user: `facts` as FACT_COLUMNS, or read
    from the user loaded by a raw query with facts_sql()'s columns. The role
    checks read them too, so the guards ask no second time."""
    if facts is None:
        facts = [getattr(user, column) for column in FACT_COLUMNS]
    manages, runs_organization, admin_group, unread = facts
    user._is_venue_manager = bool(manages)
    user._is_organization_admin = bool(runs_organization)
    user._is_system_admin = bool(admin_group) or user.is_superuser
    user._header_facts = {
        "manager": is_venue_manager(user),
        "admin": is_system_admin(user),
        "console": is_console_user(user),
        "unread": unread,
    }


def _header_facts(user) -> dict:
    """The roles and the unread count the header shows: from the log-in's
    query, or one query of their own for a user loaded otherwise."""
    if not user.is_authenticated:
        return {"manager": False, "admin": False, "console": False, "unread": 0}
    if not hasattr(user, "_header_facts"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {facts_sql()} FROM {_user_table()} u WHERE u.id = %s",  # noqa: S608 - as above
                [SYSTEM_ADMIN_GROUP, user.pk],
            )
            prime_header_facts(user, cursor.fetchone())
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
