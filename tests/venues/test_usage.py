"""Venue page views: once per visitor, venue and day, counted without a write
to the usage table in the request, exact after the flush."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import UserFactory, VenueFactory
from venues.models import VenueDailyStat
from venues.usage import flush_view_counts

pytestmark = pytest.mark.django_db

USAGE_TABLE = VenueDailyStat._meta.db_table


def views(venue, day=None):
    row = VenueDailyStat.objects.filter(
        venue=venue, date=day or timezone.localdate()
    ).first()
    return row.views if row else 0


def test_five_reloads_are_one_view(client):
    venue = VenueFactory()
    for _ in range(5):
        assert client.get(venue.get_absolute_url()).status_code == 200
    call_command("flush_view_counts")
    assert views(venue) == 1


def test_two_visitors_are_two_views_and_the_flush_is_exact(db):
    venue, other = VenueFactory(), VenueFactory()
    first = Client(REMOTE_ADDR="192.0.2.1")
    second = Client(REMOTE_ADDR="192.0.2.2")
    signed_in = Client(REMOTE_ADDR="192.0.2.1")
    signed_in.force_login(UserFactory())
    for visitor in (first, second, signed_in, first, signed_in):
        visitor.get(venue.get_absolute_url())
    second.get(other.get_absolute_url())
    flush_view_counts()
    assert (views(venue), views(other)) == (3, 1)
    flush_view_counts()  # counts, never adds: running again changes nothing
    assert (views(venue), views(other)) == (3, 1)
    first.get(other.get_absolute_url())
    flush_view_counts()
    assert (views(venue), views(other)) == (3, 2)


def test_a_view_writes_nothing_to_the_usage_table(client):
    venue = VenueFactory()
    client.get(venue.get_absolute_url())  # the first render of the page, too
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(venue.get_absolute_url()).status_code == 200
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if USAGE_TABLE in q["sql"]
            and re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.IGNORECASE)
        ]
        assert writes == []
        assert not VenueDailyStat.objects.exists()


def test_nobody_is_stored_beyond_the_day(client):
    venue = VenueFactory()
    user = UserFactory()
    client.force_login(user)
    client.get(venue.get_absolute_url())
    session_key = client.session.session_key
    usage = caches["usage"]
    marks = [key for key in usage._cache if ":mark:" in key]
    # A mark carries the day's salted hash, never the account or the session.
    assert len(marks) == 1
    assert re.fullmatch(r"[0-9a-f]{24}", marks[0].rsplit(":", 1)[1])
    assert session_key not in marks[0]
    assert any(":salt:" in key for key in usage._cache)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    flush_view_counts(today=tomorrow)
    assert views(venue) == 1
    assert list(usage._cache) == []  # the day's marks and salt are gone
    flush_view_counts(today=tomorrow)
    assert views(venue) == 1


def test_a_missing_venue_page_counts_nothing(client):
    venue = VenueFactory(status="suspended")
    assert client.get(venue.get_absolute_url()).status_code == 404
    flush_view_counts()
    assert not VenueDailyStat.objects.exists()


def test_marks_in_the_database_table_are_counted_and_forgotten(settings, client):
    """As deployed without Redis: the marks in their own table, shared by
    every process."""
    settings.CACHES = {
        **settings.CACHES,
        "usage": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qunxian_usage",
        },
    }
    venue = VenueFactory()
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.1"):
        Client(REMOTE_ADDR=address).get(venue.get_absolute_url())
    # Another process's client of the same table sees the same two marks.
    other = DatabaseCache("qunxian_usage", {})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM qunxian_usage WHERE cache_key LIKE %s",
            [other.make_key("mark:") + "%"],
        )
        assert cursor.fetchone()[0] == 2
    flush_view_counts()
    assert views(venue) == 2
    flush_view_counts(today=timezone.localdate() + datetime.timedelta(days=1))
    assert views(venue) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM qunxian_usage")
        assert cursor.fetchone()[0] == 0
