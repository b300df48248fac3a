"""The venue-manager end for venues: info, hours, closures, spaces, photos."""

import datetime
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from qunxian.models import AuditEntry
from tests.factories import (
    ClosureFactory,
    FacilityFactory,
    OpeningHoursFactory,
    SpaceFactory,
    VenueFactory,
    VenuePhotoFactory,
)
from venues.models import Closure, OpeningHours, Space, Venue, VenuePhoto

GPS_IFD = 0x8825
TODAY = timezone.localdate
ONE_DAY = datetime.timedelta(days=1)


# --- helpers -----------------------------------------------------------------


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def snapshot(venue: Venue) -> dict:
    """What a refused request must leave as it was."""
    venue = Venue.objects.get(pk=venue.pk)
    return {
        "venue": [
            getattr(venue, f)
            for f in ("phone", "description", "address", "lat", "lng", "is_bookable")
        ],
        "facilities": sorted(venue.facilities.values_list("pk", flat=True)),
        "hours": list(OpeningHours.objects.values_list("weekday", "opens", "closes")),
        "closures": list(Closure.objects.values_list("pk", "start_date", "end_date")),
        "spaces": list(
            Space.objects.values_list("pk", "name", "capacity", "is_active")
        ),
        "photos": list(VenuePhoto.objects.values_list("pk", "position", "caption")),
        "audit": AuditEntry.objects.count(),
        "files": media_files(),
    }


def audited(action: str, venue: Venue) -> bool:
    return AuditEntry.objects.filter(
        action=action, subject_type="venue", subject_id=venue.pk
    ).exists()


def jpeg(size=(640, 480), colour=(200, 30, 30), **params) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", **params)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (29.0, 57.0, 5.0), 3: "E", 4: (122.0, 18.0, 9.0)}
    )
    return jpeg(exif=exif)


def noisy_jpeg() -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (256, 256), os.urandom(256 * 256 * 3)).save(out, "JPEG")
    return out.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_claiming(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b""))
        + png_chunk(b"IEND", b"")
    )


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def hours_data(rows) -> dict:
    """POST data of the week grid; a row is (weekday, opens, closes), in the
    day's periods in order."""
    data = {"week": "1"}
    used = dict.fromkeys(range(7), 0)
    for weekday, opens, closes in rows:
        n = used[weekday]
        used[weekday] += 1
        data |= {f"d{weekday}-{n}-opens": opens, f"d{weekday}-{n}-closes": closes}
    return data


def venue_data(**overrides) -> dict:
    return {
        "phone": "0580-3012345",
        "address": "沈家门街道新街1号",
        "description": "提供饮水、微波炉和休息座椅。",
        "lat": "29.9531",
        "lng": "122.3012",
        "is_bookable": "on",
        **overrides,
    }


def space_data(**overrides) -> dict:
    return {
        "name": "多功能厅",
        "capacity": "30",
        "is_exclusive": "on",
        "description": "可容纳30人",
        "is_active": "on",
        **overrides,
    }


def error_codes(response) -> set[str]:
    """Codes of the errors of the page's form (or formset), whatever the language."""
    form = response.context["form"]
    found = [e for errors in form.errors.as_data().values() for e in errors]
    return {e.code for e in found}


@pytest.fixture
def client_a(client, manager_a):
    client.force_login(manager_a)
    return client


# --- dashboard ---------------------------------------------------------------


def test_dashboard_links_each_venue_to_its_pages(client_a, venue_a):
    response = client_a.get(reverse("manage:venue_list"))
    for name in ("venue_edit", "venue_hours", "venue_closures", "venue_spaces"):
        assert reverse(f"manage:{name}", args=[venue_a.pk]) in response.text
    assert reverse("manage:venue_photos", args=[venue_a.pk]) in response.text


# --- venue information ---------------------------------------------------------


def test_edit_page_shows_current_values(client_a, venue_a):
    response = client_a.get(reverse("manage:venue_edit", args=[venue_a.pk]))
    assert response.status_code == 200
    assert venue_a.address in response.text
    assert 'name="name"' not in response.text  # the console owns the name


