import csv
import datetime
import io

import pytest
from django.urls import reverse

from feedback.models import IndexSnapshot
from tests.factories import VenueFactory

OCT, SEP = datetime.date(2026, 10, 1), datetime.date(2026, 9, 1)


def snapshot(venue, period, composite, **fields):
    defaults = {
        "activity": composite,
        "formula_version": 1,
        "weights": {"activity": 0.4, "good_review": 0.3, "handling": 0.3},
    }
    return IndexSnapshot.objects.create(
        venue=venue, period=period, composite=composite, **{**defaults, **fields}
    )


@pytest.fixture
def two_months(venue_a, venue_b):
    snapshot(venue_a, SEP, 50)
    snapshot(venue_a, OCT, 70, appeals_overdue=2, appeal_count=4, handling_rate=25)
    snapshot(venue_b, SEP, 90)
    snapshot(venue_b, OCT, 80, review_count=3, good_review_rate=100)


def test_console_ranks_venues_with_the_change_and_a_trend(
    client, admin_user, two_months, venue_a, venue_b
):
    client.force_login(admin_user)
    response = client.get(reverse("console:indexes"), {"period": "2026-10"})
    ranking = response.context["ranking"]
    assert [s.venue for s in ranking] == [venue_b, venue_a]
    assert [s.change for s in ranking] == [-10, 20]
    page = response.content.decode()
    assert "<svg" in page and "<polyline" in page
    assert "40%" in page  # the activity weight is shown


def test_console_defaults_to_the_newest_month_and_refuses_unknown_ones(
    client, admin_user, two_months
):
    client.force_login(admin_user)
    assert client.get(reverse("console:indexes")).context["period"] == OCT
    for bad in ("2020-01", "oct", "2026-13"):
        assert (
            client.get(reverse("console:indexes"), {"period": bad}).status_code == 404
        )


def test_csv_export_lists_the_ranking(client, admin_user, two_months, venue_b):
    client.force_login(admin_user)
    response = client.get(reverse("console:indexes_csv"), {"period": "2026-10"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert rows[1][:2] == ["1", venue_b.name]
    assert rows[1][-2:] == ["80.0", "-10.0"]


def test_ranking_query_count_does_not_grow(
    client, admin_user, django_assert_max_num_queries
):
    def fill(count):
        for venue in VenueFactory.create_batch(count):
            snapshot(venue, SEP, 40)
            snapshot(venue, OCT, 60)

    client.force_login(admin_user)
    fill(3)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("console:indexes"))
    fill(30)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("console:indexes"))


def test_manager_sees_own_breakdown_and_what_pulled_it_down(
    client, manager_a, two_months, venue_b
):
    client.force_login(manager_a)
    response = client.get(reverse("manage:indexes"))
    [report] = response.context["reports"]
    assert report["latest"].composite == 70
    page = response.content.decode()
    assert venue_b.name not in page
    assert any("2" in point for point in report["weak_points"])
    assert "<polyline" in page


def test_manager_without_snapshots_is_told_so(client, manager_a):
    client.force_login(manager_a)
    response = client.get(reverse("manage:indexes"))
    assert response.context["reports"][0]["latest"] is None


def test_admin_computes_a_month_from_the_console(client, admin_user, venue_a):
    client.force_login(admin_user)
    response = client.post(reverse("console:indexes_compute"), {"period": "2026-10"})
    assert response.status_code == 302
    assert response["Location"].endswith("?period=2026-10")
    assert IndexSnapshot.objects.filter(period=OCT, venue=venue_a).exists()


def test_computing_is_for_admins_only(client, manager_a, venue_a):
    client.force_login(manager_a)
    assert client.post(reverse("console:indexes_compute")).status_code == 403
    assert not IndexSnapshot.objects.exists()
