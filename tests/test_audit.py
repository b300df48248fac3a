"""The console's audit log (`console:audit_list`, `console:audit_csv`)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from qunxian.models import AUDIT_ACTIONS, AUDIT_SUBJECTS, AuditEntry
from qunxian.services import audit_record
from tests.factories import ReviewFactory, UserFactory
from venues.services import venue_update


@pytest.fixture
def console(client, admin_user):
    client.force_login(admin_user)
    return client


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def record(action, subject, *, actor=None, when=None, details=""):
    entry = audit_record(actor=actor, action=action, subject=subject, details=details)
    if when is not None:
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry


def listed(response):
    return [entry.action for entry in response.context["entries"]]


def zh(text) -> str:
    """A msgid or a lazy label as the page shows it, in the default language."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def test_audit_log_lists_newest_first_with_who_and_filters_by_type(
    console, admin_user, venue_a
):
    console.post(
        reverse("console:organization_create"), {"name": "普陀区妇联", "kind": "women"}
    )
    console.post(
        reverse("console:venue_suspend", args=[venue_a.pk]), {"reason": "装修"}
    )
    response = console.get(reverse("console:audit_list"))
    assert listed(response) == ["venue.suspend", "organization.create"]
    page = response.content.decode()
    assert "区管理员" in page and "装修" in page

    response = console.get(reverse("console:audit_list"), {"subject_type": "venue"})
    assert listed(response) == ["venue.suspend"]
    response = console.get(reverse("console:audit_list"), {"subject_type": "nope"})
    assert response.status_code == 200
    assert response.context["entries"] == []


def test_audit_log_is_paginated(console, admin_user, venue_a):
    for number in range(55):
        venue_update(venue=venue_a, actor=admin_user, data={"phone": f"0580-{number}"})
    first = console.get(reverse("console:audit_list"))
    assert len(first.context["entries"]) == 50
    assert first.context["has_next"]
    assert first.context["entries"][0].details.endswith("0580-54")
    second = console.get(reverse("console:audit_list"), {"page": 2})
    assert len(second.context["entries"]) == 5


def test_filters_offer_translated_labels_and_show_unknown_codes_as_they_are(
    console, admin_user, venue_a
):
    review = ReviewFactory(user=UserFactory(), venue=venue_a)
    record("review.hide", review, actor=admin_user)
    record("venue.suspend", venue_a, actor=admin_user)
    record("mystery.thing", venue_a)
    response = console.get(reverse("console:audit_list"))
    form = response.context["filter"].form
    actions = dict(form.fields["action"].choices)
    assert actions["review.hide"] == zh(AUDIT_ACTIONS["review.hide"])
    assert actions["mystery.thing"] == "mystery.thing"
    subjects = dict(form.fields["subject_type"].choices)
    assert subjects["review"] == zh(AUDIT_SUBJECTS["review"]) != "review"
    assert subjects["venue"] == "场所"
    page = response.content.decode()
    assert zh(AUDIT_ACTIONS["review.hide"]) in page and "mystery.thing" in page


def test_filter_by_action(console, admin_user, venue_a):
    record("venue.suspend", venue_a, actor=admin_user)
    record("venue.reactivate", venue_a, actor=admin_user)
    response = console.get(reverse("console:audit_list"), {"action": "venue.suspend"})
    assert listed(response) == ["venue.suspend"]


def test_filter_by_who_matches_name_or_number(console, admin_user, venue_a):
    other = UserFactory(display_name="王科长", phone="13900001111")
    record("venue.suspend", venue_a, actor=admin_user)
    record("venue.reactivate", venue_a, actor=other)
    record("venue.update", venue_a)  # by the system
    for who in ("王科", "0000111"):
        response = console.get(reverse("console:audit_list"), {"actor": who})
        assert listed(response) == ["venue.reactivate"]


def test_filter_by_days_takes_whole_local_days(console, admin_user, venue_a):
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in (10, 5, 2)]
    record("venue.create", venue_a, when=at(days[0]))
    # Just after midnight in Shanghai is still the previous day in UTC.
    record("venue.update", venue_a, when=at(days[1], hour=0))
    record("venue.suspend", venue_a, when=at(days[2], hour=23))
    url = reverse("console:audit_list")

    response = console.get(url, {"since": days[1].isoformat()})
    assert listed(response) == ["venue.suspend", "venue.update"]
    response = console.get(url, {"until": days[1].isoformat()})
    assert listed(response) == ["venue.update", "venue.create"]
    one_day = {"since": days[2].isoformat(), "until": days[2].isoformat()}
    assert listed(console.get(url, one_day)) == ["venue.suspend"]


@pytest.mark.parametrize(
    "query",
    [
        {"since": "2024-13-01"},
        {"until": "not a day"},
        {"since": "1999-12-31"},
        {"until": "9999-12-31"},  # the day after it is no date at all
        {"since": "2999-01-01"},  # the log has no future
        {"since": "2025-03-02", "until": "2025-03-01"},
        {"action": "x" * 61},
        {"actor": "王" * 41},
    ],
)
def test_bad_filters_are_a_form_error_not_a_500(console, admin_user, venue_a, query):
    record("venue.suspend", venue_a, actor=admin_user)
    for name in ("console:audit_list", "console:audit_csv"):
        response = console.get(reverse(name), query)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert response.context["filter"].errors
        assert response.context["entries"] == []
        assert zh("Please correct the filters.") in response.content.decode()


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_has_every_entry_the_filters_select(console, admin_user, venue_a):
    for number in range(60):  # more than a page
        record("venue.update", venue_a, actor=admin_user, details=f"第{number}次")
    record("venue.suspend", venue_a, actor=admin_user, details="装修")
    response = console.get(
        reverse("console:audit_csv"), {"action": "venue.update", "page": "2"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header == [zh(h) for h in ("When", "Who", "What", "About")] + [
        zh(h) for h in ("ID", "Subject", "Details")
    ]
    assert len(rows) == 60
    assert rows[0][1:] == [
        "区管理员",
        zh(AUDIT_ACTIONS["venue.update"]),
        "场所",
        str(venue_a.pk),
        "场所甲",
        "第59次",
    ]
    assert "装修" not in {row[-1] for row in rows}


def test_csv_keeps_text_that_looks_like_a_formula_as_text(console, venue_a):
    record("venue.update", venue_a, details='=HYPERLINK("http://evil.cn")')
    rows = read_csv(console.get(reverse("console:audit_csv")))[1:]
    assert rows[0][1] == zh("System")
    assert rows[0][-1] == '\'=HYPERLINK("http://evil.cn")'