def test_venue_info_is_saved_and_audited(client_a, venue_a, manager_a):
    water = FacilityFactory()
    aed = FacilityFactory(code="aed", name="除颤器", icon="aed")
    url = reverse("manage:venue_edit", args=[venue_a.pk])

    response = client_a.post(
        url, venue_data(facilities=[water.pk, aed.pk]), follow=True
    )

    assert response.redirect_chain == [(url, 302)]
    venue = Venue.objects.get(pk=venue_a.pk)
    assert venue.phone == "0580-3012345"
    assert (venue.lat, venue.lng) == (29.9531, 122.3012)
    assert venue.is_bookable
    assert set(venue.facilities.all()) == {water, aed}
    entry = AuditEntry.objects.get(action="venue.update", subject_id=venue.pk)
    assert entry.actor == manager_a
    assert "facilities" in entry.details
    assert len(list(response.context["messages"])) == 1


def test_venue_name_and_status_cannot_be_changed_here(client_a, venue_a):
    client_a.post(
        reverse("manage:venue_edit", args=[venue_a.pk]),
        venue_data(name="改名", status="suspended", organization=""),
    )
    venue = Venue.objects.get(pk=venue_a.pk)
    assert venue.name == "场所甲"
    assert venue.status == Venue.Status.ACTIVE


@pytest.mark.parametrize(
    "overrides",
    [
        {"lat": "91"},
        {"lat": "-90.5"},
        {"lng": "181"},
        {"lng": "-200"},
        {"lat": "abc"},
        {"lat": "nan"},
        {"lng": "inf"},
        {"lat": ""},
        {"lat": "122.3012", "lng": "29.9531"},  # swapped: far outside China
    ],
)
def test_bad_coordinates_are_refused_and_nothing_changes(client_a, venue_a, overrides):
    before = snapshot(venue_a)
    response = client_a.post(
        reverse("manage:venue_edit", args=[venue_a.pk]), venue_data(**overrides)
    )
    assert response.status_code == 200
    assert error_codes(response)
    assert snapshot(venue_a) == before


# --- opening hours -------------------------------------------------------------


