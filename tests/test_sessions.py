"""Sessions in the database that bring their user (qunxian/sessions.py): a
signed-in page reads its session, user, roles and unread count at once, and
signing in and out, deactivation and deletion behave as before."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qunxian.caching import UNREAD_BADGE
from qunxian.models import Notification, User, UserSession
from qunxian.sessions import SessionStore, user_brought_by_session
from tests.factories import UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_signed_in_page_reads_session_user_and_header_in_one_query(
    worker, django_assert_num_queries
):
    VenueFactory()
    Notification.objects.create(user=worker, kind="booking", title="t")
    client = signed_in(worker)
    assert UserSession.objects.get().user == worker
    client.get(reverse("venues:list"))
    with django_assert_num_queries(1):
        response = client.get(reverse("venues:list"))
    page = response.content.decode()
    assert UNREAD_BADGE.format(1) in page
    assert reverse("account_logout") in page  # signed in


def test_two_browsers_each_see_their_own_account(worker):
    other = UserFactory()
    Notification.objects.create(user=other, kind="booking", title="t")
    mine, theirs = signed_in(worker), signed_in(other)
    for _round in range(2):
        assert mine.get(reverse("inbox")).context["user"] == worker
        assert theirs.get(reverse("inbox")).context["user"] == other
        assert mine.get(reverse("inbox")).context["unread_count"] == 0


def test_signing_in_by_the_form_and_out_again(client):
    user = UserFactory(phone="13900000077")
    user.set_password("a-long-password-2026")
    user.save()
    response = client.post(
        reverse("account_login"),
        {"login": "13900000077", "password": "a-long-password-2026"},
    )
    assert response.status_code == 302
    assert UserSession.objects.get().user == user
    assert client.get(reverse("bookings:list")).status_code == 200
    client.post(reverse("account_logout"))
    assert not UserSession.objects.filter(user=user).exists()
    assert client.get(reverse("bookings:list")).status_code == 302


def test_a_deactivated_or_deleted_account_is_signed_out(worker):
    client = signed_in(worker)
    worker.is_active = False
    worker.save()
    assert client.get(reverse("bookings:list")).status_code == 302
    other = UserFactory()
    client = signed_in(other)
    pk = other.pk
    other.delete()
    assert not UserSession.objects.filter(user_id=pk).exists()
    assert client.get(reverse("bookings:list")).status_code == 302


def test_an_unknown_or_expired_session_is_anonymous(worker):
    client = Client()
    client.cookies["sessionid"] = "x" * 32
    assert client.get(reverse("bookings:list")).status_code == 302
    client = signed_in(worker)
    UserSession.objects.update(expire_date="2020-01-01T00:00:00Z")
    assert client.get(reverse("bookings:list")).status_code == 302


def test_the_user_a_session_brings_is_the_one_the_orm_loads(worker):
    worker.notification_prefs = {"booking": ["sms"]}
    worker.last_login = timezone.now().replace(microsecond=0)
    worker.save()
    client = signed_in(worker)
    session = SessionStore(client.cookies["sessionid"].value)
    session.load()
    brought = user_brought_by_session(worker.pk)
    loaded = User.objects.get(pk=worker.pk)
    for field in User._meta.concrete_fields:
        assert getattr(brought, field.attname) == getattr(loaded, field.attname)
    assert brought.notification_prefs == {"booking": ["sms"]}
    assert timezone.is_aware(brought.last_login)
