"""The manager's work inbox (`manage:home`): what waits across all their venues."""

import datetime

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from activities.models import Activity, SignUp
from activities.services import signup_create
from bookings.models import Booking
from feedback.models import Appeal
from tests.activities.factories import ActivityFactory
from tests.factories import (
    AppealFactory,
    BookingFactory,
    NoticeFactory,
    ReviewFactory,
    SpaceFactory,
    UserFactory,
)


def under_way(venue, **fields):
    """Started half an hour ago, still on: today's whatever the clock says."""
    now = timezone.now()
    return ActivityFactory(
        venue=venue,
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=1),
        **fields,
    )


def tomorrow_morning():
    day = timezone.localdate() + datetime.timedelta(days=1)
    return datetime.datetime.combine(
        day, datetime.time(10), tzinfo=timezone.get_current_timezone()
    )


def sign_up(activity, count=1):
    """Confirmed sign-ups, made the day before the activity."""
    before = activity.starts_at - datetime.timedelta(days=1)
    return [
        signup_create(activity=activity, user=UserFactory(), now=before)
        for _ in range(count)
    ]


@pytest.fixture
def as_manager_a(client, manager_a):
    client.force_login(manager_a)
    return client


def test_inbox_counts_what_waits_at_their_venues_only(
    as_manager_a, venue_a, venue_b, worker, django_assert_max_num_queries
):
    BookingFactory(space=SpaceFactory(venue=venue_a), user=worker)
    BookingFactory(space=SpaceFactory(venue=venue_b), user=worker)
    BookingFactory(
        space=SpaceFactory(venue=venue_a), user=worker, state=Booking.State.APPROVED
    )
    with django_assert_max_num_queries(17):
        response = as_manager_a.get(reverse("manage:home"))
    assert response.context["bookings"]["count"] == 1
    assert [b.space.venue for b in response.context["bookings"]["items"]] == [venue_a]
    assert not Appeal.objects.exists()
    assert response.context["feedback"]["appeals_open"] == 0
    assert response.context["venues"]["mine"] == [venue_a]


def test_inbox_lists_todays_activities_with_people_still_to_check_in(
    as_manager_a, venue_a, venue_b
):
    today = under_way(venue_a, title="亲子阅读")
    sign_up(today, 2)
    done = under_way(venue_a, title="都已签到")
    SignUp.objects.filter(pk__in=[s.pk for s in sign_up(done)]).update(
        state=SignUp.State.ATTENDED
    )
    sign_up(under_way(venue_b, title="别人的"))
    sign_up(
        ActivityFactory(venue=venue_a, title="明天的", starts_at=tomorrow_morning())
    )
    cancelled = under_way(venue_a, title="已取消")
    sign_up(cancelled)
    Activity.objects.filter(pk=cancelled.pk).update(status=Activity.Status.CANCELLED)

    response = as_manager_a.get(reverse("manage:home"))

    section = response.context["activities"]
    assert [(a.title, a.to_check) for a in section["items"]] == [("亲子阅读", 2)]
    assert section["count"] == 2
    page = response.content.decode()
    assert reverse("manage:activity_signups", args=[today.pk]) in page
    assert "别人的" not in page and "明天的" not in page


def test_inbox_lists_their_notices_still_to_be_published_soonest_first(
    as_manager_a, venue_a, venue_b
):
    soon = timezone.now() + datetime.timedelta(hours=2)
    later = NoticeFactory(
        venue=venue_a, title="下周的", published_at=soon + datetime.timedelta(days=7)
    )
    NoticeFactory(venue=venue_a, title="明早的", published_at=soon)
    NoticeFactory(venue=venue_a, title="已发布")
    NoticeFactory(venue=venue_b, title="别人的", published_at=soon)
    NoticeFactory(venue=None, title="全区的", published_at=soon)

    response = as_manager_a.get(reverse("manage:home"))

    section = response.context["notices"]
    assert [n.title for n in section["items"]] == ["明早的", "下周的"]
    assert section["count"] == 2
    page = response.content.decode()
    assert reverse("manage:notice_edit", args=[later.pk]) in page
    for title in ("已发布", "别人的", "全区的"):
        assert title not in page


