import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from qunxian.roles import is_system_admin, is_venue_manager
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
