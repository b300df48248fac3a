"""选址分析: demand counted by cell, coverage, the MCLP and its greedy oracle,
the snapshots, and the console pages that read them."""

import datetime
import itertools
import math
import random
import sys

import h3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qunxian.models import AuditEntry
from tests.factories import TownFactory, UserFactory, VenueFactory
from venues import demand, siting
from venues.demand import cell_of, demand_record
from venues.models import (
    CandidateSite,
    DemandCount,
    DemandSource,
    SitingSnapshot,
    Venue,
)

OUTDOOR = Venue.Category.OUTDOOR_STATION
HOME = (29.952, 122.300)


def north(lat: float, metres: float) -> float:
    return lat + metres / 111_195


def add_demand(lat, lng, count, *, days_ago=1, category=""):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    DemandCount.objects.create(
        date=day,
        hour=10,
        source=DemandSource.NEAR_ME,
        cell=cell_of(lat, lng),
        category=category,
        count=count,
    )


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


# -- Coverage and the model


def test_a_cell_within_the_radius_is_covered_and_one_beyond_is_not():
    venue = cell_of(*HOME)
    near = cell_of(north(HOME[0], 800), HOME[1])
    far = cell_of(north(HOME[0], 1300), HOME[1])
    neighbours = siting.Neighbours({venue, near, far}, 1000)
    reached = neighbours.reached([venue])
    assert {c for c in neighbours.cells if reached[neighbours.index[c]]} == {
        venue,
        near,
    }


def test_the_ring_reaches_every_cell_within_the_radius():
    origin = cell_of(*HOME)
    ring = set(h3.grid_disk(origin, siting.ring_for(1000)))
    for bearing in range(0, 360, 15):
        for metres in (500, 900, 990):
            angle = math.radians(bearing)
            lat = HOME[0] + metres / 111_195 * math.cos(angle)
            lng = HOME[1] + metres * math.sin(angle) / (
                111_195 * math.cos(math.radians(HOME[0]))
            )
            assert cell_of(lat, lng) in ring


def random_problem(seed: int, *, cells=60, sites=25) -> siting.Problem:
    rng = random.Random(seed)  # noqa: S311 - test data
    weights = {f"d{i}": rng.randint(1, 50) for i in range(cells)}
    reach = {
        f"s{j}": rng.sample(sorted(weights), rng.randint(1, 8)) for j in range(sites)
    }
    return siting.Problem(weights, reach)


def best_by_brute_force(problem: siting.Problem, k: int) -> int:
    best = 0
    for sites in itertools.combinations(sorted(problem.reach), k):
        reached = {c for s in sites for c in problem.reach[s]}
        best = max(best, sum(problem.weights[c] for c in reached))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_the_solver_never_covers_less_than_greedy_and_finds_the_optimum(seed):
    problem = random_problem(seed)
    for k in (2, 3):
        solved = siting.solve(problem, k, seconds=10)
        assert solved.covered >= siting.greedy(problem, k).covered
        assert solved.covered == best_by_brute_force(problem, k)
        assert len(solved.sites) <= k
        assert solved.adds == sorted(solved.adds, reverse=True)


def test_in_a_large_network_the_solver_still_never_falls_below_greedy(settings):
    settings.SITING_SOLVER_CANDIDATES = 6
    problem = random_problem(3, sites=40)
    for k in (2, 4):
        solved = siting.solve(problem, k, seconds=5)
        assert solved.method == "solver"  # not proven over every candidate
        assert solved.covered >= siting.greedy(problem, k).covered


def test_greedy_is_the_fallback_without_the_solver(monkeypatch):
    monkeypatch.setitem(sys.modules, "highspy", None)  # import fails
    problem = random_problem(1)
    solved = siting.solve(problem, 3)
    assert solved.method == "greedy"
    assert solved.covered == siting.greedy(problem, 3).covered


