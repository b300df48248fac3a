"""Views alone no longer top the ranking: thin rates are pulled to the mean."""

import datetime

from django.utils import timezone

from feedback.indexes import compute_indexes
from feedback.models import Appeal, IndexSnapshot, Review
from tests.factories import UserFactory, VenueFactory
from venues.models import VenueDailyStat

PERIOD = datetime.date(2026, 10, 1)
CREATED = datetime.datetime(2026, 10, 3, 10, tzinfo=timezone.get_default_timezone())


def reviews(venue, good, bad=0):
    for rating in [5] * good + [2] * bad:
        row = Review.objects.create(user=UserFactory(), venue=venue, rating=rating)
        Review.objects.filter(pk=row.pk).update(created_at=CREATED)


def feedback(venue, in_time, late=0):
    for hours in [-1] * in_time + [1] * late:
        row = Appeal.objects.create(
            user=UserFactory(),
            venue=venue,
            kind=Appeal.Kind.SUGGESTION,
            text="…",
            state=Appeal.State.RESOLVED,
            accept_due=CREATED + datetime.timedelta(days=2),
            resolve_due=CREATED + datetime.timedelta(days=7),
            accepted_at=CREATED + datetime.timedelta(hours=1),
            resolved_at=CREATED + datetime.timedelta(days=7, hours=hours),
        )
        Appeal.objects.filter(pk=row.pk).update(created_at=CREATED)


def test_top_views_without_reviews_or_feedback_rank_below_100_and_100(db):
    # Today's example: the most viewed venue, no review, no feedback ...
    viewed = VenueFactory(name="鲁家峙快递小哥暖心驿站")
    VenueDailyStat.objects.create(venue=viewed, date=PERIOD, views=1000)
    # ... and a busy venue at 100 % and 100 % with real counts ...
    perfect = VenueFactory(name="满分驿站")
    VenueDailyStat.objects.create(venue=perfect, date=PERIOD, views=800)
    reviews(perfect, good=20)
    feedback(perfect, in_time=10)
    # ... in a district where the rest do worse.
    ordinary = VenueFactory(name="普通驿站")
    VenueDailyStat.objects.create(venue=ordinary, date=PERIOD, views=300)
    reviews(ordinary, good=5, bad=5)
    feedback(ordinary, in_time=5, late=5)

    compute_indexes(PERIOD)

    ranking = [s.venue for s in IndexSnapshot.objects.ranking(PERIOD)]
    assert ranking == [perfect, viewed, ordinary]


def test_one_good_review_is_not_worth_twenty(db):
    one, twenty = VenueFactory(), VenueFactory()
    for venue in (one, twenty):
        VenueDailyStat.objects.create(venue=venue, date=PERIOD, views=100)
    reviews(one, good=1)
    reviews(twenty, good=20)
    reviews(VenueFactory(), good=1, bad=1)
    compute_indexes(PERIOD)
    ranking = [s.venue for s in IndexSnapshot.objects.ranking(PERIOD)]
    assert ranking[:2] == [twenty, one]