def test_hours_page_shows_existing_ranges_and_help(client_a, venue_a):
    OpeningHoursFactory(venue=venue_a, weekday=2, opens=datetime.time(8, 30))
    response = client_a.get(
        reverse("manage:venue_hours", args=[venue_a.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert 'name="d2-0-opens" value="08:30"' in response.text
    assert "past midnight" in response.text
    assert '<label for="id_d2-0-opens" class="visually-hidden">' in response.text
    assert "Wednesday, period 1, opens" in response.text


def test_hours_are_replaced_and_audited(client_a, venue_a):
    OpeningHoursFactory(venue=venue_a, weekday=0)
    url = reverse("manage:venue_hours", args=[venue_a.pk])
    rows = [
        (0, "08:00", "12:00"),
        (0, "14:00", "18:00"),  # two ranges on one day
        (4, "18:00", "02:00"),  # past midnight into Saturday
        (5, "08:00", "12:00"),  # after Friday's night range ends
        (6, "00:00", "00:00"),  # all day
    ]

    response = client_a.post(url, hours_data(rows))

    assert response.status_code == 302
    assert response["Location"] == url
    assert sorted(
        OpeningHours.objects.filter(venue=venue_a).values_list(
            "weekday", "opens", "closes"
        )
    ) == [
        (0, datetime.time(8), datetime.time(12)),
        (0, datetime.time(14), datetime.time(18)),
        (4, datetime.time(18), datetime.time(2)),
        (5, datetime.time(8), datetime.time(12)),
        (6, datetime.time(0), datetime.time(0)),
    ]
    assert audited("venue.hours", venue_a)


def test_a_post_without_the_grid_saves_nothing(client_a, venue_a):
    OpeningHoursFactory(venue=venue_a, weekday=0)
    before = snapshot(venue_a)
    response = client_a.post(reverse("manage:venue_hours", args=[venue_a.pk]), {})
    assert response.status_code == 200
    assert "required" in error_codes(response)
    assert snapshot(venue_a) == before


def test_emptying_a_day_closes_it(client_a, venue_a):
    OpeningHoursFactory(venue=venue_a, weekday=0)
    OpeningHoursFactory(venue=venue_a, weekday=1)
    client_a.post(
        reverse("manage:venue_hours", args=[venue_a.pk]),
        hours_data([(0, "", ""), (1, "09:00", "17:00")]),
    )
    assert list(venue_a.hours.values_list("weekday", flat=True)) == [1]


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([(0, "09:00", "12:00"), (0, "11:00", "14:00")], "overlap"),
        ([(0, "09:00", "17:00"), (0, "09:00", "17:00")], "overlap"),
        ([(2, "20:00", "02:00"), (3, "01:00", "05:00")], "overlap"),  # overnight
        ([(6, "22:00", "01:00"), (0, "00:30", "08:00")], "overlap"),  # Sun→Mon
        ([(1, "00:00", "00:00"), (1, "09:00", "12:00")], "overlap"),  # 24 h + more
        ([(0, "08:00", "08:00")], "empty_range"),
        ([(0, "", "17:00")], "required"),
        ([(0, "09:00", "")], "required"),
        ([(0, "14:00", "12:00")], "closes_before_opens"),
        ([(0, "9am", "17:00")], "invalid"),
    ],
)
def test_bad_hours_are_refused_and_nothing_changes(client_a, venue_a, rows, code):
    OpeningHoursFactory(venue=venue_a, weekday=0)
    before = snapshot(venue_a)

    response = client_a.post(
        reverse("manage:venue_hours", args=[venue_a.pk]), hours_data(rows)
    )

    assert response.status_code == 200
    assert code in error_codes(response)
    assert snapshot(venue_a) == before


def test_overlap_error_names_both_ranges(client_a, venue_a):
    response = client_a.post(
        reverse("manage:venue_hours", args=[venue_a.pk]),
        hours_data([(0, "09:00", "12:00"), (0, "11:00", "14:00")]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Monday 09:00–12:00 overlaps Monday 11:00–14:00." in response.text


def test_copy_monday_fills_the_working_days_and_saves_nothing(client_a, venue_a):
    OpeningHoursFactory(venue=venue_a, weekday=6)
    before = snapshot(venue_a)
    data = hours_data(
        [(0, "08:30", "12:00"), (0, "14:00", "17:30"), (5, "09:00", "12:00")]
    )
    response = client_a.post(
        reverse("manage:venue_hours", args=[venue_a.pk]),
        {**data, "copy_monday": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert snapshot(venue_a) == before
    page = response.text
    for weekday in range(5):
        assert f'name="d{weekday}-0-opens" value="08:30"' in page
        assert f'name="d{weekday}-1-closes" value="17:30"' in page
    assert 'name="d5-0-opens" value="09:00"' in page  # Saturday as posted
    assert 'name="d6-0-opens"' in page and 'name="d6-0-opens" value' not in page
    assert "Check, then save." in page
    assert "field-errors" not in page


def test_a_day_with_more_periods_than_the_grid_keeps_them_all(client_a, venue_a):
    for hour in (8, 12, 16):
        OpeningHoursFactory(
            venue=venue_a,
            weekday=3,
            opens=datetime.time(hour),
            closes=datetime.time(hour + 2),
        )
    page = client_a.get(reverse("manage:venue_hours", args=[venue_a.pk])).text
    assert 'name="d3-2-opens" value="16:00"' in page
    assert 'name="d0-2-opens"' in page  # every day offers as many


def test_a_period_error_is_shown_on_its_day(client_a, venue_a):
    response = client_a.post(
        reverse("manage:venue_hours", args=[venue_a.pk]),
        hours_data([(2, "14:00", "12:00")]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "A period past midnight may run to 06:00 at the latest." in response.text
    assert not venue_a.hours.exists()


def test_a_period_past_midnight_into_the_small_hours_is_fine(client_a, venue_a):
    client_a.post(
        reverse("manage:venue_hours", args=[venue_a.pk]),
        hours_data([(4, "18:00", "00:30")]),
    )
    assert list(venue_a.hours.values_list("opens", "closes")) == [
        (datetime.time(18), datetime.time(0, 30))
    ]


def test_touching_ranges_are_fine(client_a, venue_a):
    client_a.post(
        reverse("manage:venue_hours", args=[venue_a.pk]),
        hours_data([(0, "09:00", "12:00"), (0, "12:00", "14:00")]),
    )
    assert venue_a.hours.count() == 2


# --- closures ------------------------------------------------------------------


def closure_data(start, end, reason="设备检修") -> dict:
    return {
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "reason": reason,
    }


def test_closure_is_added_and_audited(client_a, venue_a):
    url = reverse("manage:venue_closures", args=[venue_a.pk])
    start = TODAY() + ONE_DAY
    response = client_a.post(url, closure_data(start, start + 2 * ONE_DAY))
    assert response.status_code == 302
    assert response["Location"] == url
    closure = Closure.objects.get(venue=venue_a)
    assert (closure.start_date, closure.end_date) == (start, start + 2 * ONE_DAY)
    assert audited("closure.add", venue_a)
    assert "设备检修" in client_a.get(url).text


def test_closure_that_started_yesterday_can_be_added(client_a, venue_a):
    client_a.post(
        reverse("manage:venue_closures", args=[venue_a.pk]),
        closure_data(TODAY() - ONE_DAY, TODAY() + ONE_DAY),
    )
    assert Closure.objects.filter(venue=venue_a).count() == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (5, 4),  # ends before it starts
        (-3, -1),  # entirely in the past
        (0, -1),
    ],
)
def test_bad_closure_is_refused_and_nothing_changes(client_a, venue_a, start, end):
    before = snapshot(venue_a)
    response = client_a.post(
        reverse("manage:venue_closures", args=[venue_a.pk]),
        closure_data(TODAY() + start * ONE_DAY, TODAY() + end * ONE_DAY),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"]
    assert snapshot(venue_a) == before


def test_closure_is_deleted_and_audited(client_a, venue_a):
    closure = ClosureFactory(venue=venue_a)
    response = client_a.post(reverse("manage:closure_delete", args=[closure.pk]))
    assert response["Location"] == reverse("manage:venue_closures", args=[venue_a.pk])
    assert not Closure.objects.exists()
    assert audited("closure.delete", venue_a)


# --- spaces --------------------------------------------------------------------


def test_space_is_added_and_audited(client_a, venue_a):
    url = reverse("manage:venue_spaces", args=[venue_a.pk])
    response = client_a.post(url, space_data())
    assert response.status_code == 302
    space = Space.objects.get(venue=venue_a)
    assert (space.name, space.capacity, space.is_exclusive) == ("多功能厅", 30, True)
    assert space.is_active
    assert audited("space.add", venue_a)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "501"}, "capacity"),
        ({"capacity": "abc"}, "capacity"),
        ({"capacity": "-1"}, "capacity"),
        ({"capacity": ""}, "capacity"),
        ({"name": ""}, "name"),
        ({"name": "阅览室"}, "name"),  # taken
        ({"name": "Reading ROOM"}, "name"),  # taken, other case
    ],
)
def test_bad_space_is_refused_and_nothing_changes(client_a, venue_a, overrides, field):
    SpaceFactory(venue=venue_a, name="阅览室")
    SpaceFactory(venue=venue_a, name="reading room")
    before = snapshot(venue_a)
    response = client_a.post(
        reverse("manage:venue_spaces", args=[venue_a.pk]), space_data(**overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert snapshot(venue_a) == before


def test_same_space_name_in_another_venue_is_fine(client_a, venue_a, venue_b):
    SpaceFactory(venue=venue_b, name="多功能厅")
    client_a.post(reverse("manage:venue_spaces", args=[venue_a.pk]), space_data())
    assert venue_a.spaces.count() == 1


def test_space_is_edited_and_audited(client_a, venue_a):
    space = SpaceFactory(venue=venue_a, name="活动室", capacity=10)
    url = reverse("manage:space_edit", args=[space.pk])
    assert client_a.get(url).status_code == 200
    response = client_a.post(url, space_data(name="大活动室", capacity="500"))
    assert response["Location"] == reverse("manage:venue_spaces", args=[venue_a.pk])
    space.refresh_from_db()
    assert (space.name, space.capacity) == ("大活动室", 500)
    entry = AuditEntry.objects.get(action="space.update")
    assert entry.details.startswith("活动室:")


def test_space_can_keep_its_own_name(client_a, venue_a):
    space = SpaceFactory(venue=venue_a, name="多功能厅", capacity=10)
    client_a.post(reverse("manage:space_edit", args=[space.pk]), space_data())
    space.refresh_from_db()
    assert space.capacity == 30


def test_space_cannot_take_a_sibling_name(client_a, venue_a):
    SpaceFactory(venue=venue_a, name="阅览室")
    space = SpaceFactory(venue=venue_a, name="活动室")
    before = snapshot(venue_a)
    response = client_a.post(
        reverse("manage:space_edit", args=[space.pk]), space_data(name="阅览室")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert snapshot(venue_a) == before


def test_space_is_deactivated_and_audited(client_a, venue_a):
    space = SpaceFactory(venue=venue_a)
    response = client_a.post(reverse("manage:space_deactivate", args=[space.pk]))
    assert response.status_code == 302
    space.refresh_from_db()
    assert not space.is_active
    assert audited("space.deactivate", venue_a)


# --- photos --------------------------------------------------------------------


def test_jpeg_is_stored_reencoded_without_exif_with_thumbnail(client_a, venue_a):
    url = reverse("manage:venue_photos", args=[venue_a.pk])
    response = client_a.post(
        url, {"image": upload(jpeg_with_gps()), "caption": "活动室一角"}
    )

    assert response.status_code == 302
    photo = VenuePhoto.objects.get(venue=venue_a)
    assert (photo.width, photo.height, photo.caption) == (640, 480, "活动室一角")
    assert photo.image.name.startswith(f"venues/{venue_a.pk}/")
    with photo.image.open("rb") as stored:
        im = Image.open(io.BytesIO(stored.read()))
        assert im.format == "JPEG"
        assert not im.getexif()
        assert "exif" not in im.info
    with photo.thumbnail.open("rb") as stored:
        assert max(Image.open(stored).size) <= 480
    assert media_files() == {
        Path(photo.image.path),
        Path(photo.thumbnail.path),
    }
    assert audited("photo.add", venue_a)
    assert photo.thumbnail.url in client_a.get(url).text


def test_new_photo_goes_last(client_a, venue_a):
    first = VenuePhotoFactory(venue=venue_a, position=3)
    client_a.post(
        reverse("manage:venue_photos", args=[venue_a.pk]), {"image": upload(jpeg())}
    )
    assert list(venue_a.photos.values_list("pk", flat=True))[0] == first.pk


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"Just some text, not a picture.\n" * 10, "notes.jpg", "invalid_image"),
        (jpeg()[:12] + b"\0" * (10 * 1024 * 1024), "huge.jpg", "file_too_large"),
        (noisy_jpeg()[:3000], "truncated.jpg", "invalid_image"),
        (png_claiming(50_000, 50_000), "bomb.png", "too_many_pixels"),
        (b"", "empty.jpg", "empty"),
    ],
    ids=["text", "too-large", "truncated", "50000-square-png", "empty"],
)
def test_bad_upload_is_refused_and_nothing_stored(client_a, venue_a, data, name, code):
    before = snapshot(venue_a)
    response = client_a.post(
        reverse("manage:venue_photos", args=[venue_a.pk]),
        {"image": upload(data, name), "caption": "坏图"},
    )
    assert response.status_code == 200
    assert error_codes(response) == {code}
    assert snapshot(venue_a) == before
    assert not VenuePhoto.objects.exists()
    assert media_files() == set()


def test_thirteenth_photo_is_refused(client_a, venue_a):
    VenuePhotoFactory.create_batch(12, venue=venue_a)
    before = snapshot(venue_a)
    response = client_a.post(
        reverse("manage:venue_photos", args=[venue_a.pk]), {"image": upload(jpeg())}
    )
    assert response.status_code == 200
    assert error_codes(response) == {"too_many_photos"}
    assert snapshot(venue_a) == before
    assert venue_a.photos.count() == 12


def test_photo_service_refuses_a_thirteenth_even_past_the_form(venue_a, manager_a):
    from django.core.exceptions import ValidationError

    from venues.images import process_image
    from venues.services import photo_add

    VenuePhotoFactory.create_batch(12, venue=venue_a)
    files = media_files()
    with pytest.raises(ValidationError):
        photo_add(venue=venue_a, actor=manager_a, image=process_image(upload(jpeg())))
    assert venue_a.photos.count() == 12
    assert media_files() == files


def photo_order(venue):
    return list(venue.photos.values_list("pk", flat=True))


def test_photos_move_up_and_down(client_a, venue_a):
    a, b, c = VenuePhotoFactory.create_batch(3, venue=venue_a)
    url = reverse("manage:photo_move", args=[c.pk, "up"])

    response = client_a.post(url)

    assert response["Location"].endswith(f"#photo-{c.pk}")
    assert photo_order(venue_a) == [a.pk, c.pk, b.pk]
    client_a.post(reverse("manage:photo_move", args=[a.pk, "down"]))
    assert photo_order(venue_a) == [c.pk, a.pk, b.pk]
    assert AuditEntry.objects.filter(action="photo.move").count() == 2


def test_moving_past_either_end_changes_nothing(client_a, venue_a):
    a, b = VenuePhotoFactory.create_batch(2, venue=venue_a)
    before = snapshot(venue_a)
    client_a.post(reverse("manage:photo_move", args=[a.pk, "up"]))
    client_a.post(reverse("manage:photo_move", args=[b.pk, "down"]))
    assert snapshot(venue_a) == before


def test_unknown_direction_is_404(client_a, venue_a):
    photo = VenuePhotoFactory(venue=venue_a)
    response = client_a.post(reverse("manage:photo_move", args=[photo.pk, "left"]))
    assert response.status_code == 404


def test_photo_page_buttons_work_without_javascript(client_a, venue_a):
    a, b = VenuePhotoFactory.create_batch(2, venue=venue_a)
    html = client_a.get(reverse("manage:venue_photos", args=[venue_a.pk])).text
    assert f'action="{reverse("manage:photo_move", args=[a.pk, "down"])}"' in html
    assert f'action="{reverse("manage:photo_move", args=[b.pk, "up"])}"' in html
    assert reverse("manage:photo_move", args=[a.pk, "up"]) not in html


def test_photo_is_deleted_with_its_files(
    client_a, venue_a, django_capture_on_commit_callbacks
):
    photo = VenuePhotoFactory(venue=venue_a)
    keep = VenuePhotoFactory(venue=venue_a)
    paths = [Path(photo.image.path), Path(photo.thumbnail.path)]
    assert all(p.exists() for p in paths)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("manage:photo_delete", args=[photo.pk]))

    assert response["Location"] == reverse("manage:venue_photos", args=[venue_a.pk])
    assert list(VenuePhoto.objects.all()) == [keep]
    assert not any(p.exists() for p in paths)
    assert Path(keep.image.path).exists()
    assert audited("photo.delete", venue_a)


def test_caption_is_edited(client_a, venue_a):
    photo = VenuePhotoFactory(venue=venue_a)
    client_a.post(reverse("manage:photo_caption", args=[photo.pk]), {"caption": "门口"})
    photo.refresh_from_db()
    assert photo.caption == "门口"
    assert audited("photo.caption", venue_a)


def test_too_long_caption_is_refused(client_a, venue_a):
    photo = VenuePhotoFactory(venue=venue_a, caption="旧")
    response = client_a.post(
        reverse("manage:photo_caption", args=[photo.pk]),
        {"caption": "长" * 101},
        follow=True,
    )
    photo.refresh_from_db()
    assert photo.caption == "旧"
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


# --- scope and roles -----------------------------------------------------------


@pytest.fixture
def venue_a_objects(venue_a):
    return {
        "venue": venue_a,
        "space": SpaceFactory(venue=venue_a, name="甲活动室"),
        "closure": ClosureFactory(venue=venue_a),
        "photos": VenuePhotoFactory.create_batch(2, venue=venue_a),
        "hours": OpeningHoursFactory(venue=venue_a),
    }


def pages(objs):
    """Every manager page about venue A, as (url, valid POST data)."""
    venue, space = objs["venue"], objs["space"]
    start = TODAY() + ONE_DAY
    return [
        (reverse("manage:venue_edit", args=[venue.pk]), venue_data(lat="30.1")),
        (
            reverse("manage:venue_hours", args=[venue.pk]),
            hours_data([(3, "09:00", "10:00")]),
        ),
        (reverse("manage:venue_closures", args=[venue.pk]), closure_data(start, start)),
        (reverse("manage:venue_spaces", args=[venue.pk]), space_data()),
        (reverse("manage:space_edit", args=[space.pk]), space_data(name="改")),
        (reverse("manage:venue_photos", args=[venue.pk]), None),
    ]


def actions(objs):
    """Every POST-only action on venue A's objects, as (url, data)."""
    first, second = objs["photos"]
    return [
        (reverse("manage:closure_delete", args=[objs["closure"].pk]), {}),
        (reverse("manage:space_deactivate", args=[objs["space"].pk]), {}),
        (reverse("manage:photo_move", args=[second.pk, "up"]), {}),
        (reverse("manage:photo_move", args=[first.pk, "down"]), {}),
        (reverse("manage:photo_caption", args=[first.pk]), {"caption": "改"}),
        (reverse("manage:photo_delete", args=[first.pk]), {}),
    ]


def test_manager_of_other_venue_gets_404_everywhere_and_nothing_changes(
    client, manager_b, venue_a_objects, django_capture_on_commit_callbacks
):
    venue_a = venue_a_objects["venue"]
    client.force_login(manager_b)
    before = snapshot(venue_a)
    for url, data in pages(venue_a_objects):
        assert client.get(url).status_code == 404, url
        data = data if data is not None else {"image": upload(jpeg())}
        assert client.post(url, data).status_code == 404, url
    with django_capture_on_commit_callbacks(execute=True):
        for url, data in actions(venue_a_objects):
            assert client.post(url, data).status_code == 404, url
    assert snapshot(venue_a) == before


def test_worker_gets_403_and_nothing_changes(client, worker, venue_a_objects):
    venue_a = venue_a_objects["venue"]
    client.force_login(worker)
    before = snapshot(venue_a)
    for url, data in pages(venue_a_objects):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data or {}).status_code == 403, url
    for url, data in actions(venue_a_objects):
        assert client.post(url, data).status_code == 403, url
    assert snapshot(venue_a) == before