def test_a_trap_for_greedy_is_solved_to_optimality():
    # Greedy takes the big middle site first, then can add only one side.
    problem = siting.Problem(
        {"a": 10, "b": 10, "c": 10, "d": 10, "e": 1},
        {"mid": ["b", "c", "e"], "left": ["a", "b"], "right": ["c", "d"]},
    )
    assert siting.greedy(problem, 2).covered == 31
    solved = siting.solve(problem, 2)
    assert (solved.method, solved.covered, solved.adds) == ("optimal", 40, [20, 20])
    assert sorted(solved.sites) == ["left", "right"]


# -- Recording demand: cells and counts only


def test_a_position_is_stored_as_its_cell_and_counted(db):
    demand_record(source=DemandSource.NEAR_ME, lat=29.95123, lng=122.30456)
    demand_record(source=DemandSource.NEAR_ME, lat=29.95124, lng=122.30457)
    row = DemandCount.objects.get()
    assert row.cell == h3.latlng_to_cell(29.95123, 122.30456, 9)
    assert row.count == 2
    stored = {f.name for f in DemandCount._meta.get_fields()}
    assert not stored & {"lat", "lng", "user", "session"}


def test_near_me_and_navigation_are_counted_as_demand(client, venue_a):
    client.get(reverse("venues:near"), {"lat": 29.95, "lng": 122.31})
    client.get(reverse("venues:navigate", args=[venue_a.pk, "amap"]))
    near = DemandCount.objects.get(source=DemandSource.NEAR_ME)
    assert near.cell == cell_of(29.95, 122.31) and near.venue is None
    hand_off = DemandCount.objects.get(source=DemandSource.NAVIGATION)
    assert (hand_off.venue, hand_off.category) == (venue_a, venue_a.category)


def test_a_booking_refused_for_lack_of_seats_is_counted(worker):
    from bookings.services import booking_create
    from qunxian.workflow import Refused
    from tests.bookings.conftest import at
    from tests.factories import bookable_space

    space = bookable_space(capacity=2)
    other = UserFactory()
    for person in (worker, other):
        try:
            booking_create(
                user=person,
                space=space,
                start=at(1, 10),
                headcount=2,
                purpose="班组学习",
                contact_phone=person.phone,
            )
        except Refused:
            pass
    row = DemandCount.objects.get(source=DemandSource.BOOKING_REFUSED)
    assert (row.venue, row.count, row.hour) == (space.venue, 1, 10)


def test_joining_a_waiting_list_is_counted(worker):
    from activities.services import signup_create
    from tests.activities.factories import ActivityFactory

    activity = ActivityFactory(seats=1)
    signup_create(activity=activity, user=UserFactory())
    assert not DemandCount.objects.exists()
    signup_create(activity=activity, user=worker)
    row = DemandCount.objects.get(source=DemandSource.WAITING_LIST)
    assert row.venue == activity.venue


def test_a_suggestion_to_a_venue_is_counted_as_a_facility_asked_for(worker, venue_a):
    from feedback.models import Appeal
    from feedback.services import appeal_submit

    appeal_submit(
        user=worker, venue=None, kind=Appeal.Kind.SUGGESTION, text="希望增设饮水机"
    )
    appeal_submit(
        user=worker, venue=venue_a, kind=Appeal.Kind.COMPLAINT, text="门口太暗"
    )
    assert not DemandCount.objects.exists()
    appeal_submit(
        user=worker, venue=venue_a, kind=Appeal.Kind.SUGGESTION, text="希望增设饮水机"
    )
    row = DemandCount.objects.get(source=DemandSource.FACILITY_REQUEST)
    assert (row.venue, row.cell) == (venue_a, cell_of(venue_a.lat, venue_a.lng))


# -- The snapshots


@pytest.fixture
def network(db):
    TownFactory(name="沈家门街道", lat=HOME[0], lng=HOME[1])
    TownFactory(name="桃花镇", lat=29.81, lng=122.28)
    VenueFactory(category=OUTDOOR, lat=HOME[0], lng=HOME[1])
    add_demand(*HOME, 40)
    add_demand(north(HOME[0], 600), HOME[1], 3)
    add_demand(29.81, 122.28, 70)  # 桃花镇: nothing near
    add_demand(29.812, 122.281, 20)
    add_demand(29.70, 122.50, 2)  # tiny and alone
    add_demand(29.81, 122.28, 500, days_ago=0)  # today has not ended
    return siting.compute_siting(categories=[OUTDOOR])[0]


