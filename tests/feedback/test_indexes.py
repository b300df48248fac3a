"""The indexes on a small hand-made month with known answers."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from bookings.models import Booking
from feedback.indexes import FORMULA_VERSION, compute_indexes
from feedback.models import (
    Appeal,
    IndexSnapshot,
    IndexWeights,
    OrganizationIndexSnapshot,
    Review,
)
from feedback.periods import last_complete_month
from tests.factories import BookingFactory, SpaceFactory, UserFactory, VenueFactory
from venues.models import VenueDailyStat

PERIOD = datetime.date(2026, 10, 1)
ZONE = timezone.get_default_timezone()


def moment(day, hour=10):
    return datetime.datetime(2026, 10, day, hour, tzinfo=ZONE)


def review(venue, rating, day=5):
    row = Review.objects.create(user=UserFactory(), venue=venue, rating=rating)
    Review.objects.filter(pk=row.pk).update(created_at=moment(day))


def appeal(venue, *, state, accepted_in_time=True, resolved_in_time=True, day=3):
    created = moment(day)
    accept_due = created + datetime.timedelta(days=2)
    resolve_due = created + datetime.timedelta(days=7)
    row = Appeal.objects.create(
        user=UserFactory(),
        venue=venue,
        kind=Appeal.Kind.COMPLAINT,
        text="…",
        state=state,
        accept_due=accept_due,
        resolve_due=resolve_due,
        accepted_at=accept_due
        + datetime.timedelta(hours=-1 if accepted_in_time else 1),
        resolved_at=resolve_due
        + datetime.timedelta(hours=-1 if resolved_in_time else 1),
    )
    Appeal.objects.filter(pk=row.pk).update(created_at=created)


@pytest.fixture
def month(db):
    weights = IndexWeights.objects.current()  # version 1: the defaults
    assert (weights.activity, weights.good_review, weights.handling) == (0.4, 0.3, 0.3)
    assert (weights.views, weights.navigations, weights.attended) == (1, 3, 5)
    assert (weights.activity_attendance, weights.prior_weight) == (5, 5)
    busy, quiet, silent = (VenueFactory(name=n) for n in ("忙", "静", "无声"))
    # busy: 100 views, 10 navigations, 4 attended → raw 150; quiet: raw 75
    VenueDailyStat.objects.create(venue=busy, date=PERIOD, views=60, navigations=4)
    VenueDailyStat.objects.create(
        venue=busy, date=PERIOD.replace(day=20), views=40, navigations=6
    )
    VenueDailyStat.objects.create(venue=quiet, date=PERIOD, views=45, navigations=10)
    # outside the month: ignored
    VenueDailyStat.objects.create(
        venue=busy, date=datetime.date(2026, 11, 1), views=999
    )
    space = SpaceFactory(venue=busy)
    for day in (2, 3, 4, 5):
        BookingFactory(
            space=space,
            start=moment(day),
            end=moment(day, 11),
            state=Booking.State.ATTENDED,
        )
    BookingFactory(
        space=space, start=moment(6), end=moment(6, 11), state=Booking.State.NO_SHOW
    )
    # busy: 3 of 4 reviews good (75 %); quiet: 1 of 2 (50 %), plus a hidden one
    for rating in (5, 4, 4, 2):
        review(busy, rating)
    review(quiet, 5)
    review(quiet, 1)
    hidden = Review.objects.create(user=UserFactory(), venue=quiet, rating=5)
    Review.objects.filter(pk=hidden.pk).update(
        state=Review.State.HIDDEN, created_at=moment(5)
    )
    # busy: 4 appeals — 2 in time, 1 resolved late, 1 closed → 50 %
    appeal(busy, state=Appeal.State.CONFIRMED)
    appeal(busy, state=Appeal.State.RESOLVED)
    appeal(busy, state=Appeal.State.RESOLVED, resolved_in_time=False)
    appeal(busy, state=Appeal.State.CLOSED)
    return busy, quiet, silent


def snapshot(venue):
    return IndexSnapshot.objects.get(venue=venue, period=PERIOD)


def test_parts_and_composite_have_the_known_values(month):
    busy, quiet, silent = month
    assert compute_indexes(PERIOD) == 3
    b, q, s = snapshot(busy), snapshot(quiet), snapshot(silent)
    assert (b.views, b.navigations, b.attended, b.activity_raw) == (100, 10, 4, 150)
    assert (q.activity_raw, s.activity_raw) == (75, 0)
    assert (b.activity, q.activity, s.activity) == (100, 50, 0)
    assert (b.review_count, b.good_review_count, b.good_review_rate) == (4, 3, 75)
    assert (q.review_count, q.good_review_rate) == (2, 50)
    assert s.good_review_rate is None
    assert (b.appeal_count, b.appeals_handled_in_time, b.appeals_closed) == (4, 2, 1)
    assert b.handling_rate == 50
    assert q.handling_rate is None
    # The district: 4 good reviews of 6, 2 of 4 feedback items in time. Each
    # rate is pulled to that mean by 5 pseudo-observations.
    assert (b.prior_good_review, b.prior_handling) == (pytest.approx(400 / 6), 50)
    assert b.good_review_score == pytest.approx((300 + 5 * 400 / 6) / 9)
    assert q.good_review_score == pytest.approx((100 + 5 * 400 / 6) / 7)
    assert s.good_review_score == pytest.approx(400 / 6)  # none: the mean
    assert b.handling_score == q.handling_score == s.handling_score == 50
    assert b.composite == pytest.approx(
        0.4 * 100 + 0.3 * b.good_review_score + 0.3 * 50
    )
    assert q.composite == pytest.approx(0.4 * 50 + 0.3 * q.good_review_score + 15)
    assert s.composite == pytest.approx(0.3 * 400 / 6 + 15)
    assert b.weights.version == 1
    assert b.formula_version == FORMULA_VERSION == 2


def test_a_part_nobody_has_data_for_leaves_the_weights(month):
    Appeal.objects.all().delete()
    compute_indexes(PERIOD)
    busy, quiet, _silent = month
    b = snapshot(busy)
    assert b.handling_score is None and b.prior_handling is None
    assert b.composite == pytest.approx((0.4 * 100 + 0.3 * b.good_review_score) / 0.7)


def test_month_handling_times_per_venue_and_organisation(month):
    busy, _quiet, _silent = month
    compute_indexes(PERIOD)
    b = snapshot(busy)
    # all four accepted an hour before the 2-day deadline; resolved after
    # 167 h (three) and 169 h (the late one)
    assert b.appeals_accepted_in_time == 4 and b.accepted_in_time_rate == 100
    assert b.median_accept_hours == pytest.approx(47)
    assert b.median_resolve_hours == pytest.approx(167)
    assert snapshot(_quiet).median_accept_hours is None
    league = OrganizationIndexSnapshot.objects.get(
        organization=busy.organization, period=PERIOD
    )
    assert league.appeal_count == 4 and league.median_resolve_hours == 167
    assert league.weights.version == 1


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(db):
    venue = VenueFactory()
    for day, hours in ((3, 2), (4, 4), (5, 10), (6, 30)):
        created = moment(day)
        row = Appeal.objects.create(
            user=UserFactory(),
            venue=venue,
            kind=Appeal.Kind.COMPLAINT,
            text="…",
            state=Appeal.State.ACCEPTED,
            accept_due=created + datetime.timedelta(days=2),
            resolve_due=created + datetime.timedelta(days=7),
            accepted_at=created + datetime.timedelta(hours=hours),
        )
        Appeal.objects.filter(pk=row.pk).update(created_at=created)
    compute_indexes(PERIOD)
    assert snapshot(venue).median_accept_hours == pytest.approx(7)
    assert snapshot(venue).median_resolve_hours is None


def test_an_organisations_median_is_of_its_feedback_not_of_its_venues_medians(db):
    # One organisation: venue a took 1, 9 and 2 hours to accept and 5 and 7 to
    # resolve; venue b took 20 and 3 to accept and resolved nothing.
    a, b = VenueFactory(), VenueFactory()
    for venue, accept, resolve in (
        (a, 1, 5),
        (a, 9, 7),
        (a, 2, None),
        (b, 20, None),
        (b, 3, None),
    ):
        created = moment(3)
        row = Appeal.objects.create(
            user=UserFactory(),
            venue=venue,
            kind=Appeal.Kind.COMPLAINT,
            text="…",
            state=Appeal.State.RESOLVED if resolve else Appeal.State.ACCEPTED,
            accept_due=created + datetime.timedelta(days=2),
            resolve_due=created + datetime.timedelta(days=7),
            accepted_at=created + datetime.timedelta(hours=accept),
            resolved_at=resolve and created + datetime.timedelta(hours=resolve),
        )
        Appeal.objects.filter(pk=row.pk).update(created_at=created)
    compute_indexes(PERIOD)
    assert (snapshot(a).median_accept_hours, snapshot(a).median_resolve_hours) == (2, 6)
    assert (snapshot(b).median_accept_hours, snapshot(b).median_resolve_hours) == (
        11.5,
        None,
    )
    league = OrganizationIndexSnapshot.objects.get(
        organization=a.organization, period=PERIOD
    )
    assert (league.median_accept_hours, league.median_resolve_hours) == (3, 6)


def test_a_snapshot_keeps_the_weights_it_was_computed_with(month):
    busy, _quiet, _silent = month
    compute_indexes(PERIOD)
    first = snapshot(busy)
    IndexWeights.objects.create(version=2, activity=1, good_review=0, handling=0)
    assert first.weights.version == 1
    compute_indexes(PERIOD.replace(month=9))
    assert IndexSnapshot.objects.get(venue=busy, period=PERIOD).weights == first.weights
    september = IndexSnapshot.objects.get(venue=busy, period=PERIOD.replace(month=9))
    assert september.weights.version == 2


def test_closing_instead_of_resolving_does_not_raise_the_rate(month):
    busy, _quiet, _silent = month
    compute_indexes(PERIOD)
    before = snapshot(busy).handling_rate
    late = Appeal.objects.filter(venue=busy, resolved_at__gt=F("resolve_due"))
    late.update(state=Appeal.State.CLOSED)
    compute_indexes(PERIOD)
    assert snapshot(busy).handling_rate == before


def test_recomputing_replaces_the_period(month):
    busy, _quiet, _silent = month
    compute_indexes(PERIOD)
    first = {(s.venue_id, s.composite) for s in IndexSnapshot.objects.all()}
    compute_indexes(PERIOD)
    assert {(s.venue_id, s.composite) for s in IndexSnapshot.objects.all()} == first
    review(busy, 1)
    compute_indexes(PERIOD)
    assert IndexSnapshot.objects.count() == 3
    assert snapshot(busy).review_count == 5


def count_queries(period):
    with CaptureQueriesContext(connection) as queries:
        compute_indexes(period)
    return len(queries)


def test_query_count_does_not_grow_with_venues(db):
    IndexWeights.objects.current()
    VenueFactory.create_batch(5)
    small = count_queries(PERIOD)
    VenueFactory.create_batch(45)
    assert count_queries(PERIOD) == small
    assert IndexSnapshot.objects.count() == 50


def test_command_defaults_to_the_last_complete_month(db):
    VenueFactory()
    call_command("compute_indexes")
    assert IndexSnapshot.objects.get().period == last_complete_month()
    call_command("compute_indexes", "--period", "2026-10")
    assert IndexSnapshot.objects.filter(period=PERIOD).exists()
    with pytest.raises(CommandError):
        call_command("compute_indexes", "--period", "October")


@freeze_time("2026-12-01 09:00:00+08:00")
def test_a_month_under_way_is_refused_unless_provisional(db):
    VenueFactory()
    with pytest.raises(CommandError, match="provisional"):
        call_command("compute_indexes", "--period", "2026-12")
    assert not IndexSnapshot.objects.exists()
    call_command("compute_indexes", "--period", "2026-12", "--provisional")
    assert IndexSnapshot.objects.get().provisional
    # an ended month is never provisional, whatever was asked
    call_command("compute_indexes", "--period", "2026-11", "--provisional")
    assert not IndexSnapshot.objects.get(period=datetime.date(2026, 11, 1)).provisional
