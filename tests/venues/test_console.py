"""The system-admin console: venues, organisations and managers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qunxian.models import AuditEntry, User
from qunxian.services import user_create
from tests.factories import (
    PASSWORD,
    AdminFactory,
    FacilityFactory,
    OrganizationFactory,
    TownFactory,
    UserFactory,
    VenueFactory,
)
from venues.models import Organization, Venue
from venues.services import venue_add_manager, venue_remove_manager, venue_update

NEW_PASSWORD = "tide-lantern-4821"


@pytest.fixture
def console(client, admin_user):
    client.force_login(admin_user)
    return client


def venue_form(**overrides):
    organization = OrganizationFactory()
    town = TownFactory()
    data = {
        "name": "东港职工之家",
        "organization": organization.pk,
        "category": Venue.Category.WORKERS_HOME,
        "town": town.pk,
        "address": "东港街道海莲路1号",
        "lat": "29.9411",
        "lng": "122.3357",
        "phone": "0580-3000000",
        "description": "",
        "is_bookable": "",
        "facilities": [],
    }
    data.update(overrides)
    return data


def entries(action=None):
    queryset = AuditEntry.objects.all()
    return queryset.filter(action=action) if action else queryset


# -- Venues


def test_admin_creates_a_venue_and_the_log_says_who(console, admin_user):
    water = FacilityFactory()
    response = console.post(
        reverse("console:venue_create"),
        venue_form(facilities=[water.pk], is_bookable="on"),
    )
    venue = Venue.objects.get(name="东港职工之家")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:venue_edit", args=[venue.pk])
    assert (venue.lat, venue.lng) == (29.9411, 122.3357)
    assert venue.is_bookable
    assert venue.status == Venue.Status.ACTIVE
    assert list(venue.facilities.all()) == [water]
    entry = entries("venue.create").get()
    assert (entry.actor, entry.subject_id) == (admin_user, venue.pk)


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        ("95", "122.3"),  # beyond the pole
        ("29.9", "190"),
        ("122.3357", "29.9411"),  # swapped
        ("51.5", "-0.12"),  # London: not a venue of the district
        ("abc", "122.3"),
        ("nan", "122.3"),
        ("inf", "122.3"),
        ("", "122.3"),
    ],
)
def test_bad_coordinates_are_a_form_error_and_nothing_is_saved(console, lat, lng):
    response = console.post(
        reverse("console:venue_create"), venue_form(lat=lat, lng=lng)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"lat", "lng"} & set(form.errors)
    assert not Venue.objects.exists()
    assert not entries().exists()


def test_create_page_offers_the_map_picker_without_inline_script(console, settings):
    settings.MAP_TILE_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    page = console.get(reverse("console:venue_create")).content.decode()
    assert "data-pick-location" in page
    assert 'data-tiles="https://tiles.example.cn/{z}/{x}/{y}.png"' in page
    assert "js/pick-location.js" in page
    assert "leaflet/leaflet.js" in page
    assert "<script>" not in page
    assert " style=" not in page


def test_editing_a_venue_saves_it_and_logs_old_and_new(console, admin_user, venue_a):
    data = venue_form(
        name="场所甲（新）",
        organization=venue_a.organization_id,
        town=venue_a.town_id,
        address=venue_a.address,
        lat="29.95",
        lng="122.31",
    )
    response = console.post(reverse("console:venue_edit", args=[venue_a.pk]), data)
    assert response.status_code == 302
    venue_a.refresh_from_db()
    assert (venue_a.name, venue_a.lat, venue_a.lng) == ("场所甲（新）", 29.95, 122.31)
    entry = entries("venue.update").get()
    assert entry.actor == admin_user
    assert "name: 场所甲 → 场所甲（新）" in entry.details
    assert "lat: 29.952 → 29.95" in entry.details


def test_editing_with_bad_coordinates_changes_nothing(console, venue_a):
    data = venue_form(name="改名", lat="300", organization=venue_a.organization_id)
    response = console.post(reverse("console:venue_edit", args=[venue_a.pk]), data)
    assert response.status_code == 200
    assert "lat" in response.context["form"].errors
    assert response.context["venue"].name == "场所甲"  # the page shows it as stored
    venue_a.refresh_from_db()
    assert (venue_a.name, venue_a.lat) == ("场所甲", 29.952)
    assert not entries().exists()


def test_saving_without_changes_writes_no_log_entry(admin_user, venue_a):
    venue_update(
        venue=venue_a, actor=admin_user, data={"name": "场所甲", "lat": 29.952}
    )
    assert not entries().exists()


def test_edit_page_shows_the_venues_recent_history(console, admin_user, venue_a):
    venue_update(venue=venue_a, actor=admin_user, data={"phone": "0580-1234567"})
    other = VenueFactory()
    venue_update(venue=other, actor=admin_user, data={"phone": "0580-7654321"})
    response = console.get(reverse("console:venue_edit", args=[venue_a.pk]))
    history = response.context["history"]
    assert [entry.subject_id for entry in history] == [venue_a.pk]
    page = response.content.decode()
    assert "0580-1234567" in page
    assert "区管理员" in page


def test_edit_of_a_missing_venue_is_404(console):
    assert console.get(reverse("console:venue_edit", args=[999])).status_code == 404


def user_end_sees(client, venue) -> dict:
    """What an anonymous visitor sees (pages may come from the cache)."""
    listing = client.get(reverse("venues:list")).content.decode()
    features = client.get(reverse("venues:geojson")).json()["features"]
    return {
        "detail": client.get(reverse("venues:detail", args=[venue.pk])).status_code,
        "list": f'href="{venue.get_absolute_url()}"' in listing,
        "geojson": venue.pk in [feature["id"] for feature in features],
    }


def test_suspension_hides_the_venue_and_reactivation_brings_it_back(
    client, admin_user, venue_a, venue_b, django_capture_on_commit_callbacks
):
    visible = {"detail": 200, "list": True, "geojson": True}
    assert user_end_sees(client, venue_a) == visible

    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("console:venue_suspend", args=[venue_a.pk]), {"reason": "消防整改"}
        )
    assert response.status_code == 302
    venue_a.refresh_from_db()
    assert (venue_a.status, venue_a.status_reason) == ("suspended", "消防整改")
    entry = entries("venue.suspend").get()
    assert (entry.actor, entry.details) == (admin_user, "消防整改")

    client.logout()
    assert user_end_sees(client, venue_a) == {
        "detail": 404,
        "list": False,
        "geojson": False,
    }
    assert user_end_sees(client, venue_b) == visible

    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("console:venue_reactivate", args=[venue_a.pk]),
            {"reason": "整改完成"},
        )
    assert response.status_code == 302
    assert entries("venue.reactivate").get().actor == admin_user
    client.logout()
    assert user_end_sees(client, venue_a) == visible


@pytest.mark.parametrize("reason", ["", "   "])
def test_suspending_without_a_reason_changes_nothing(console, venue_a, reason):
    response = console.post(
        reverse("console:venue_suspend", args=[venue_a.pk]), {"reason": reason}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    venue_a.refresh_from_db()
    assert venue_a.status == Venue.Status.ACTIVE
    assert not entries().exists()


def test_reactivating_an_active_venue_is_refused(console, venue_a):
    response = console.post(
        reverse("console:venue_reactivate", args=[venue_a.pk]), {"reason": "再开"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not entries().exists()


def test_venue_list_shows_every_status_with_its_managers(console, manager_a, venue_a):
    suspended = VenueFactory(name="停用场所", status=Venue.Status.SUSPENDED)
    response = console.get(reverse("console:venue_list"))
    assert {venue.pk for venue in response.context["venues"]} == {
        venue_a.pk,
        suspended.pk,
    }
    assert "甲站长" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "海港"}, {"海港驿站"}),
        ({"status": "suspended"}, {"停用场所"}),
        ({"category": "youth_home"}, {"青年之家"}),
        ({"town": "town"}, {"青年之家"}),
        ({"organization": "organization"}, {"青年之家"}),
    ],
)
def test_venue_list_filters(console, query, expected):
    youth = OrganizationFactory(name="团区委", kind=Organization.Kind.YOUTH)
    town = TownFactory(name="朱家尖街道")
    VenueFactory(name="海港驿站")
    VenueFactory(name="停用场所", status=Venue.Status.SUSPENDED)
    VenueFactory(name="青年之家", category="youth_home", organization=youth, town=town)
    query = {
        key: {"town": town.pk, "organization": youth.pk}.get(value, value)
        for key, value in query.items()
    }
    response = console.get(reverse("console:venue_list"), query)
    assert {venue.name for venue in response.context["venues"]} == expected


def test_venue_list_pages_without_counting(console):
    VenueFactory.create_batch(30)
    first = console.get(reverse("console:venue_list"))
    assert len(first.context["venues"]) == 25
    assert first.context["has_next"]
    second = console.get(reverse("console:venue_list"), {"page": 2})
    assert len(second.context["venues"]) == 5
    assert not second.context["has_next"]
    assert console.get(reverse("console:venue_list"), {"page": "x"}).status_code == 200


def venue_list_queries(client, count) -> int:
    for venue in VenueFactory.create_batch(count):
        venue.managers.add(*UserFactory.create_batch(2))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("console:venue_list"))
    assert response.status_code == 200
    return len(queries)


def test_venue_list_query_count_does_not_grow(
    console, django_assert_max_num_queries, admin_user
):
    few = venue_list_queries(console, 5)
    Venue.objects.all().delete()
    many = venue_list_queries(console, 35)
    assert few == many
    with django_assert_max_num_queries(12):
        console.get(reverse("console:venue_list"))


# -- Organisations


def test_admin_creates_an_organisation(console, admin_user):
    response = console.post(
        reverse("console:organization_create"),
        {"name": "普陀区科协", "kind": "science"},
    )
    assert response.status_code == 302
    organization = Organization.objects.get(name="普陀区科协")
    assert organization.kind == "science"
    assert entries("organization.create").get().actor == admin_user


def test_editing_an_organisation_logs_the_change(console, admin_user, venue_a):
    response = console.post(
        reverse("console:organization_edit", args=[venue_a.organization_id]),
        {"name": "普陀区总工会（新）", "kind": "union"},
    )
    assert response.status_code == 302
    assert Organization.objects.get(pk=venue_a.organization_id).name.endswith("（新）")
    entry = entries("organization.update").get()
    assert entry.actor == admin_user
    assert "普陀区总工会 → 普陀区总工会（新）" in entry.details


def test_duplicate_organisation_name_is_a_form_error(console, venue_a):
    youth = OrganizationFactory(name="团区委", kind=Organization.Kind.YOUTH)
    response = console.post(
        reverse("console:organization_create"), {"name": "团区委", "kind": "youth"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    response = console.post(
        reverse("console:organization_edit", args=[youth.pk]),
        {"name": "普陀区总工会", "kind": "youth"},
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert sorted(Organization.objects.values_list("name", flat=True)) == sorted(
        ["团区委", "普陀区总工会"]
    )
    assert not entries().exists()


def test_unknown_organisation_kind_is_a_form_error(console):
    response = console.post(
        reverse("console:organization_create"), {"name": "某协会", "kind": "guild"}
    )
    assert response.status_code == 200
    assert not Organization.objects.exists()


# -- Venue managers


def manager_form(venue, **overrides):
    data = {
        "phone": "13800138000",
        "display_name": "新站长",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "venues": [venue.pk],
    }
    data.update(overrides)
    return data


def test_created_manager_can_log_in_and_sees_their_venue(
    client, admin_user, venue_a, venue_b
):
    client.force_login(admin_user)
    response = client.post(reverse("console:manager_create"), manager_form(venue_a))
    user = User.objects.get(phone="13800138000")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:manager_detail", args=[user.pk])
    assert user.display_name == "新站长"
    assert list(user.managed_venues.all()) == [venue_a]
    assert entries("user.create").get().actor == admin_user
    assert entries("venue.add_manager").get().actor == admin_user

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "13800138000", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    response = client.get(reverse("manage:venue_list"))
    assert response.status_code == 200
    assert list(response.context["venues"]) == [venue_a]


@pytest.mark.parametrize(
    "overrides",
    [
        {"phone": "12345"},
        {"phone": "12800138000"},
        {"phone": "13900000001"},  # taken by the worker below
        {"password1": "12345678", "password2": "12345678"},  # numeric and common
        {"password1": "short", "password2": "short"},
        {"password1": "password", "password2": "password"},
        {"password2": "tide-lantern-4822"},
        {"display_name": ""},
        {"venues": []},
        {"venues": [999]},
    ],
)
def test_bad_manager_account_input_changes_nothing(console, venue_a, overrides):
    UserFactory(phone="13900000001")
    users = User.objects.count()
    response = console.post(
        reverse("console:manager_create"), manager_form(venue_a, **overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert User.objects.count() == users
    assert not venue_a.managers.exists()
    assert not entries().exists()


def test_user_create_refuses_a_weak_password_and_a_taken_number(admin_user):
    with pytest.raises(ValidationError):
        user_create(
            phone="13800138000", display_name="x", password="123", actor=admin_user
        )
    UserFactory(phone="13800138001")
    with pytest.raises(ValidationError):
        user_create(
            phone="13800138001",
            display_name="x",
            password=NEW_PASSWORD,
            actor=admin_user,
        )
    assert not entries().exists()


def test_admin_names_an_existing_user_by_their_number(console, admin_user, worker):
    venue = VenueFactory()
    response = console.post(
        reverse("console:manager_pick"),
        {"phone": f"+86 {worker.phone}", "venues": [venue.pk]},
    )
    assert response.status_code == 302
    assert list(worker.managed_venues.all()) == [venue]
    entry = entries("venue.add_manager").get()
    assert (entry.actor, entry.subject_id) == (admin_user, venue.pk)


@pytest.mark.parametrize("phone", ["13700000000", "123", ""])
def test_picking_an_unknown_or_bad_number_changes_nothing(console, worker, phone):
    venue = VenueFactory()
    response = console.post(
        reverse("console:manager_pick"), {"phone": phone, "venues": [venue.pk]}
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert not venue.managers.exists()
    assert not entries().exists()


def test_picking_a_deactivated_user_is_refused(console, worker):
    worker.is_active = False
    worker.save()
    venue = VenueFactory()
    response = console.post(
        reverse("console:manager_pick"), {"phone": worker.phone, "venues": [venue.pk]}
    )
    assert response.status_code == 200
    assert not venue.managers.exists()


def test_manager_list_shows_managers_with_their_venues(console, manager_a, worker):
    response = console.get(reverse("console:manager_list"))
    assert list(response.context["managers"]) == [manager_a]
    page = response.content.decode()
    assert "甲站长" in page and "场所甲" in page
    assert worker.display_name not in page


def test_admin_assigns_another_venue(console, admin_user, manager_a, venue_a, venue_b):
    response = console.post(
        reverse("console:manager_assign", args=[manager_a.pk]), {"venue": venue_b.pk}
    )
    assert response.status_code == 302
    assert set(manager_a.managed_venues.all()) == {venue_a, venue_b}
    assert entries("venue.add_manager").get().subject_id == venue_b.pk


def test_assigning_nothing_is_a_form_error(console, manager_a, venue_a):
    response = console.post(reverse("console:manager_assign", args=[manager_a.pk]))
    assert response.status_code == 200
    assert "venue" in response.context["assign_form"].errors
    assert list(manager_a.managed_venues.all()) == [venue_a]
    assert not entries().exists()


def test_unassigning_removes_access(client, admin_user, manager_a, venue_a):
    client.force_login(admin_user)
    response = client.post(
        reverse("console:manager_unassign", args=[manager_a.pk]), {"venue": venue_a.pk}
    )
    assert response.status_code == 302
    assert not manager_a.managed_venues.exists()
    entry = entries("venue.remove_manager").get()
    assert (entry.actor, entry.subject_id) == (admin_user, venue_a.pk)
    client.force_login(manager_a)
    assert client.get(reverse("manage:home")).status_code == 403


def test_unassigning_a_venue_they_do_not_manage_changes_nothing(
    console, manager_a, venue_a, venue_b
):
    console.post(
        reverse("console:manager_unassign", args=[manager_a.pk]), {"venue": venue_b.pk}
    )
    assert list(manager_a.managed_venues.all()) == [venue_a]
    assert not entries().exists()


def test_naming_a_manager_twice_records_it_once(admin_user, manager_a, venue_a):
    venue_add_manager(venue=venue_a, user=manager_a, actor=admin_user)
    venue_remove_manager(venue=VenueFactory(), user=manager_a, actor=admin_user)
    assert not entries().exists()


def test_deactivated_user_cannot_manage_a_venue(admin_user, worker, venue_a):
    worker.is_active = False
    worker.save()
    with pytest.raises(ValidationError):
        venue_add_manager(venue=venue_a, user=worker, actor=admin_user)
    assert not venue_a.managers.exists()


def test_deactivation_ends_access_and_log_in(client, admin_user, manager_a, venue_a):
    client.force_login(manager_a)
    assert client.get(reverse("manage:home")).status_code == 200

    admin = client.__class__()
    admin.force_login(admin_user)
    response = admin.post(reverse("console:manager_deactivate", args=[manager_a.pk]))
    assert response.status_code == 302
    manager_a.refresh_from_db()
    assert not manager_a.is_active
    assert not venue_a.managers.exists()
    assert entries("user.deactivate").get().actor == admin_user
    assert entries("venue.remove_manager").get().subject_id == venue_a.pk

    # The session they had is over, and a new log-in is refused.
    response = client.get(reverse("manage:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    fresh = client.__class__()
    fresh.post(
        reverse("account_login"), {"login": manager_a.phone, "password": PASSWORD}
    )
    assert "_auth_user_id" not in fresh.session
    assert fresh.get(reverse("profile")).status_code == 302


def test_admin_cannot_deactivate_themselves_a_superuser_or_another_admin(
    console, admin_user
):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    other_admin = AdminFactory()
    for person in (admin_user, superuser, other_admin):
        response = console.post(reverse("console:manager_deactivate", args=[person.pk]))
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.is_active
    assert not entries().exists()


# -- Who may act


POSTS = [
    ("console:venue_create", lambda f: {}, lambda f: venue_form()),
    (
        "console:venue_edit",
        lambda f: {"pk": f["venue_a"].pk},
        lambda f: venue_form(name="x"),
    ),
    (
        "console:venue_suspend",
        lambda f: {"pk": f["venue_a"].pk},
        lambda f: {"reason": "x"},
    ),
    (
        "console:organization_create",
        lambda f: {},
        lambda f: {"name": "x", "kind": "other"},
    ),
    (
        "console:manager_create",
        lambda f: {},
        lambda f: manager_form(f["venue_a"], phone="13700000009"),
    ),
    (
        "console:manager_pick",
        lambda f: {},
        lambda f: {"phone": f["worker"].phone, "venues": [f["venue_a"].pk]},
    ),
    (
        "console:manager_assign",
        lambda f: {"pk": f["worker"].pk},
        lambda f: {"venue": f["venue_a"].pk},
    ),
    (
        "console:manager_unassign",
        lambda f: {"pk": f["manager_a"].pk},
        lambda f: {"venue": f["venue_a"].pk},
    ),
    ("console:manager_deactivate", lambda f: {"pk": f["manager_a"].pk}, lambda f: {}),
]


@pytest.fixture
def people(worker, manager_a, venue_a):
    return {"worker": worker, "manager_a": manager_a, "venue_a": venue_a}


@pytest.mark.parametrize(("name", "kwargs", "data"), POSTS, ids=[p[0] for p in POSTS])
def test_non_admins_cannot_change_anything(client, people, name, kwargs, data):
    url = reverse(name, kwargs=kwargs(people))
    response = client.post(url, data(people))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    for role in ("worker", "manager_a"):
        client.force_login(people[role])
        assert client.post(url, data(people)).status_code == 403
    assert not entries().exists()
    people["venue_a"].refresh_from_db()
    assert people["venue_a"].name == "场所甲"
    assert people["venue_a"].status == Venue.Status.ACTIVE
    assert list(people["venue_a"].managers.all()) == [people["manager_a"]]