def test_anonymous_is_sent_to_log_in_and_nothing_changes(client, venue_a_objects):
    venue_a = venue_a_objects["venue"]
    login = reverse("account_login")
    before = snapshot(venue_a)
    for url, data in pages(venue_a_objects):
        assert client.get(url)["Location"].startswith(login), url
        assert client.post(url, data or {})["Location"].startswith(login), url
    for url, data in actions(venue_a_objects):
        assert client.post(url, data)["Location"].startswith(login), url
    assert snapshot(venue_a) == before


def test_manager_of_two_venues_reaches_both(client, manager_a, venue_a, venue_b):
    venue_b.managers.add(manager_a)
    client.force_login(manager_a)
    for venue in (venue_a, venue_b):
        url = reverse("manage:venue_spaces", args=[venue.pk])
        assert client.get(url).status_code == 200


def test_actions_answer_405_to_get(client_a, venue_a_objects):
    for url, _data in actions(venue_a_objects):
        assert client_a.get(url).status_code == 405, url


# --- query counts ----------------------------------------------------------------


def filled_venue(n: int, manager) -> Venue:
    venue = VenueFactory()
    venue.managers.add(manager)
    for facility in range(n):
        FacilityFactory(code=f"f{facility}", name=f"设施{facility}", icon="x")
    venue.facilities.set(
        FacilityFactory._meta.model.objects.values_list("pk", flat=True)
    )
    SpaceFactory.create_batch(n, venue=venue)
    VenuePhotoFactory.create_batch(n, venue=venue)
    ClosureFactory.create_batch(n, venue=venue)
    for i in range(n):
        OpeningHoursFactory(
            venue=venue,
            weekday=i % 7,
            opens=datetime.time(i // 7),
            closes=datetime.time(i // 7, 30),
        )
    return venue


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("venue_edit", 9),
        ("venue_hours", 8),
        ("venue_closures", 8),
        ("venue_spaces", 8),
        ("venue_photos", 8),
        ("space_edit", 8),
    ],
)
def test_page_query_count_is_bounded_and_constant(
    client, manager_a, django_assert_max_num_queries, name, limit
):
    client.force_login(manager_a)
    counts = []
    for n in (2, 20):
        venue = filled_venue(n, manager_a)
        pk = venue.spaces.first().pk if name == "space_edit" else venue.pk
        with django_assert_max_num_queries(limit) as captured:
            response = client.get(reverse(f"manage:{name}", args=[pk]))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_dashboard_query_count_is_constant(
    client, manager_a, django_assert_max_num_queries
):
    client.force_login(manager_a)
    counts = []
    for n in (2, 20):
        filled_venue(n, manager_a)
        with django_assert_max_num_queries(7) as captured:
            client.get(reverse("manage:venue_list"))
        counts.append(len(captured))
    assert counts[0] == counts[1]
