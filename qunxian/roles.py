"""The roles and the guards of the two admin ends.

Every user is a worker. A venue manager is a user named in some venue's
managers, an organisation admin one named in some organisation's admins (both
asked through the reverse relation, so this module imports no domain app). A
system admin is a member of the `system_admin` group, or a superuser. A union
member holds a valid membership (the membership app's, asked the same way),
which members-only spaces and activities require.

The console (`/console/`) is the system admins' and the organisation admins':
each console page scopes what it shows to the user's organisations
(`venues.permissions.console_venues`), and the district's own pages (the
organisations, the audit log, the failed deliveries) stay the system admins'.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern

SYSTEM_ADMIN_GROUP = "system_admin"


def is_system_admin(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_system_admin", None)
    if cached is None:
        cached = user.groups.filter(name=SYSTEM_ADMIN_GROUP).exists()
        user._is_system_admin = cached
    return cached


def is_venue_manager(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_is_venue_manager", None)
    if cached is None:
        cached = user.managed_venues.exists()
        user._is_venue_manager = cached
    return cached


def is_union_member(user) -> bool:
    """A valid member card: what members-only spaces and activities check."""
    if not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_is_union_member", None)
    if cached is None:
        cached = user.memberships.valid().exists()
        user._is_union_member = cached
    return cached


def is_organization_admin(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_is_organization_admin", None)
    if cached is None:
        cached = user.administered_organizations.exists()
        user._is_organization_admin = cached
    return cached


def is_console_user(user) -> bool:
    return is_system_admin(user) or is_organization_admin(user)


def _role_required(has_role):
    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator


manager_required = _role_required(is_venue_manager)
admin_required = _role_required(is_system_admin)
console_required = _role_required(is_console_user)


def guarded_patterns(guard, patterns) -> list[URLPattern]:
    """The patterns of one end, each view wrapped in that end's guard.

    The root URLconf mounts `/manage/` and `/console/` through this, so a view
    that forgets its own guard is still guarded; the views keep theirs.
    """
    guarded = []
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            # An include() would need its own walk; refuse rather than let it in bare.
            raise TypeError(f"{pattern!r} is not a plain URL pattern")
        view = guard(pattern.callback)
        view.end_guard = guard
        guarded.append(
            URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)
        )
    return guarded


class ManagerRequiredMixin:
    """For class-based views of the venue-manager end (`/manage/`)."""

    @classmethod
    def as_view(cls, **initkwargs):
        return manager_required(super().as_view(**initkwargs))


class AdminRequiredMixin:
    """For the console's pages that are the district's alone."""

    @classmethod
    def as_view(cls, **initkwargs):
        return admin_required(super().as_view(**initkwargs))


class ConsoleRequiredMixin:
    """For the console's pages an organisation admin shares, scoped to theirs."""

    @classmethod
    def as_view(cls, **initkwargs):
        return console_required(super().as_view(**initkwargs))
