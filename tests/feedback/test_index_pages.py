import csv
import datetime
import io

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext
from freezegun import freeze_time

from feedback.indexes import FORMULA_VERSION, compute_indexes
from feedback.models import IndexSnapshot, IndexWeights, OrganizationIndexSnapshot
from feedback.periods import previous_month
from qunxian.models import AuditEntry
from tests.factories import OrganizationFactory, TownFactory, UserFactory, VenueFactory
from venues.models import Venue, VenueDailyStat

NOV = datetime.date(2026, 11, 1)
OCT, SEP = datetime.date(2026, 10, 1), datetime.date(2026, 9, 1)


def snapshot(venue, period, composite, **fields):
    defaults = {
        "activity": composite,
        "formula_version": 2,
        "weights": IndexWeights.objects.current(),
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


def test_ranking_comes_in_pages_that_keep_the_rank(client, admin_user):
    from feedback.views.indexes import RANKING_PAGE

    venues = VenueFactory.create_batch(RANKING_PAGE + 2)
    for score, venue in enumerate(venues):
        snapshot(venue, OCT, score)
    client.force_login(admin_user)
    first = client.get(reverse("console:indexes"), {"period": "2026-10"})
    assert len(first.context["ranking"]) == RANKING_PAGE
    assert first.context["ranking"][0].venue == venues[-1]
    assert 'rel="next"' in first.content.decode()
    second = client.get(reverse("console:indexes"), {"period": "2026-10", "page": 2})
    assert [s.venue for s in second.context["ranking"]] == [venues[1], venues[0]]
    page = second.content.decode()
    assert f">{RANKING_PAGE + 2}</td>" in page  # the last one's rank, not 2
    assert 'rel="prev"' in page and 'rel="next"' not in page
    assert client.get(reverse("console:indexes"), {"page": "x"}).status_code == 200


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
    caches["fragments"].clear()  # rendered again, as after a computation
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("console:indexes"))


def ranked_names(response) -> list[str]:
    page = response.content.decode()
    return sorted(("场所甲", "场所乙"), key=lambda name: page.find(name))


