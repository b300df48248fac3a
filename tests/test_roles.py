import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import get_resolver, include, path, reverse

from qunxian.roles import (
    admin_required,
    console_required,
    guarded_patterns,
    is_system_admin,
    is_venue_manager,
    manager_required,
)
from tests.factories import UserFactory
from venues.permissions import managed_venues


def test_anonymous_has_no_role():
    anonymous = AnonymousUser()
    assert not is_venue_manager(anonymous)
    assert not is_system_admin(anonymous)


def test_worker_has_no_role(worker):
    assert not is_venue_manager(worker)
    assert not is_system_admin(worker)


def test_manager_manages_exactly_their_venues(manager_a, venue_a, venue_b):
    assert is_venue_manager(manager_a)
    assert not is_system_admin(manager_a)
    assert list(managed_venues(manager_a)) == [venue_a]


def test_admin_group_member_and_superuser_are_system_admins(admin_user, db):
    assert is_system_admin(admin_user)
    assert is_system_admin(UserFactory(is_superuser=True))


def test_deactivated_admin_loses_the_role(admin_user):
    admin_user.is_active = False
    assert not is_system_admin(admin_user)


def test_forbidden_page_is_our_layout_in_chinese(client, worker):
    client.force_login(worker)
    response = client.get(reverse("console:home"))
    assert response.status_code == 403
    assert "您无权访问此页面" in response.content.decode()
    assert 'class="topbar"' in response.content.decode()


@pytest.mark.django_db
def test_not_found_page_is_our_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_server_error_page_stands_alone_in_chinese(rf):
    from django.utils import translation

    from qunxian.views import server_error

    with translation.override("zh-hans"):  # as LocaleMiddleware sets it
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "出错了" in response.content.decode()


# -- The admin ends are guarded once, at their mount


def end_callbacks(namespace):
    (mount,) = [
        p
        for p in get_resolver().url_patterns
        if getattr(p, "namespace", "") == namespace
    ]
    return {pattern.name: pattern.callback for pattern in mount.url_patterns}


@pytest.mark.parametrize(
    ("namespace", "guard"),
    [("manage", manager_required), ("console", console_required)],
)
def test_every_view_of_an_admin_end_is_wrapped_in_its_guard(namespace, guard):
    callbacks = end_callbacks(namespace)
    assert callbacks
    unguarded = [
        name for name, view in callbacks.items() if view.end_guard is not guard
    ]
    assert not unguarded


def bare_view(request):
    return HttpResponse("open")


@pytest.mark.parametrize(
    ("guard", "allowed"),
    [
        (manager_required, {"manager_a"}),
        (console_required, {"org_admin", "admin"}),
        (admin_required, {"admin"}),
    ],
)
def test_the_mount_guard_stops_a_view_that_forgot_its_own(rf, personas, guard, allowed):
    (pattern,) = guarded_patterns(guard, [path("x/", bare_view, name="x")])
    for role in ("anonymous", "worker", "manager_a", "org_admin", "admin"):
        request = rf.get("/x/")
        request.user = personas[role] or AnonymousUser()
        if role == "anonymous":
            assert pattern.callback(request).status_code == 302
        elif role in allowed:
            assert pattern.callback(request).content == b"open"
        else:
            with pytest.raises(PermissionDenied):
                pattern.callback(request)


def test_the_mount_guard_refuses_an_include_it_cannot_walk():
    with pytest.raises(TypeError):
        guarded_patterns(manager_required, [path("x/", include([]))])
