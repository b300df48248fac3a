"""Venue page views: once per visitor, venue and day, at the hour of the
visitor's first view, counted without a write to the usage tables in the
request, exact after the flush."""

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
from freezegun import freeze_time

from tests.factories import UserFactory, VenueFactory
from venues.models import VenueDailyStat, VenueHourlyViews
from venues.usage import flush_view_counts, forget_salts

pytestmark = pytest.mark.django_db

USAGE_TABLES = (VenueDailyStat._meta.db_table, VenueHourlyViews._meta.db_table)


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
            if any(table in q["sql"] for table in USAGE_TABLES)
            and re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.IGNORECASE)
        ]
        assert writes == []
        assert not VenueDailyStat.objects.exists()
        assert not VenueHourlyViews.objects.exists()


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


def hours(venue, day):
    return dict(
        VenueHourlyViews.objects.filter(venue=venue, date=day).values_list(
            "hour", "views"
        )
    )


def test_a_view_counts_at_the_hour_of_the_visitors_first_view_that_day(db):
    venue, other = VenueFactory(), VenueFactory()
    first = Client(REMOTE_ADDR="192.0.2.1")
    second = Client(REMOTE_ADDR="192.0.2.2")
    day = datetime.date(2026, 11, 3)
    with freeze_time("2026-11-03 09:15:00+08:00"):
        first.get(venue.get_absolute_url())
    forget_salts()  # the later views reach another process
    with freeze_time("2026-11-03 18:40:00+08:00"):
        first.get(venue.get_absolute_url())  # again, later: still 09:00
        second.get(venue.get_absolute_url())
        first.get(other.get_absolute_url())
        flush_view_counts()
        assert hours(venue, day) == {9: 1, 18: 1}
        assert hours(other, day) == {18: 1}
        assert views(venue, day) == sum(hours(venue, day).values()) == 2
        flush_view_counts()  # counts, never adds: running again changes nothing
        assert hours(venue, day) == {9: 1, 18: 1}
    with freeze_time("2026-11-03 23:59:00+08:00"):
        second.get(other.get_absolute_url())
        flush_view_counts()
        assert hours(other, day) == {18: 1, 23: 1}
    # Local time: 00:30 in Shanghai is the next day, hour 0, whatever UTC says.
    with freeze_time("2026-11-04 00:30:00+08:00"):
        first.get(venue.get_absolute_url())
        flush_view_counts()
    assert hours(venue, day + datetime.timedelta(days=1)) == {0: 1}
    with freeze_time("2026-11-05 08:00:00+08:00"):
        flush_view_counts()  # the days are over: their marks go, the counts stay
    assert list(caches["usage"]._cache) == []
    assert hours(venue, day) == {9: 1, 18: 1}
    assert hours(other, day) == {18: 1, 23: 1}


def test_a_mark_without_an_hour_counts_for_the_day_only(db):
    """A mark made before marks held their hour (its value was 1)."""
    venue = VenueFactory()
    day = timezone.localdate()
    caches["usage"].add(f"mark:{day.isoformat()}:{venue.pk}:{'0' * 24}", 1)
    Client(REMOTE_ADDR="192.0.2.1").get(venue.get_absolute_url())
    flush_view_counts()
    assert views(venue, day) == 2
    assert sum(hours(venue, day).values()) == 1


def test_hours_in_the_database_table_are_counted(settings):
    settings.CACHES = {
        **settings.CACHES,
        "usage": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qunxian_usage",
        },
    }
    venue = VenueFactory()
    day = datetime.date(2026, 11, 3)
    with freeze_time("2026-11-03 07:05:00+08:00"):
        Client(REMOTE_ADDR="192.0.2.1").get(venue.get_absolute_url())
    with freeze_time("2026-11-03 20:05:00+08:00"):
        Client(REMOTE_ADDR="192.0.2.2").get(venue.get_absolute_url())
        Client(REMOTE_ADDR="192.0.2.1").get(venue.get_absolute_url())
        flush_view_counts()
    assert hours(venue, day) == {7: 1, 20: 1}