def test_a_ranking_page_is_kept_until_the_next_computation(
    client,
    admin_user,
    venue_a,
    venue_b,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    """Kept whole in the process: looking again costs only the session's
    query, and a computation shows at its next look."""
    VenueDailyStat.objects.create(venue=venue_a, date=OCT, views=50)
    VenueDailyStat.objects.create(venue=venue_b, date=OCT, views=10)
    with django_capture_on_commit_callbacks(execute=True):
        compute_indexes(OCT)
    client.force_login(admin_user)
    url = f"{reverse('console:indexes')}?period=2026-10"
    assert ranked_names(client.get(url)) == ["场所甲", "场所乙"]
    with django_assert_max_num_queries(1):
        assert ranked_names(client.get(url)) == ["场所甲", "场所乙"]
    VenueDailyStat.objects.filter(venue=venue_b).update(views=500)
    with django_capture_on_commit_callbacks(execute=True):
        compute_indexes(OCT)
    assert ranked_names(client.get(url)) == ["场所乙", "场所甲"]


def test_consoles_of_other_organisations_never_share_a_kept_ranking(
    client, admin_user, venue_a, venue_b
):
    for venue in (venue_a, venue_b):
        snapshot(venue, OCT, 60)
    url = f"{reverse('console:indexes')}?period=2026-10"
    women_admin = UserFactory()
    venue_b.organization.admins.add(women_admin)
    union_admin = UserFactory()
    venue_a.organization.admins.add(union_admin)
    client.force_login(admin_user)
    assert "场所乙" in client.get(url).content.decode()
    client.force_login(union_admin)
    page = client.get(url).content.decode()
    assert "场所甲" in page and "场所乙" not in page
    assert reverse("console:indexes_compute") not in page  # the admin's button
    client.force_login(women_admin)
    page = client.get(url).content.decode()
    assert "场所乙" in page and "场所甲" not in page


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


# -- Provisional months, the period picker and the filters


@freeze_time("2026-12-01 09:00:00+08:00")
def test_a_provisional_month_is_never_the_default(client, admin_user, venue_a):
    call_command("compute_indexes", "--period", "2026-11")
    call_command("compute_indexes", "--period", "2026-12", "--provisional")
    client.force_login(admin_user)
    response = client.get(reverse("console:indexes"))
    assert response.context["period"] == NOV
    page = response.content.decode()
    assert page.count('name="period"') >= 1
    assert page.count("<select") == 4  # one month picker, three filters
    response = client.get(reverse("console:indexes"), {"period": "2026-12"})
    assert response.context["provisional"]
    assert gettext("(provisional)") in response.content.decode()


@freeze_time("2026-12-01 09:00:00+08:00")
def test_only_provisional_months_leave_no_default(client, admin_user, venue_a):
    call_command("compute_indexes", "--period", "2026-12", "--provisional")
    client.force_login(admin_user)
    response = client.get(reverse("console:indexes"))
    assert response.status_code == 200
    assert response.context["period"] is None


@freeze_time("2026-12-01 09:00:00+08:00")
def test_the_console_refuses_to_compute_a_month_under_way(client, admin_user, venue_a):
    client.force_login(admin_user)
    response = client.post(
        reverse("console:indexes_compute"), {"period": "2026-12"}, follow=True
    )
    assert "2026-12" in response.content.decode()
    assert not IndexSnapshot.objects.exists()


PRIOR_SENTENCE = (
    "The good-review rate and the handling rate enter the index as scores pulled "
    "towards the district mean by a prior of %(prior)s pseudo-observations: "
    "score = 100 × (good ones + %(prior)s × mean) ÷ (all + %(prior)s). A venue "
    "without reviews or feedback scores the mean; a few good ones move it only "
    "part of the way."
)


def test_the_page_states_the_formula_the_weights_version_and_the_prior(
    client, admin_user, venue_a
):
    compute_indexes(OCT)
    client.force_login(admin_user)
    page = client.get(reverse("console:indexes"), {"period": "2026-10"})
    text = page.content.decode()
    weights = IndexWeights.objects.current()
    assert (
        gettext("Formula version %(formula)s, weights version %(version)s.")
        % {
            "formula": FORMULA_VERSION,
            "version": weights.version,
        }
        in text
    )
    # The prior's weight, in the formula.
    assert "%(prior)s" in gettext(PRIOR_SENTENCE)
    assert gettext(PRIOR_SENTENCE) % {"prior": 5} in text


def test_ranking_filters_by_organisation_category_and_town(client, admin_user):
    women = OrganizationFactory(name="区妇联", kind="women")
    town = TownFactory(name="东港街道")
    home = VenueFactory(organization=women, category=Venue.Category.YOUTH_HOME)
    away = VenueFactory(town=town)
    for venue in (home, away):
        snapshot(venue, OCT, 50)
    client.force_login(admin_user)
    url = reverse("console:indexes")

    def shown(**query):
        response = client.get(url, {"period": "2026-10", **query})
        assert response.status_code == 200
        return [s.venue for s in response.context["ranking"]]

    assert shown(organization=women.pk) == [home]
    assert shown(category=Venue.Category.YOUTH_HOME) == [home]
    assert shown(town=town.pk) == [away]
    assert shown(town="nonsense") == []  # an error on the form, nothing else
    response = client.get(
        reverse("console:indexes_csv"), {"period": "2026-10", "town": town.pk}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [away.name]


def test_league_ranks_the_organisations(client, admin_user, venue_a):
    women = OrganizationFactory(name="区妇联", kind="women")
    for _n in range(2):
        VenueDailyStat.objects.create(
            venue=VenueFactory(organization=women), date=OCT, views=10
        )
    compute_indexes(OCT)
    client.force_login(admin_user)
    response = client.get(reverse("console:indexes"), {"period": "2026-10"})
    league = response.context["league"]
    assert [(o.organization, o.venue_count) for o in league] == [
        (women, 2),
        (venue_a.organization, 1),
    ]
    page = response.content.decode()
    assert "区妇联" in page
    # On a phone each organisation is a card whose figures say what they are.
    table = page[page.index('<table class="list-table">') :]
    table = table[: table.index("</table>")]
    assert table.count("<td ") == 8 * len(league)
    assert table.count('<td class="num" data-label=') == 8 * len(league)


# -- Weights


WEIGHTS = {
    "activity": "0.2",
    "good_review": "0.4",
    "handling": "0.4",
    "prior_weight": "10",
    "views": "1",
    "navigations": "3",
    "attended": "5",
    "activity_attendance": "5",
}


def test_admin_changes_the_weights_as_a_new_audited_version(
    client, admin_user, venue_a
):
    compute_indexes(OCT)
    client.force_login(admin_user)
    response = client.post(reverse("console:indexes_weights"), WEIGHTS)
    assert response.status_code == 302
    first, second = IndexWeights.objects.order_by("version")
    assert (first.activity, first.prior_weight) == (0.4, 5)  # not edited in place
    assert (second.version, second.activity, second.prior_weight) == (2, 0.2, 10)
    assert second.created_by == admin_user
    entry = AuditEntry.objects.get(action="index.weights")
    assert "prior_weight: 5 → 10" in entry.details
    assert IndexSnapshot.objects.get(venue=venue_a, period=OCT).weights == first
    compute_indexes(SEP)
    assert IndexSnapshot.objects.get(venue=venue_a, period=SEP).weights == second
    page = client.get(reverse("console:indexes_weights")).content.decode()
    assert 'value="0.2"' in page


@pytest.mark.parametrize(
    "change",
    [
        {"activity": "0.5"},  # sums to 1.2
        {"prior_weight": "-1"},
        {"views": "abc"},
        {"navigations": "5000"},
        {},  # the weights already in use
    ],
)
def test_bad_weights_are_refused_and_change_nothing(client, admin_user, change):
    client.force_login(admin_user)
    current = {**WEIGHTS, "activity": "0.4", "good_review": "0.3", "handling": "0.3"}
    current["prior_weight"] = "5"
    response = client.post(reverse("console:indexes_weights"), {**current, **change})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert IndexWeights.objects.count() == 1
    assert not AuditEntry.objects.filter(action="index.weights").exists()


def test_a_manager_cannot_change_the_weights(client, manager_a):
    client.force_login(manager_a)
    assert client.post(reverse("console:indexes_weights"), WEIGHTS).status_code == 403
    assert IndexWeights.objects.count() == 1


# -- Handling over time


def handled(venue, period, count, accepted, accept_hours, resolve_hours):
    return snapshot(
        venue,
        period,
        60,
        appeal_count=count,
        appeals_accepted_in_time=accepted,
        median_accept_hours=accept_hours,
        median_resolve_hours=resolve_hours,
    )


def test_manager_sees_handling_month_by_month(client, manager_a, venue_a):
    handled(venue_a, SEP, 4, 2, 30.0, 100.0)
    handled(venue_a, OCT, 5, 5, 3.5, 20.0)
    client.force_login(manager_a)
    response = client.get(reverse("manage:indexes"))
    [report] = response.context["reports"]
    assert [s.period for s in report["handling"]] == [OCT, SEP]
    page = response.content.decode()
    assert "3.5" in page and "100.0" in page and "50%" in page


def test_console_handling_by_organisation_then_by_venue(
    client, admin_user, venue_a, django_assert_max_num_queries
):
    OrganizationIndexSnapshot.objects.create(
        organization=venue_a.organization,
        period=OCT,
        weights=IndexWeights.objects.current(),
        appeal_count=10,
        appeals_accepted_in_time=9,
        median_accept_hours=12.5,
    )
    handled(venue_a, OCT, 4, 1, 40.0, 150.0)
    client.force_login(admin_user)
    url = reverse("console:indexes_handling")
    with freeze_time("2026-11-15 12:00:00+08:00"):
        with django_assert_max_num_queries(8):
            response = client.get(url)
        [(organization, rows)] = response.context["groups"]
        assert (
            organization == venue_a.organization and rows[0].median_accept_hours == 12.5
        )
        assert "90%" in response.content.decode()
        response = client.get(url, {"organization": venue_a.organization.pk})
        [(venue, rows)] = response.context["groups"]
        assert venue == venue_a and "25%" in response.content.decode()


def test_breakdown_and_handling_query_counts_do_not_grow(
    client, admin_user, manager_a, venue_a, django_assert_max_num_queries
):
    def fill(months):
        period = OCT
        for _n in range(months):
            handled(venue_a, period, 3, 2, 5.0, 10.0)
            handled(VenueFactory(), period, 3, 2, 5.0, 10.0)
            period = previous_month(period)

    client.force_login(manager_a)
    IndexSnapshot.objects.all().delete()
    fill(2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("manage:indexes"))
    IndexSnapshot.objects.all().delete()
    fill(12)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("manage:indexes"))


def test_console_handling_query_count_does_not_grow(
    client, admin_user, django_assert_max_num_queries
):
    weights = IndexWeights.objects.current()

    def fill(count):
        for n in range(count):
            venue = VenueFactory(organization=OrganizationFactory(name=f"组织{n}"))
            handled(venue, OCT, 3, 2, 5.0, 10.0)
            OrganizationIndexSnapshot.objects.get_or_create(
                organization=venue.organization, period=OCT, weights=weights
            )

    client.force_login(admin_user)
    url = reverse("console:indexes_handling")
    with freeze_time("2026-11-15 12:00:00+08:00"):
        fill(2)
        with django_assert_max_num_queries(10) as few:
            client.get(url)
        fill(20)
        with django_assert_max_num_queries(len(few)):
            client.get(url)
        with django_assert_max_num_queries(len(few)):
            client.get(url, {"category": Venue.Category.WORKERS_HOME})
