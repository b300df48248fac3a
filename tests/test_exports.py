"""Downloads for a range of days (qunxian/exports.py): bookings, activity
sign-ups and feedback for a manager's venues or the district, and the audit log.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import SignUp
from qunxian.services import audit_record
from tests.activities.factories import ActivityFactory
from tests.factories import AppealFactory, BookingFactory, SpaceFactory, UserFactory

PICK_A_DAY = "Pick a day between %(first)s and %(last)s."
NOT_A_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def today() -> datetime.date:
    return timezone.localdate()


def days(since: int, until: int, file_format: str) -> dict:
    """The query for the days `since`..`until` from today."""
    return {
        "since": (today() + datetime.timedelta(days=since)).isoformat(),
        "until": (today() + datetime.timedelta(days=until)).isoformat(),
        "format": file_format,
    }


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response) -> list[list]:
    assert response["Content-Type"] == XLSX_TYPE
    assert ".xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def spaces(venue_a, venue_b):
    return SpaceFactory(venue=venue_a, name="多功能厅"), SpaceFactory(venue=venue_b)


@pytest.fixture
def bookings(spaces, worker):
    here, there = spaces
    return {
        "mine": BookingFactory(
            user=worker,
            space=here,
            start=at(today() + datetime.timedelta(days=2)),
            end=at(today() + datetime.timedelta(days=2), 12),
            contact_phone="13912345678",
            purpose='=HYPERLINK("http://evil.cn")',
            headcount=6,
        ),
        "late": BookingFactory(
            space=here,
            start=at(today() + datetime.timedelta(days=40)),
            end=at(today() + datetime.timedelta(days=40), 11),
        ),
        "theirs": BookingFactory(
            space=there,
            start=at(today() + datetime.timedelta(days=2)),
            end=at(today() + datetime.timedelta(days=2), 11),
            purpose="乙的活动",
        ),
    }


# -- Bookings


def test_manager_csv_has_the_bom_and_only_their_venues_bookings_in_the_days(
    client, manager_a, bookings
):
    client.force_login(manager_a)
    response = client.get(reverse("manage:booking_export"), days(0, 30, "csv"))
    header, *rows = read_csv(response)
    assert header[:3] == [zh("No."), zh("Venue"), zh("Space")]
    assert [row[0] for row in rows] == [str(bookings["mine"].pk)]
    row = dict(zip(header, rows[0], strict=True))
    assert row[zh("Venue")] == "场所甲"
    assert row[zh("Contact phone")] == "13912345678"  # in full, to call them
    assert row[zh("Number of people")] == "6"
    assert row[zh("Starts")] == f"{today() + datetime.timedelta(days=2)} 10:00"
    # Text a spreadsheet would run as a formula stays text.
    assert row[zh("Purpose")] == '\'=HYPERLINK("http://evil.cn")'
    assert "乙的活动" not in str(rows)


def test_manager_xlsx_opens_with_the_rows_and_keeps_formulas_as_text(
    client, manager_a, bookings
):
    client.force_login(manager_a)
    response = client.get(reverse("manage:booking_export"), days(0, 60, "xlsx"))
    header, *rows = read_xlsx(response)
    names = [cell.value for cell in header]
    assert names[:3] == [zh("No."), zh("Venue"), zh("Space")]
    assert [row[0].value for row in rows] == [
        bookings["mine"].pk,
        bookings["late"].pk,
    ]
    purpose = rows[0][names.index(zh("Purpose"))]
    assert purpose.value == '=HYPERLINK("http://evil.cn")'
    assert purpose.data_type == "s" and purpose.quotePrefix
    start = rows[0][names.index(zh("Starts"))].value
    assert start == datetime.datetime.combine(
        today() + datetime.timedelta(days=2), datetime.time(10)
    )


def test_admin_downloads_every_venues_bookings(client, admin_user, bookings):
    client.force_login(admin_user)
    rows = read_csv(client.get(reverse("console:booking_export"), days(0, 30, "csv")))[
        1:
    ]
    assert sorted(int(row[0]) for row in rows) == sorted(
        [bookings["mine"].pk, bookings["theirs"].pk]
    )


def test_another_managers_download_has_none_of_venue_as_bookings(
    client, manager_b, bookings
):
    client.force_login(manager_b)
    rows = read_csv(client.get(reverse("manage:booking_export"), days(-30, 60, "csv")))[
        1:
    ]
    assert [int(row[0]) for row in rows] == [bookings["theirs"].pk]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (days(5, 1, "csv"), "The first day is after the last."),
        ({**days(0, 1, "csv"), "since": "2000-01-01"}, PICK_A_DAY),
        ({**days(0, 1, "csv"), "until": "9999-12-31"}, PICK_A_DAY),
        ({**days(0, 1, "csv"), "since": "2026-02-30"}, "Enter a valid date."),
        (days(0, 1, "pdf"), NOT_A_CHOICE),
        ({"format": "csv"}, "This field is required."),
    ],
)
def test_bad_days_or_format_show_the_form_with_a_translated_error(
    client, manager_a, bookings, query, message
):
    client.force_login(manager_a)
    response = client.get(reverse("manage:booking_export"), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    translated = zh(message)
    assert translated != message
    assert translated.split("%(")[0] in response.content.decode()


def test_the_page_without_a_query_is_the_form(client, manager_a):
    client.force_login(manager_a)
    response = client.get(reverse("manage:booking_export"))
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert 'name="since"' in response.content.decode()


def query_count(client, url, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            response.content  # noqa: B018
    return len(queries)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_queries_do_not_grow_with_the_rows(
    client, manager_a, venue_a, spaces, file_format
):
    client.force_login(manager_a)
    url, query = reverse("manage:booking_export"), days(0, 30, file_format)
    BookingFactory(space=spaces[0])
    one = query_count(client, url, query)
    for _ in range(5):
        BookingFactory(space=SpaceFactory(venue=venue_a))
    assert query_count(client, url, query) == one


# -- Activity sign-ups


@pytest.fixture
def signups(venue_a, venue_b):
    mine = ActivityFactory(venue=venue_a, title="亲子手工课")
    theirs = ActivityFactory(venue=venue_b, title="乙的讲座")
    person = UserFactory(display_name="王阿姨", phone="13800001111")
    return {
        "mine": SignUp.objects.create(
            activity=mine, user=person, state=SignUp.State.CONFIRMED
        ),
        "theirs": SignUp.objects.create(
            activity=theirs, user=person, state=SignUp.State.CONFIRMED
        ),
    }


def test_manager_signups_have_the_phone_and_only_their_activities(
    client, manager_a, signups
):
    client.force_login(manager_a)
    response = client.get(reverse("manage:signup_export"), days(0, 30, "xlsx"))
    header, *rows = read_xlsx(response)
    names = [cell.value for cell in header]
    assert [[cell.value for cell in row][:2] for row in rows] == [
        ["亲子手工课", "场所甲"]
    ]
    row = [cell.value for cell in rows[0]]
    assert row[names.index(zh("Mobile number"))] == "13800001111"
    assert row[names.index(zh("Name"))] == "王阿姨"


def test_admin_signups_are_every_venues(client, admin_user, signups):
    client.force_login(admin_user)
    rows = read_csv(client.get(reverse("console:signup_export"), days(0, 30, "csv")))[
        1:
    ]
    assert sorted(row[0] for row in rows) == ["乙的讲座", "亲子手工课"]


def test_signups_of_activities_outside_the_days_are_left_out(
    client, manager_a, signups
):
    client.force_login(manager_a)
    rows = read_csv(client.get(reverse("manage:signup_export"), days(5, 30, "csv")))[1:]
    assert rows == []


# -- Feedback


@pytest.fixture
def appeals(venue_a, venue_b, worker):
    return {
        "mine": AppealFactory(venue=venue_a, user=worker, text="+热水器坏了"),
        "theirs": AppealFactory(venue=venue_b, text="乙的投诉"),
        "district": AppealFactory(venue=None, text="区里的建议"),
    }


def test_manager_feedback_is_their_venues_with_formulas_kept_text(
    client, manager_a, appeals
):
    client.force_login(manager_a)
    header, *rows = read_csv(
        client.get(reverse("manage:appeal_export"), days(-1, 0, "csv"))
    )
    assert [row[0] for row in rows] == [str(appeals["mine"].pk)]
    row = dict(zip(header, rows[0], strict=True))
    assert row[zh("What happened")] == "'+热水器坏了"
    assert row[zh("Addressed to")] == "场所甲"
    assert row[zh("Submitted by")] == "李师傅"
    assert row[zh("Overdue")] == zh("No")


def test_admin_feedback_includes_the_districts_own(client, admin_user, appeals):
    client.force_login(admin_user)
    rows = read_csv(client.get(reverse("console:appeal_export"), days(-1, 0, "csv")))[
        1:
    ]
    addressed = {row[2] for row in rows}
    assert addressed == {"场所甲", "场所乙", zh("The district")}


# -- The audit log as XLSX


def test_audit_xlsx_has_the_filtered_entries(client, admin_user, venue_a):
    audit_record(actor=admin_user, action="venue.update", subject=venue_a, details="=1")
    audit_record(actor=admin_user, action="venue.suspend", subject=venue_a)
    client.force_login(admin_user)
    response = client.get(reverse("console:audit_xlsx"), {"action": "venue.update"})
    header, *rows = read_xlsx(response)
    assert [cell.value for cell in header][:2] == [zh("When"), zh("Who")]
    assert len(rows) == 1
    details = rows[0][-1]
    assert details.value == "=1" and details.data_type == "s"
    assert isinstance(rows[0][0].value, datetime.datetime)


def test_audit_xlsx_with_bad_filters_shows_the_page(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("console:audit_xlsx"), {"since": "1999-01-01"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["filter"].errors


# -- Where the downloads are offered


@pytest.mark.parametrize(
    ("role", "page", "export"),
    [
        ("manager_a", "manage:booking_queue", "manage:booking_export"),
        ("manager_a", "manage:activity_list", "manage:signup_export"),
        ("manager_a", "manage:appeal_list", "manage:appeal_export"),
        ("admin", "console:home", "console:booking_export"),
        ("admin", "console:activity_list", "console:signup_export"),
        ("admin", "console:appeal_list", "console:appeal_export"),
        ("admin", "console:audit_list", "console:audit_xlsx"),
        ("admin", "console:venue_list", "console:venue_export"),
    ],
)
def test_list_pages_offer_their_download(client, personas, role, page, export):
    client.force_login(personas[role])
    html = client.get(reverse(page)).content.decode()
    assert f'action="{reverse(export)}"' in html or f'"{reverse(export)}' in html


def test_numbers_are_not_escaped_but_text_that_starts_like_one_is():
    from qunxian.exports import Table, csv_response

    table = Table("t", ["a", "b", "c"], [[-5, "-5", "@SUM(A1)"]])
    body = b"".join(csv_response(table, "t").streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1] == ["-5", "'-5", "'@SUM(A1)"]
