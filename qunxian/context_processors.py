from django.utils.functional import SimpleLazyObject

from qunxian.roles import is_system_admin, is_venue_manager


def roles(request):
    """Lazy, so a page that never shows the role links costs no query."""
    user = request.user
    return {
        "user_is_manager": SimpleLazyObject(lambda: is_venue_manager(user)),
        "user_is_admin": SimpleLazyObject(lambda: is_system_admin(user)),
        "unread_count": SimpleLazyObject(
            lambda: (
                user.notifications.filter(read_at__isnull=True).count()
                if user.is_authenticated
                else 0
            )
        ),
    }