def test_the_snapshot_counts_covered_demand_and_suggests_the_unserved_town(network):
    assert (network.demand_total, network.demand_covered) == (135, 43)
    towns = {t["town"]: t for t in network.data["towns"]}
    assert towns["桃花镇"]["covered"] == 0
    first = network.data["suggestions"]["1"]["sites"][0]
    assert (first["town"], first["adds"]) == ("桃花镇", 90)
    assert network.data["underserved"][0]["town"] == "桃花镇"


def test_an_admins_candidate_site_can_be_suggested(network):
    # Between 桃花镇's cells and one 1.6 km north: no cell with demand reaches both.
    add_demand(north(29.81, 1600), 122.28, 30)
    middle = north(29.81, 800)
    CandidateSite.objects.create(
        name="桃花港候船厅",
        category=OUTDOOR,
        lat=middle,
        lng=122.28,
        cell=cell_of(middle, 122.28),
    )
    CandidateSite.objects.create(
        name="别的类别",
        category=Venue.Category.YOUTH_HOME,
        lat=middle,
        lng=122.2801,
        cell=cell_of(middle, 122.2801),
    )
    snapshot = siting.compute_siting(categories=[OUTDOOR])[0]
    first = snapshot.data["suggestions"]["1"]["sites"][0]
    assert (first["candidate"], first["adds"]) == ("桃花港候船厅", 120)


def test_the_command_stores_a_snapshot_per_category(db, capsys):
    call_command("compute_siting")
    assert SitingSnapshot.objects.count() == len(Venue.Category.values)
    assert "snapshots" in capsys.readouterr().out


# -- The console


