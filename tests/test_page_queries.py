"""The pages people open most (issue 16): their queries do not grow with the
data, rendered afresh or from the shared fragments; and what is cached shows
an edit on every process within a second of its commit.

The manager's work inbox and the console ranking have theirs beside their
other tests (tests/dashboards/test_manager_inbox.py,
tests/feedback/test_index_pages.py).
"""

import datetime
import re

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qunxian import caching
from qunxian.models import Notification
from tests.factories import (
    BookingFactory,
    NoticeFactory,
    OpeningHoursFactory,
    SpaceFactory,
    UserFactory,
    VenueFactory,
)
from venues.cache import DIRECTORY_VERSION

pytestmark = pytest.mark.django_db


def fill(worker, count):
    """`count` more venues with hours and a space, bookings of the worker at
    them and notices."""
    for venue in VenueFactory.create_batch(count):
        OpeningHoursFactory(venue=venue, weekday=timezone.localdate().weekday())
        space = SpaceFactory(venue=venue)
        BookingFactory(user=worker, space=space)
        NoticeFactory(venue=venue)


def queries(client, url, django_assert_max_num_queries, *, fresh):
    if fresh:  # render the shared parts again, as after an edit
        caches["fragments"].clear()
    with django_assert_max_num_queries(20) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


PAGES = {
    "home": lambda worker, venue: reverse("home"),
    "venue list": lambda worker, venue: reverse("venues:list"),
    "venue page": lambda worker, venue: venue.get_absolute_url(),
    "my bookings": lambda worker, venue: reverse("bookings:list"),
    "a booking": lambda worker, venue: reverse(
        "bookings:detail", args=[worker.bookings.order_by("pk").first().pk]
    ),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("fresh", [True, False], ids=["rendered", "cached"])
def test_queries_do_not_grow_with_the_data(
    page, fresh, client, worker, django_assert_max_num_queries
):
    client.force_login(worker)
    fill(worker, 2)
    venue = VenueFactory()
    OpeningHoursFactory(venue=venue)
    url = PAGES[page](worker, venue)
    client.get(url)
    few = queries(client, url, django_assert_max_num_queries, fresh=fresh)
    fill(worker, 12)
    many = queries(client, url, django_assert_max_num_queries, fresh=fresh)
    assert many <= few


@pytest.mark.parametrize("page", ["home", "venue list", "venue page"])
def test_anonymous_pages_cost_at_most_one_query_once_cached(
    page, worker, django_assert_max_num_queries
):
    fill(worker, 3)
    url = PAGES[page](worker, VenueFactory())
    client = Client()
    client.get(url)
    with django_assert_max_num_queries(1):  # the venue page: none (marks, cache)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("page", ["home", "venue list", "venue page"])
def test_signed_in_pages_cost_one_query_once_cached(
    page, worker, django_assert_num_queries
):
    """The session with its user, the header's roles and unread count, in one
    query."""
    fill(worker, 3)
    Notification.objects.create(user=worker, kind="booking", title="t")
    url = PAGES[page](worker, VenueFactory())
    client = Client()
    client.force_login(worker)
    client.get(url)
    with django_assert_num_queries(1):
        response = client.get(url)
    assert caching.UNREAD_BADGE.format(1) in response.content.decode()


def test_a_deactivated_account_is_signed_out_at_its_next_request(worker):
    client = Client()
    client.force_login(worker)
    worker.is_active = False
    worker.save()
    response = client.get(reverse("bookings:list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.fixture
def shared_cache(settings):
    """The default cache as deployed without Redis: the database's table,
    shared by every process."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qunxian_cache",
        },
    }
    caching.forget_versions()
    yield
    caching.forget_versions()


def test_a_commit_bumps_the_version_in_the_shared_cache(
    shared_cache, django_capture_on_commit_callbacks
):
    venue = VenueFactory()
    # Another process's own client of the same table.
    other = DatabaseCache("qunxian_cache", {})
    before = caching.current_version(DIRECTORY_VERSION)
    with django_capture_on_commit_callbacks(execute=True):
        venue.name = "改名后的驿站"
        venue.save()
        assert other.get(DIRECTORY_VERSION) == before  # not before the commit
    assert other.get(DIRECTORY_VERSION) > before


def test_an_edit_elsewhere_shows_here_within_a_second(shared_cache, monkeypatch):
    venue = VenueFactory(name="旧名驿站")
    client = Client()
    assert "旧名驿站" in client.get(venue.get_absolute_url()).content.decode()
    assert "旧名驿站" in client.get(reverse("venues:list")).content.decode()
    # Another worker process commits an edit and bumps the version through its
    # own client of the shared cache; this process has the old page in memory.
    type(venue).objects.filter(pk=venue.pk).update(name="新名驿站")
    DatabaseCache("qunxian_cache", {}).incr(DIRECTORY_VERSION)
    now = caching.time.monotonic()
    monkeypatch.setattr(
        caching.time,
        "monotonic",
        lambda: now + datetime.timedelta(seconds=1).total_seconds(),
    )
    assert "新名驿站" in client.get(venue.get_absolute_url()).content.decode()
    assert "新名驿站" in client.get(reverse("venues:list")).content.decode()


@pytest.mark.parametrize("page", ["home", "venue list", "venue page"])
def test_personal_parts_stay_fresh_on_a_cached_page(page, client, worker):
    url = PAGES[page](worker, VenueFactory())
    other = UserFactory(display_name="另一位职工")
    for _ in range(2):
        notify_unread(worker)
    for user, badge in ((other, None), (worker, 2), (other, None)):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert caching.UNREAD_HOLE not in html and caching.CSRF_HOLE not in html
        assert ('class="count-badge"' in html) == (badge is not None)
        if badge:
            assert caching.UNREAD_BADGE.format(badge) in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        # The kept page's logout form works for whoever it is shown to.
        checked = Client(enforce_csrf_checks=True)
        checked.cookies = client.cookies
        response = checked.post(
            reverse("account_logout"), {"csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
        client.force_login(user)


def notify_unread(user):
    Notification.objects.create(user=user, kind="booking", title="预约已通过")


def test_a_waiting_message_is_shown_and_never_kept(client, worker):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    client.force_login(worker)
    client.get(reverse("home"))  # the page is kept
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "已保存")])
    assert "已保存" in client.get(reverse("home")).content.decode()
    other = Client()
    other.force_login(UserFactory())
    assert "已保存" not in other.get(reverse("home")).content.decode()
