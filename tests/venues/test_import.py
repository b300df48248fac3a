"""The console's venue import (upload → preview → confirm) and venue download."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qunxian.models import AuditEntry
from tests.factories import (
    FacilityFactory,
    OrganizationFactory,
    TownFactory,
    VenueFactory,
)
from venues import imports
from venues.models import Venue

HEADER = ["名称", "组织", "类别", "街道（镇）", "地址"] + [
    "纬度（WGS-84）",
    "经度（WGS-84）",
]
GOOD = ["新职工驿站", "普陀区总工会", "职工之家", "沈家门街道", "东河路1号"] + [
    "29.95",
    "122.31",
]


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


@pytest.fixture
def console(client, admin_user):
    OrganizationFactory()
    TownFactory()
    client.force_login(admin_user)
    return client


def csv_file(rows, *, encoding="utf-8-sig", name="venues.csv"):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding))


def xlsx_file(rows, name="venues.xlsx"):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file):
    return client.post(reverse("console:venue_import"), {"file": file})


def preview(client, file):
    response = upload(client, file)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return client.get(response["Location"])


def token_of(client) -> str:
    return client.session[imports_session_key()]


def imports_session_key():
    from venues.views.imports import SESSION_KEY

    return SESSION_KEY


def confirm(client, token=None):
    token = token or token_of(client)
    return client.post(reverse("console:venue_import_confirm", args=[token]))


def row_errors(response) -> dict[int, list[str]]:
    return {check.number: check.errors for check in response.context["checks"]}


def test_preview_shows_each_kind_of_row_error(console, venue_a):
    rows = [
        HEADER,
        GOOD,  # row 2: good
        ["坐标不是数字", *GOOD[1:5], "北纬三十", "122.31"],
        ["坐标在区外", *GOOD[1:5], "31.23", "121.47"],  # Shanghai
        ["坐标颠倒", *GOOD[1:5], "122.31", "29.95"],
        ["未知组织", "不存在的协会", *GOOD[2:]],
        ["未知类别", GOOD[1], "游乐场", *GOOD[3:]],
        ["未知街道", *GOOD[1:3], "火星街道", *GOOD[4:]],
        [GOOD[0], *GOOD[1:]],  # row 9: the same name as row 2
        ["场所甲", *GOOD[1:]],  # an existing venue's name
        ["", GOOD[1], "", *GOOD[3:5], "", ""],  # missing required fields
    ]
    response = preview(console, csv_file(rows))
    assert response.status_code == 200
    errors = row_errors(response)
    assert errors[2] == []
    assert errors[3] == [
        zh("%(column)s is not a number: “%(value)s”.")
        % {"column": zh("Latitude (WGS-84)"), "value": "北纬三十"}
    ]
    assert "31.23, 121.47" in errors[4][0]
    assert len(errors[5]) == 1 and "122.31, 29.95" in errors[5][0]
    assert errors[6] == [
        zh("Unknown organisation “%(name)s”.") % {"name": "不存在的协会"}
    ]
    assert errors[7] == [zh("Unknown category “%(name)s”.") % {"name": "游乐场"}]
    assert errors[8] == [
        zh("Unknown street or town “%(name)s”.") % {"name": "火星街道"}
    ]
    assert errors[9] == [zh("The same name as row %(number)s.") % {"number": 2}]
    assert errors[10] == [zh("A venue with this name already exists.")]
    missing = zh("%(column)s is missing.")
    assert errors[11] == [
        missing % {"column": zh(label)}
        for label in ("Name", "Category", "Latitude (WGS-84)", "Longitude (WGS-84)")
    ]
    assert response.context["good_count"] == 1
    assert response.context["bad_count"] == 9
    page = response.content.decode()
    for messages in errors.values():
        for message in messages:
            assert message in page
    assert Venue.objects.count() == 1  # the preview creates nothing


def test_confirm_imports_only_the_good_rows_with_audit_entries(console, admin_user):
    FacilityFactory()
    rows = [
        [*HEADER, "电话", "Takes bookings", "设施"],
        [*GOOD, "0580-1234567", "是", "饮用水"],
        ["第二个驿站", *GOOD[1:], "", "否", ""],
        ["坏行", *GOOD[1:5], "abc", "122.31", "", "", ""],
    ]
    preview(console, csv_file(rows))
    response = confirm(console)
    assert response.status_code == 302
    assert response["Location"] == reverse("console:venue_list")
    venue = Venue.objects.get(name="新职工驿站")
    assert (venue.phone, venue.is_bookable, venue.lat, venue.lng) == (
        "0580-1234567",
        True,
        29.95,
        122.31,
    )
    assert [f.code for f in venue.facilities.all()] == ["water"]
    assert venue.category == Venue.Category.WORKERS_HOME
    assert not Venue.objects.get(name="第二个驿站").is_bookable
    assert not Venue.objects.filter(name="坏行").exists()
    assert AuditEntry.objects.filter(action="venue.create").count() == 2
    assert AuditEntry.objects.get(subject_id=venue.pk).actor == admin_user
    assert Venue.objects.count() == 2


def test_confirm_twice_imports_once(console):
    preview(console, csv_file([HEADER, GOOD]))
    token = token_of(console)
    confirm(console, token)
    response = confirm(console, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("console:venue_import")
    assert Venue.objects.filter(name=GOOD[0]).count() == 1


def test_one_refused_row_undoes_the_whole_import(console, monkeypatch):
    from venues import services

    preview(console, csv_file([HEADER, GOOD, ["第二个", *GOOD[1:]]]))
    create = services.venue_create
    calls = []

    def refuse_the_second(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 2:
            raise ValidationError("被拒绝")
        return create(**kwargs)

    monkeypatch.setattr(services, "venue_create", refuse_the_second)
    response = confirm(console)
    assert response.status_code == 302
    assert calls == [GOOD[0], "第二个"]
    assert not Venue.objects.filter(name__in=[GOOD[0], "第二个"]).exists()
    assert not AuditEntry.objects.filter(action="venue.create").exists()
    # The upload is kept, to try again.
    assert console.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("token", ["A" * 32, "forged-token_123"])
def test_a_forged_token_finds_nothing(console, token):
    preview(console, csv_file([HEADER, GOOD]))
    response = console.get(reverse("console:venue_import_preview", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:venue_import")
    assert confirm(console, token).status_code == 302
    assert not Venue.objects.filter(name=GOOD[0]).exists()
    page = console.get(reverse("console:venue_import")).content.decode()
    assert (
        zh("That upload has expired or was already imported. Upload the file again.")
        in page
    )


def test_another_sessions_token_finds_nothing(console, admin_user):
    preview(console, csv_file([HEADER, GOOD]))
    token = token_of(console)
    other = Client()
    other.force_login(admin_user)  # the same admin, another browser
    response = other.get(reverse("console:venue_import_preview", args=[token]))
    assert response["Location"] == reverse("console:venue_import")
    confirm(other, token)
    assert not Venue.objects.filter(name=GOOD[0]).exists()


def test_gbk_csv_from_chinese_excel_is_read(console):
    response = preview(console, csv_file([HEADER, GOOD], encoding="gbk"))
    assert row_errors(response) == {2: []}
    confirm(console)
    assert Venue.objects.filter(name=GOOD[0], address="东河路1号").exists()


def test_utf8_csv_without_bom_and_xlsx_are_read(console):
    assert row_errors(preview(console, csv_file([HEADER, GOOD], encoding="utf-8"))) == {
        2: []
    }
    rows = [HEADER, [*GOOD[:5], 29.95, 122.31]]  # numbers in Excel cells
    assert row_errors(preview(console, xlsx_file(rows))) == {2: []}


def test_english_headers_and_codes_are_read(console):
    with translation.override("en"):
        header = [str(column.label) for column in imports.COLUMNS][:7]
    row = [GOOD[0], GOOD[1], "workers_home", *GOOD[3:]]
    assert row_errors(preview(console, csv_file([header, row]))) == {2: []}


def not_an_upload(response, message: str) -> None:
    """The upload form again, with `message` (up to its first placeholder)."""
    assert response.status_code == 200
    assert response.context["form"].errors
    assert zh(message).split("%(")[0] in response.content.decode()
    assert imports_session_key() not in response.wsgi_request.session


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            SimpleUploadedFile("venues.xlsx", PNG),
            "This file is not a real Excel workbook. Open it in Excel or WPS and "
            "save it as .xlsx (or as CSV).",
        ),
        (
            SimpleUploadedFile("venues.csv", PNG),
            "This file is not a CSV text file. Save it from Excel as CSV.",
        ),
        (
            SimpleUploadedFile("venues.xls", b"\xd0\xcf\x11\xe0" + bytes(64)),
            "Upload an Excel file (.xlsx) or a CSV file (.csv).",
        ),
        (
            SimpleUploadedFile("venues.csv", "名称,组织".encode("utf-16")),
            "The CSV file must be saved as UTF-8 or GBK text.",
        ),
        (
            SimpleUploadedFile("venues.csv", b""),
            "The submitted file is empty.",
        ),
        (
            SimpleUploadedFile("venues.csv", b"\n\n"),
            "The file is empty.",
        ),
        (
            SimpleUploadedFile("venues.csv", b"\xff\xfe\xfd\xfc\x80\x81"),
            "The CSV file must be saved as UTF-8 or GBK text.",
        ),
    ],
)
def test_files_that_are_not_a_list_of_venues_are_refused(console, file, message):
    not_an_upload(upload(console, file), message)


def test_a_zip_that_is_not_a_workbook_is_refused(console):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    response = upload(console, SimpleUploadedFile("venues.xlsx", buffer.getvalue()))
    not_an_upload(
        response,
        "This file is not a real Excel workbook. Open it in Excel or WPS and "
        "save it as .xlsx (or as CSV).",
    )


def test_size_and_row_limits(console, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 1000)
    big = SimpleUploadedFile("venues.csv", b"a," * 600)
    not_an_upload(upload(console, big), "The file is larger than %(size)s MB.")
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = [HEADER] + [[f"驿站{n}", *GOOD[1:]] for n in range(4)]
    not_an_upload(
        upload(console, csv_file(rows)),
        "The file has more than %(count)s venues; split it into smaller files.",
    )
    assert row_errors(preview(console, csv_file(rows[:4]))) == {2: [], 3: [], 4: []}


def test_a_file_without_the_columns_is_refused(console):
    response = upload(console, csv_file([["名称", "颜色"], ["某处", "红"]]))
    not_an_upload(response, "Unknown column “%(name)s”.")
    page = response.content.decode()
    assert "颜色" in page
    assert (zh("The column “%(name)s” is missing.") % {"name": zh("Address")})[
        :4
    ] in page


def test_a_new_upload_replaces_the_last(console):
    preview(console, csv_file([HEADER, GOOD]))
    first = token_of(console)
    preview(console, csv_file([HEADER, ["另一个", *GOOD[1:]]]))
    assert token_of(console) != first
    assert (
        console.get(reverse("console:venue_import_preview", args=[first])).status_code
        == 302
    )


# -- The download, in the import's columns


@pytest.fixture
def district_venues(db):
    water = FacilityFactory()
    toilet = FacilityFactory(code="toilet", name="卫生间", icon="toilet")
    first = VenueFactory(
        name="=东港驿站",
        phone="+86 580 1234567",
        description="- 有空调\n- 有热水",
        is_bookable=True,
        lat=29.965123,
        lng=122.335456,
    )
    first.facilities.set([water, toilet])
    second = VenueFactory(
        name="勾山职工之家",
        category=Venue.Category.OUTDOOR_STATION,
        town=TownFactory(name="勾山街道", lat=29.975, lng=122.27),
    )
    return [first, second]


FIELDS = ("organization", "category", "town", "address", "lat", "lng", "phone")


def fields_of(venue: Venue) -> tuple:
    return (
        *(getattr(venue, name) for name in FIELDS),
        venue.description,
        venue.is_bookable,
        sorted(f.code for f in venue.facilities.all()),
    )


def test_download_has_exactly_the_import_columns(console, district_venues):
    response = console.get(reverse("console:venue_export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in next(sheet.iter_rows())]
    with translation.override("zh-hans"):
        assert header == [str(column.label) for column in imports.COLUMNS]
    assert sheet.max_row == 3


def test_a_bad_format_shows_the_form(console):
    response = console.get(reverse("console:venue_export"), {"format": "docx"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_download_edit_and_import_round_trips(console, district_venues, file_format):
    response = console.get(reverse("console:venue_export"), {"format": file_format})
    if file_format == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        for row in list(workbook.active.iter_rows())[1:]:
            row[0].value = f"{row[0].value}（新）"
            row[0].data_type = "s"  # as Excel keeps a quote-prefixed cell
        buffer = io.BytesIO()
        workbook.save(buffer)
        file = SimpleUploadedFile("venues.xlsx", buffer.getvalue())
    else:
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        header, *rows = csv.reader(io.StringIO(body))
        file = csv_file([header, *([f"{r[0]}（新）", *r[1:]] for r in rows)])
    assert row_errors(preview(console, file)) == {2: [], 3: []}
    confirm(console)
    for venue in district_venues:
        copy = Venue.objects.get(name=f"{venue.name}（新）")
        assert fields_of(copy) == fields_of(venue)


def test_download_queries_do_not_grow_with_the_venues(console, district_venues):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            b"".join(
                console.get(
                    reverse("console:venue_export"), {"format": "csv"}
                ).streaming_content
            )
        return len(queries)

    before = count()
    for _ in range(5):
        VenueFactory().facilities.set([district_venues[0].facilities.first()])
    assert count() == before
