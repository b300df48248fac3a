"""The demo loader: the Putuo network as published, written idempotently."""

from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from qunxian.roles import SYSTEM_ADMIN_GROUP, is_system_admin, is_venue_manager
from venues.demo import PUGONG_STATION, STAT_DAYS, load_demo
from venues.models import (
    Closure,
    Facility,
    OpeningHours,
    Organization,
    Space,
    Town,
    Venue,
    VenueDailyStat,
    VenuePhoto,
)

User = get_user_model()


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # The accounts are what is tested here, not the hasher: keep hashing cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return load_demo()


def snapshot() -> dict[str, object]:
    return {
        "venues": Venue.objects.count(),
        "spaces": Space.objects.count(),
        "hours": OpeningHours.objects.count(),
        "closures": Closure.objects.count(),
        "photos": VenuePhoto.objects.count(),
        "users": User.objects.count(),
        "groups": Group.objects.count(),
        "organizations": Organization.objects.count(),
        "facilities": Facility.objects.count(),
        "venue_facilities": Venue.facilities.through.objects.count(),
        "venue_managers": Venue.managers.through.objects.count(),
        "towns": Town.objects.count(),
        "stats": VenueDailyStat.objects.count(),
        "coordinates": sorted(Venue.objects.values_list("name", "lat", "lng")),
        "views": sorted(VenueDailyStat.objects.values_list("venue__name", "views")),
    }


@pytest.mark.django_db
def test_the_network_as_published(demo, tmp_path):
    assert Venue.objects.count() == 47
    assert Venue.objects.filter(organization__kind="union").count() == 22
    assert Venue.objects.filter(organization__name="普陀区总工会").count() == 22
    assert demo["venues"] == 47
    assert demo["union_venues"] == 22
    assert Town.objects.count() == 10
    assert Facility.objects.count() == 12
    assert {o.kind for o in Organization.objects.all()} == {
        "union",
        "youth",
        "women",
        "science",
        "other",
    }

    station = Venue.objects.get(name=PUGONG_STATION)
    assert "普工@家" in station.name
    assert station.town.name == "展茅街道"
    assert "黄杨尖村" in station.address
    assert station.organization.kind == "union"
    assert station.category == Venue.Category.OUTDOOR_STATION

    # Most venues in the district seat, at most one on the remote Dongji islands.
    towns = {t.name: t.venues.count() for t in Town.objects.all()}
    assert max(towns, key=towns.get) == "沈家门街道"
    assert towns["东极镇"] <= 1


@pytest.mark.django_db
def test_every_venue_is_complete_and_in_the_district(demo, tmp_path):
    for venue in Venue.objects.prefetch_related("spaces", "hours", "photos"):
        assert 29.6 <= venue.lat <= 30.3, venue.name
        assert 122.0 <= venue.lng <= 122.8, venue.name
        assert venue.phone.startswith("0580-"), venue.name
        assert venue.description, venue.name
        assert venue.hours.all(), venue.name
        assert 1 <= len(venue.photos.all()) <= 2, venue.name
        spaces = len(venue.spaces.all())
        assert (1 <= spaces <= 3) if venue.is_bookable else spaces == 0, venue.name
    assert 15 <= Venue.objects.filter(is_bookable=True).count() <= 25

    photo = VenuePhoto.objects.first()
    assert Path(photo.image.path).is_relative_to(tmp_path)
    assert Path(photo.image.path).is_file()
    assert Path(photo.thumbnail.path).is_file()
    assert photo.width > photo.height > 0

    assert VenueDailyStat.objects.count() == 47 * STAT_DAYS


@pytest.mark.django_db
def test_running_twice_changes_nothing(demo):
    before = snapshot()
    again = load_demo()
    assert snapshot() == before
    assert again["photos_created"] == 0
    assert again["photos"] == demo["photos"]


@pytest.mark.django_db
def test_demo_accounts_work_with_the_printed_passwords(demo):
    accounts = {a["role"]: a for a in demo["accounts"]}
    assert set(accounts) == {"worker", "manager", "system_admin"}
    for account in accounts.values():
        user = authenticate(username=account["username"], password=account["password"])
        assert user is not None, account["username"]
        assert user.phone == account["phone"]

    worker = User.objects.get(username="worker")
    assert (worker.phone, worker.display_name) == ("13800000001", "李师傅")
    assert not is_venue_manager(worker)
    assert not is_system_admin(worker)

    manager = User.objects.get(username="manager")
    managed = Venue.objects.managed_by(manager)
    assert managed.count() == 3
    assert managed.filter(name=PUGONG_STATION).exists()
    assert managed.filter(town__name="沈家门街道").count() == 2
    assert managed.filter(is_bookable=True).exists()

    admin = User.objects.get(username="admin")
    assert admin.groups.filter(name=SYSTEM_ADMIN_GROUP).exists()
    assert not admin.is_superuser
    assert is_system_admin(admin)


@pytest.mark.django_db
def test_command_prints_accounts_and_urls(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo")
    out = capsys.readouterr().out
    for text in (
        "manager-demo-2026",
        "13800000003",
        "http://127.0.0.1:8000/",
        "/manage/",
        "/console/",
    ):
        assert text in out
