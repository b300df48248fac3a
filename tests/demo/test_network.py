"""The venue network and the accounts: the Putuo district as data/ describes it."""

import csv
import math
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from demo.loaders.accounts import PUGONG_STATION
from demo.loaders.venues import STAT_DAYS, TOWNS_CSV, VENUES_CSV
from qunxian.models import User
from qunxian.roles import (
    SYSTEM_ADMIN_GROUP,
    is_organization_admin,
    is_system_admin,
    is_venue_manager,
)
from venues.models import (
    Facility,
    Organization,
    Town,
    Venue,
    VenueDailyStat,
    VenuePhoto,
)
from venues.permissions import console_venues

pytestmark = pytest.mark.django_db


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def km(lat1, lng1, lat2, lng2) -> float:
    dy = (lat1 - lat2) * 111.0
    dx = (lng1 - lng2) * 111.0 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def test_the_network_as_published(demo):
    assert Venue.objects.count() == 47
    assert Venue.objects.filter(organization__kind="union").count() == 22
    assert Venue.objects.filter(organization__name="普陀区总工会").count() == 22
    assert (demo["venues"], demo["union_venues"]) == (47, 22)
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
    assert station.town.name == "展茅街道"
    assert "黄杨尖村" in station.address
    assert station.organization.kind == "union"
    assert station.category == Venue.Category.OUTDOOR_STATION

    # Most venues in the district seat, at most one on the remote Dongji islands.
    towns = {t.name: t.venues.count() for t in Town.objects.all()}
    assert max(towns, key=towns.get) == "沈家门街道"
    assert towns["东极镇"] <= 1


def test_every_venue_of_the_data_file_is_loaded_where_it_says(demo):
    centres = {row["town"]: row for row in rows(TOWNS_CSV)}
    file_rows = rows(VENUES_CSV)
    assert len(file_rows) == 47
    for row in file_rows:
        venue = Venue.objects.select_related("town", "organization").get(
            name=row["name"]
        )
        assert (venue.lat, venue.lng) == (float(row["lat"]), float(row["lng"]))
        assert (venue.address, venue.phone) == (row["address"], row["phone"])
        assert venue.organization.name == row["organization"]
        assert venue.town.name == row["town"]
        assert venue.is_bookable == bool(row["spaces"])
        centre = centres[row["town"]]
        centre = (float(centre["lat"]), float(centre["lng"]))
        assert km(venue.lat, venue.lng, *centre) < 2.5


def test_every_venue_is_complete_and_in_the_district(demo):
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
    assert Path(photo.image.path).is_file()
    assert Path(photo.thumbnail.path).is_file()
    assert photo.width > photo.height > 0
    assert demo["photos_created"] == demo["photos"] == VenuePhoto.objects.count()

    # Up to yesterday; today's row counts the activities checked in.
    past = VenueDailyStat.objects.filter(date__lt=timezone.localdate())
    assert past.count() == 47 * STAT_DAYS


def test_demo_accounts_work_with_the_printed_passwords(demo):
    accounts = {a["role"]: a for a in demo["accounts"]}
    assert set(accounts) == {
        "worker",
        "manager",
        "system_admin",
        "organization_admin",
        "representative",
    }
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
    assert Group.objects.count() == 1

    # The women's federation's staff member runs its 8 venues and its console.
    women = User.objects.get(username="demo_staff_women")
    assert is_organization_admin(women)
    assert not is_system_admin(women)
    federation = console_venues(women)
    assert federation.count() == 8
    assert set(federation.values_list("organization__name", flat=True)) == {
        "普陀区妇女联合会"
    }
    assert set(Venue.objects.managed_by(women)) == set(federation)

    # Every venue is run by someone, so its bookings and feedback are decided.
    assert not Venue.objects.filter(managers=None).exists()
    others = User.objects.exclude(
        username__in=[
            "worker",
            "manager",
            "admin",
            "demo_staff_women",
            "representative",
        ]
    )
    assert not any(user.has_usable_password() for user in others)


def test_command_prints_accounts_and_urls_and_no_mail(
    db, settings, capsys, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    User.objects.create(username="worker", phone="13800000001", email="li@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    out = capsys.readouterr().out
    for text in (
        "worker-demo-2026",
        "manager-demo-2026",
        "admin-demo-2026",
        "women-demo-2026",
        "13800000003",
        "http://127.0.0.1:8000/",
        "/manage/",
        "/console/",
    ):
        assert text in out
    # The console e-mail backend would have printed the messages here.
    assert "Subject:" not in out and "li@example.org" not in out
