"""The staff ends' list tables: sorted by a column header through `?sort=`,
wrong values ignored, every figure cell labelled for the phone's card layout."""

import re

import pytest
from django.urls import reverse

from bookings.models import Booking
from tests.activities.factories import ActivityFactory, soon
from tests.factories import (
    AppealFactory,
    BookingFactory,
    ReviewFactory,
    SpaceFactory,
    UserFactory,
    VenueFactory,
)


def row_names(html: str) -> list[str]:
    """The text of each row's header cell's link, in page order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def three_venues(db):
    return [VenueFactory(name=name) for name in ("Beta 站", "Alpha 站", "Gamma 站")]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha 站", "Beta 站", "Gamma 站"]),
        ("-name", ["Gamma 站", "Beta 站", "Alpha 站"]),
    ],
)
def test_console_venues_sort_by_name_both_ways(
    client, admin_user, three_venues, sort, expected
):
    client.force_login(admin_user)
    html = client.get(reverse("console:venue_list"), {"sort": sort}).content.decode()
    assert row_names(html) == expected


@pytest.mark.parametrize("sort", ["password", "--name", "-", "name;drop", "管理员"])
def test_a_wrong_sort_is_ignored_and_keeps_the_default_order(
    client, admin_user, three_venues, sort
):
    client.force_login(admin_user)
    url = reverse("console:venue_list")
    default = row_names(client.get(url).content.decode())
    response = client.get(url, {"sort": sort})
    assert response.status_code == 200
    assert row_names(response.content.decode()) == default


def test_sorted_column_says_so_and_its_link_reverses_it(
    client, admin_user, three_venues
):
    client.force_login(admin_user)
    html = client.get(
        reverse("console:venue_list"), {"sort": "name", "status": "active", "page": 1}
    ).content.decode()
    sorted_th = re.search(r'<th scope="col" aria-sort="ascending">(.*?)</th>', html)
    assert sorted_th, "the sorted column carries aria-sort"
    link = re.search(r'href="([^"]+)"', sorted_th.group(1)).group(1)
    assert "sort=-name" in link and "status=active" in link
    assert "page=" not in link
    # Another column starts ascending.
    assert 'href="?sort=town&amp;status=active"' in html


def test_venue_rows_label_their_cells_for_phones(client, admin_user, three_venues):
    client.force_login(admin_user)
    html = client.get(reverse("console:venue_list")).content.decode()
    assert 'class="list-table"' in html
    # Organisation, category, town, status, managers: the name is the card's title.
    assert html.count("data-label=") == 3 * 5


def test_console_venue_list_queries_do_not_grow_with_sorting(
    client, admin_user, three_venues, django_assert_max_num_queries
):
    client.force_login(admin_user)
    for _ in range(10):
        VenueFactory().managers.add(UserFactory())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("console:venue_list"), {"sort": "-town"})
    assert response.status_code == 200


def test_managers_sort_by_their_number_of_venues(client, admin_user):
    one, two = UserFactory(display_name="甲"), UserFactory(display_name="乙")
    VenueFactory().managers.add(one)
    for _ in range(2):
        VenueFactory().managers.add(two)
    UserFactory(display_name="没有场所")
    client.force_login(admin_user)
    url = reverse("console:manager_list")
    assert row_names(client.get(url, {"sort": "-venues"}).content.decode()) == [
        "乙",
        "甲",
    ]
    assert row_names(client.get(url, {"sort": "venues"}).content.decode()) == [
        "甲",
        "乙",
    ]


def test_manager_activities_sort_by_title(client, manager_a, venue_a):
    for title in ("Yoga", "Calligraphy", "Flowers"):
        ActivityFactory(venue=venue_a, title=title, starts_at=soon(days=2))
    client.force_login(manager_a)
    url = reverse("manage:activity_list")
    html = client.get(url, {"sort": "title"}).content.decode()
    titles = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)
    assert titles == sorted(titles) and len(titles) == 3
    html = client.get(url, {"sort": "-title"}).content.decode()
    assert re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html) == (
        sorted(titles, reverse=True)
    )
    assert html.count("data-label=") == 3 * 4


def test_appeals_sort_by_submission_keeping_the_filters(client, manager_a, venue_a):
    first = AppealFactory(venue=venue_a)
    second = AppealFactory(venue=venue_a)
    client.force_login(manager_a)
    url = reverse("manage:appeal_list")
    html = client.get(url, {"sort": "-submitted"}).content.decode()
    ids = [int(pk) for pk in re.findall(r"/manage/feedback/(\d+)/", html)]
    assert ids.index(second.pk) < ids.index(first.pk)
    html = client.get(url, {"sort": "submitted"}).content.decode()
    ids = [int(pk) for pk in re.findall(r"/manage/feedback/(\d+)/", html)]
    assert ids.index(first.pk) < ids.index(second.pk)
    assert html.count("data-label=") == 2 * 4


def test_booking_queue_sorts_by_time_booked(client, manager_a, venue_a):
    space = SpaceFactory(venue=venue_a)
    later = BookingFactory(space=space, state=Booking.State.PENDING, start=soon(3))
    sooner = BookingFactory(space=space, state=Booking.State.PENDING, start=soon(2))
    client.force_login(manager_a)
    url = reverse("manage:booking_queue")
    html = client.get(url, {"sort": "start"}).content.decode()
    assert html.index(f'id="pick-{sooner.pk}"') < html.index(f'id="pick-{later.pk}"')
    html = client.get(url, {"sort": "-start"}).content.decode()
    assert html.index(f'id="pick-{later.pk}"') < html.index(f'id="pick-{sooner.pk}"')
    assert client.get(url, {"sort": "user__password"}).status_code == 200


def test_console_reviews_sort_by_rating(client, admin_user, venue_a):
    low = ReviewFactory(venue=venue_a, rating=2)
    high = ReviewFactory(venue=venue_a, rating=5)
    client.force_login(admin_user)
    url = reverse("console:review_list")
    html = client.get(url, {"sort": "-rating"}).content.decode()
    assert html.index(f"/reviews/{high.pk}/") < html.index(f"/reviews/{low.pk}/")
    html = client.get(url, {"sort": "rating"}).content.decode()
    assert html.index(f"/reviews/{low.pk}/") < html.index(f"/reviews/{high.pk}/")
    assert 'class="sort-links"' in html