def test_an_empty_inbox_says_so_in_each_section(as_manager_a):
    page = as_manager_a.get(reverse("manage:home")).content.decode()
    with translation.override("zh-hans"):
        for empty in (
            "No requests are waiting.",
            "No one is waiting to be checked in today.",
            "No notice is scheduled.",
        ):
            assert translation.gettext(empty) in page


def fill(venue, count):
    """`count` waiting items of every kind at `venue`."""
    space = SpaceFactory(venue=venue)
    later = timezone.now() + datetime.timedelta(days=1)
    for _ in range(count):
        BookingFactory(space=space, user=UserFactory())
        AppealFactory(user=UserFactory(), venue=venue)
        ReviewFactory(user=UserFactory(), venue=venue)
        sign_up(under_way(venue))
        NoticeFactory(venue=venue, published_at=later)


def inbox_queries(client, django_assert_max_num_queries):
    caches["fragments"].clear()  # drawn afresh, not the kept copy
    with django_assert_max_num_queries(17) as captured:
        response = client.get(reverse("manage:home"))
    assert response.status_code == 200
    return len(captured)


def test_inbox_query_count_does_not_grow_with_what_waits(
    as_manager_a, venue_a, django_assert_max_num_queries
):
    fill(venue_a, 1)
    few = inbox_queries(as_manager_a, django_assert_max_num_queries)
    fill(venue_a, 8)
    many = inbox_queries(as_manager_a, django_assert_max_num_queries)
    assert few == many


def waiting_requests(response) -> str:
    """The number on the inbox's first tile."""
    return response.content.decode().split("<strong>", 1)[1].split("</strong>", 1)[0]


def test_a_kept_inbox_shows_a_new_request_at_the_next_look(
    as_manager_a,
    venue_a,
    worker,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    url = reverse("manage:home")
    assert waiting_requests(as_manager_a.get(url)) == "0"
    with django_assert_max_num_queries(1):  # kept: the session's query only
        assert waiting_requests(as_manager_a.get(url)) == "0"
    with django_capture_on_commit_callbacks(execute=True):
        BookingFactory(space=SpaceFactory(venue=venue_a), user=worker)
    assert waiting_requests(as_manager_a.get(url)) == "1"


def test_managers_never_see_each_others_kept_inbox(
    client, manager_a, manager_b, venue_a, venue_b, worker
):
    BookingFactory(space=SpaceFactory(venue=venue_a, name="甲的活动室"), user=worker)
    client.force_login(manager_a)
    assert "甲的活动室" in client.get(reverse("manage:home")).content.decode()
    client.force_login(manager_b)
    page = client.get(reverse("manage:home")).content.decode()
    assert "甲的活动室" not in page and venue_b.name in page


def test_a_new_venue_to_manage_shows_at_the_next_look(
    as_manager_a, manager_a, venue_b, django_capture_on_commit_callbacks
):
    assert venue_b.name not in as_manager_a.get(reverse("manage:home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        venue_b.managers.add(manager_a)
    assert venue_b.name in as_manager_a.get(reverse("manage:home")).content.decode()


def test_an_item_falling_overdue_shows_within_the_minute(as_manager_a, venue_a):
    now = timezone.now()
    AppealFactory(venue=venue_a, accept_due=now + datetime.timedelta(seconds=20))
    with freeze_time(now) as clock:
        page = as_manager_a.get(reverse("manage:home")).content.decode()
        assert 'class="badge badge-overdue"' not in page
        clock.tick(datetime.timedelta(seconds=61))
        page = as_manager_a.get(reverse("manage:home")).content.decode()
        assert 'class="badge badge-overdue"' in page
