"""Querysets compiled once (`qunxian.queries.CompiledQuery`), and PostgreSQL
planning a busy query once per connection."""

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.sql.compiler import SQLCompiler

from bookings.models import Booking
from qunxian.queries import CompiledQuery
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows_of(user_id, state):
    return (
        Booking.objects.filter(user_id=user_id, state=state)
        .annotate(venue_name=F("space__venue__name"))
        .only("start", "state")
    )


def test_the_rows_are_the_querysets_for_each_key():
    first, second = UserFactory(), UserFactory()
    for user, name in ((first, "一号驿站"), (second, "二号驿站")):
        BookingFactory.create_batch(2, user=user, space__venue__name=name)
    BookingFactory(user=first, state=Booking.State.CANCELLED)
    compiled = CompiledQuery(lambda user_id: rows_of(user_id, "pending"))
    for user in (first, second, first, UserFactory()):
        expected = list(rows_of(user.pk, "pending"))
        got = list(compiled.raw(user.pk))
        assert [b.pk for b in got] == [b.pk for b in expected]
        assert [(b.start, b.state, b.venue_name) for b in got] == [
            (b.start, b.state, b.venue_name) for b in expected
        ]


def test_the_orm_compiles_it_once(monkeypatch):
    user = UserFactory()
    BookingFactory(user=user)
    compiled = CompiledQuery(lambda user_id: rows_of(user_id, "pending"))
    calls = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler,
        "as_sql",
        lambda self, *a, **k: calls.append(1) or as_sql(self, *a, **k),
    )
    for _ in range(3):
        assert len(list(compiled.raw(user.pk))) == 1
    assert len(calls) == 1


def test_a_key_the_query_does_not_take_is_refused():
    compiled = CompiledQuery(lambda user_id, pk: rows_of(user_id, "pending"))
    with pytest.raises(ValueError):
        compiled.raw(1, 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_postgresql_prepares_a_query_run_again_and_again():
    user = UserFactory()
    BookingFactory(user=user)
    compiled = CompiledQuery(lambda user_id: rows_of(user_id, "pending"))
    for _ in range(6):
        list(compiled.raw(user.pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"bookings_booking"' in statement for statement in prepared)