def test_the_page_shows_coverage_suggestions_and_hides_small_counts(
    network, admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        page = admin_client.get(reverse("console:siting"), {"k": 3})
    text = page.content.decode()
    assert page.status_code == 200
    assert "桃花镇" in text and "90" in text
    assert "&lt;5" in text  # the lone cell of 2
    lone = [c for c in page.context["underserved"] if c["demand"] == 2]
    assert [(c["demand_shown"], c["share"]) for c in lone] == [("<5", "—")]


def test_the_page_reads_the_same_queries_with_more_snapshots(
    network, admin_client, django_assert_max_num_queries
):
    for _run in range(3):
        siting.compute_siting()
    with django_assert_max_num_queries(6):
        assert admin_client.get(reverse("console:siting")).status_code == 200


def test_the_cells_are_geojson_with_small_counts_hidden(network, admin_client):
    data = admin_client.get(
        reverse("console:siting_cells"), {"category": OUTDOOR, "k": 2}
    ).json()
    cells = [f for f in data["features"] if f["properties"]["kind"] == "cell"]
    sites = [f for f in data["features"] if f["properties"]["kind"] == "site"]
    assert len(sites) == 2
    small = [c for c in cells if c["properties"]["demand"] == "<5"]
    assert small and all(c["properties"]["band"] == "small" for c in small)
    assert all(c["properties"]["share"] == "—" for c in small)


def test_a_bad_choice_in_the_query_falls_back_to_the_defaults(network, admin_client):
    page = admin_client.get(reverse("console:siting"), {"category": "x", "k": "99"})
    assert page.status_code == 200


def test_before_any_computation_the_page_says_how(admin_client):
    page = admin_client.get(reverse("console:siting"))
    assert "compute_siting" in page.content.decode()


def test_an_admin_adds_and_removes_a_candidate_site(admin_client):
    url = reverse("console:siting_candidates")
    page = admin_client.post(
        url, {"name": "桃花港", "category": OUTDOOR, "lat": 29.80, "lng": 122.30}
    )
    assert page.status_code == 302
    site = CandidateSite.objects.get()
    assert site.cell == cell_of(29.80, 122.30)
    assert AuditEntry.objects.filter(action="candidate.add").exists()
    admin_client.post(reverse("console:siting_candidate_remove", args=[site.pk]))
    assert not CandidateSite.objects.exists()


def test_a_candidate_outside_the_district_is_refused(admin_client):
    page = admin_client.post(
        reverse("console:siting_candidates"),
        {"name": "北京", "category": "", "lat": 39.9, "lng": 116.4},
    )
    assert page.status_code == 200
    assert page.context["form"].errors["lat"]
    assert not CandidateSite.objects.exists()


def csv_file(text: str, name="demand.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_uploaded_demand_is_previewed_with_row_errors_then_added(admin_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    cell = cell_of(29.95, 122.30)
    body = (
        "cell,lat,lng,count,category\n"
        f"{cell},,,12,outdoor_station\n"
        ",29.81,122.28,30,\n"
        ",39.9,116.4,5,\n"  # outside the district
        "nonsense,,,4,\n"
        ",29.81,122.28,-3,\n"
        ",29.81,122.28,7,no such\n"
    )
    page = admin_client.post(
        reverse("console:demand_upload"), {"file": csv_file(body), "date": yesterday}
    )
    assert page.status_code == 302
    preview = admin_client.get(page["Location"])
    assert preview.context["good_count"] == 2
    assert preview.context["bad_count"] == 4
    assert not DemandCount.objects.exists()
    token = preview.context["token"]
    done = admin_client.post(reverse("console:demand_upload_confirm", args=[token]))
    assert done.status_code == 302
    rows = {row.cell: row for row in DemandCount.objects.all()}
    assert rows[cell].count == 12 and rows[cell].category == OUTDOOR
    assert rows[cell_of(29.81, 122.28)].count == 30
    assert all(row.source == DemandSource.UPLOADED for row in rows.values())
    assert AuditEntry.objects.filter(action="demand.upload").exists()
    again = admin_client.post(reverse("console:demand_upload_confirm", args=[token]))
    assert again.status_code == 302 and DemandCount.objects.count() == 2


@pytest.mark.parametrize(
    "body",
    ["", "a,b\n1,2\n", "count\n5\n", b"\x00\x01".decode()],
)
def test_a_file_without_usable_columns_is_refused(admin_client, body):
    page = admin_client.post(
        reverse("console:demand_upload"),
        {"file": csv_file(body or " "), "date": timezone.localdate()},
    )
    assert page.status_code == 200
    assert page.context["form"].errors["file"]


def test_a_date_far_back_is_refused(admin_client):
    page = admin_client.post(
        reverse("console:demand_upload"),
        {"file": csv_file("cell,count\n"), "date": "2020-01-01"},
    )
    assert page.context["form"].errors["date"]


def test_near_me_counts_wait_in_the_process_and_are_written_together(
    db, client, settings, django_assert_max_num_queries
):
    settings.DEMAND_WRITE_SECONDS = 10
    VenueFactory()
    demand.write_pending_demand()  # starts the interval now
    url = reverse("venues:near")
    with django_assert_max_num_queries(10) as queries:
        assert client.get(url, {"lat": 29.95123, "lng": 122.30456}).status_code == 200
    assert all(q["sql"].startswith("SELECT") for q in queries.captured_queries)
    client.get(url, {"lat": 29.95123, "lng": 122.30456})
    assert not DemandCount.objects.exists()
    demand._written_at[0] -= 10  # ten seconds later
    client.get(url, {"lat": 29.95123, "lng": 122.30456})
    row = DemandCount.objects.get()
    assert (row.source, row.count) == (DemandSource.NEAR_ME, 3)
    client.get(url, {"lat": 29.95123, "lng": 122.30456})
    demand.write_pending_demand()  # as when the process exits
    assert DemandCount.objects.get().count == 4
    demand._written_at[0] += 10**9  # a clock set back: written at once
    client.get(url, {"lat": 29.95123, "lng": 122.30456})
    assert DemandCount.objects.get().count == 5
