"""The three ends through HTTP: scoping, the actions, and bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Activity, SignUp
from tests.activities.factories import ActivityFactory, SeriesFactory, soon
from tests.factories import UserFactory, VenueFactory
from venues.models import VenueDailyStat

pytestmark = pytest.mark.django_db
State = SignUp.State


@pytest.fixture
def activity_a(venue_a):
    return ActivityFactory(venue=venue_a, seats=1, starts_at=soon(0, 0.5))


# -- Scoping


@pytest.mark.parametrize("name", ["manage:activity_signups", "manage:activity_edit"])
def test_manager_of_other_venue_gets_404(client, manager_b, activity_a, name):
    client.force_login(manager_b)
    assert client.get(reverse(name, args=[activity_a.pk])).status_code == 404


def test_manager_of_other_venue_cannot_cancel_or_check_in(
    client, manager_b, activity_a, worker
):
    signup = services.signup_create(activity=activity_a, user=worker)
    client.force_login(manager_b)
    assert (
        client.post(reverse("manage:activity_cancel", args=[activity_a.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("manage:activity_check_in", args=[signup.pk])).status_code
        == 404
    )
    activity_a.refresh_from_db()
    signup.refresh_from_db()
    assert activity_a.status == Activity.Status.PUBLISHED
    assert signup.state == State.CONFIRMED


def test_worker_gets_403_and_anonymous_is_sent_to_log_in(client, worker, activity_a):
    url = reverse("manage:activity_signups", args=[activity_a.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(worker)
    assert client.get(url).status_code == 403
    assert client.get(reverse("console:activity_reach")).status_code == 403


def test_anonymous_sign_up_goes_to_log_in(client, activity_a):
    response = client.post(reverse("activities:sign_up", args=[activity_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not SignUp.objects.exists()


def test_manager_form_offers_only_their_venues(client, manager_a, venue_a, venue_b):
    client.force_login(manager_a)
    form = client.get(reverse("manage:activity_create")).context["form"]
    assert list(form.fields["venue"].queryset) == [venue_a]


def test_manager_cannot_post_an_activity_for_another_venue(client, manager_a, venue_b):
    client.force_login(manager_a)
    response = client.post(
        reverse("manage:activity_create"),
        {
            "title": "越权",
            "venue": venue_b.pk,
            "place": "大厅",
            "starts_at": soon(2).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": soon(2, 1).strftime("%Y-%m-%dT%H:%M"),
            "seats": 5,
        },
    )
    assert response.status_code == 200
    assert "venue" in response.context["form"].errors
    assert not Activity.objects.exists()


# -- Actions through HTTP


def test_manager_publishes_then_worker_signs_up_and_is_checked_in(
    client, manager_a, venue_a, worker
):
    client.force_login(manager_a)
    starts = timezone.localtime(soon(0, 0.5))
    response = client.post(
        reverse("manage:activity_create"),
        {
            "title": "亲子手工课",
            "series": SeriesFactory().pk,
            "venue": venue_a.pk,
            "place": "二楼活动室",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timezone.timedelta(hours=2)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "seats": 2,
            "tags": "亲子,手工",
            "min_age": 25,
            "max_age": 45,
            "gender": "",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "manage:activity_signups", args=[activity.pk]
    )

    client.force_login(worker)  # who shared no age: declares they are 25–45
    response = client.post(
        reverse("activities:sign_up", args=[activity.pk]), {"in_audience": "on"}
    )
    assert response.status_code == 302
    signup = SignUp.objects.get(user=worker)
    assert signup.state == State.CONFIRMED and signup.declared_in_audience
    detail = client.get(activity.get_absolute_url())
    assert detail.context["signup"] == signup

    client.force_login(manager_a)
    page = client.get(reverse("manage:activity_signups", args=[activity.pk]))
    assert (
        reverse("manage:activity_check_in", args=[signup.pk]) in page.content.decode()
    )
    client.post(reverse("manage:activity_check_in", args=[signup.pk]))
    signup.refresh_from_db()
    assert signup.state == State.ATTENDED
    assert VenueDailyStat.objects.get(venue=venue_a).activity_attendance == 1


def test_worker_cancels_and_the_waiting_one_sees_their_seat(client, activity_a):
    holder, waiting = UserFactory.create_batch(2)
    services.signup_create(activity=activity_a, user=holder)
    services.signup_create(activity=activity_a, user=waiting)
    client.force_login(waiting)
    response = client.get(activity_a.get_absolute_url())
    assert response.context["waitlist_position"] == 1

    client.force_login(holder)
    client.post(reverse("activities:cancel", args=[activity_a.pk]))
    client.force_login(waiting)
    response = client.get(activity_a.get_absolute_url())
    assert response.context["signup"].state == State.CONFIRMED
    mine = client.get(reverse("activities:mine"))
    assert [s.activity for s in mine.context["upcoming"]] == [activity_a]


def test_list_filters_by_series_and_by_co_hosting_venue(client, venue_a, venue_b):
    series = SeriesFactory()
    branded = ActivityFactory(venue=venue_a, series=series)
    co_hosted = ActivityFactory(venue=venue_a)
    co_hosted.other_venues.add(venue_b)
    ActivityFactory(venue=venue_a)
    url = reverse("activities:list")
    assert list(client.get(url, {"series": series.pk}).context["activities"]) == [
        branded
    ]
    assert list(client.get(url, {"venue": venue_b.pk}).context["activities"]) == [
        co_hosted
    ]


def test_list_hides_past_and_cancelled_activities(client, venue_a):
    shown = ActivityFactory(venue=venue_a)
    ActivityFactory(venue=venue_a, status=Activity.Status.CANCELLED)
    ActivityFactory(venue=venue_a, starts_at=soon(-2), ends_at=soon(-2, 1))
    assert list(client.get(reverse("activities:list")).context["activities"]) == [shown]


# -- Bounded queries


def make_activities(count, venue, worker):
    series = SeriesFactory()
    for index in range(count):
        activity = ActivityFactory(
            venue=venue, series=series if index % 2 else None, min_age=25
        )
        activity.other_venues.add(VenueFactory())
        services.signup_create(activity=activity, user=worker)
        services.signup_create(
            activity=activity, user=UserFactory(), declared_in_audience=True
        )


def test_pages_take_the_same_queries_for_3_as_for_30_activities(
    client, manager_a, admin_user, venue_a
):
    worker = UserFactory(profile_consent=True, gender="female", birth_year=1990)
    pages = [
        (worker, reverse("activities:list")),
        (worker, reverse("activities:mine")),
        (manager_a, reverse("manage:activity_list")),
        (admin_user, reverse("console:activity_list")),
        (admin_user, reverse("console:activity_reach")),
    ]

    def count_queries():
        counts = []
        for user, url in pages:
            client.force_login(user)
            client.get(url)  # warm the session and role caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    make_activities(3, venue_a, worker)
    few = count_queries()
    make_activities(27, venue_a, worker)
    assert count_queries() == few
    assert max(few) <= 12


def test_sign_up_list_takes_a_constant_number_of_queries(
    client, django_assert_max_num_queries, manager_a, venue_a
):
    activity = ActivityFactory(venue=venue_a, seats=20, starts_at=soon(0, 0.5))
    for user in UserFactory.create_batch(25):
        services.signup_create(activity=activity, user=user)
    client.force_login(manager_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("manage:activity_signups", args=[activity.pk]))
    assert len(response.context["seated"]) == 20
    assert len(response.context["waiting"]) == 5


def test_other_venue_activities_are_not_listed_for_the_manager(
    client, manager_a, venue_a
):
    mine = ActivityFactory(venue=venue_a)
    ActivityFactory(venue=VenueFactory())
    client.force_login(manager_a)
    assert list(client.get(reverse("manage:activity_list")).context["activities"]) == [
        mine
    ]
