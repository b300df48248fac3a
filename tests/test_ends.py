"""The ends' small pieces: my venues, the role commands, the language switch.

The front page of each end is tested in tests/dashboards/.
"""

from django.core.management import call_command
from django.urls import reverse

from qunxian.models import AuditEntry
from qunxian.roles import is_system_admin, is_venue_manager


def test_my_venues_page_lists_only_their_venues(client, manager_a, venue_a, venue_b):
    client.force_login(manager_a)
    response = client.get(reverse("manage:venue_list"))
    assert list(response.context["venues"]) == [venue_a]
    assert venue_b.name not in response.content.decode()


def test_make_admin_command_grants_the_role_and_records_it(worker):
    call_command("make_admin", worker.phone)
    assert is_system_admin(worker)
    assert AuditEntry.objects.filter(action="user.make_admin").exists()


def test_grant_manager_command_names_and_removes_a_manager(worker, venue_a):
    call_command("grant_manager", worker.username, str(venue_a.pk))
    assert is_venue_manager(worker)
    call_command("grant_manager", worker.username, str(venue_a.pk), "--revoke")
    worker._is_venue_manager = None
    assert not is_venue_manager(worker)


def test_language_link_sets_the_cookie_and_returns(client, db):
    response = client.get(reverse("language", args=["en"]), {"next": "/venues/"})
    assert response.status_code == 302 and response["Location"] == "/venues/"
    assert response.cookies["django_language"].value == "en"
    assert "Service venues" in client.get(reverse("home")).content.decode()


def test_language_link_refuses_foreign_redirects_and_unknown_languages(client, db):
    response = client.get(
        reverse("language", args=["en"]), {"next": "https://evil.cn/"}
    )
    assert response["Location"] == "/"
    assert client.get(reverse("language", args=["xx"])).status_code == 404


def test_visit_totals_read_the_way_the_reference_app_writes_them():
    from django.utils import translation

    from qunxian.templatetags.qunxian import compact_count

    with translation.override("zh-hans"):
        assert compact_count(41_000) == "4.1万"
        assert "万" not in compact_count(9_999)
    with translation.override("en"):
        assert compact_count(41_000) == "41.0k"


def test_a_bookings_day_and_hours_read_in_each_language_in_local_time():
    import datetime
    import zoneinfo

    from django.utils import translation

    from qunxian.templatetags.qunxian import day_and_hours

    # 02:00 UTC is 10:00 in Shanghai, on Thursday 3 December 2026.
    start = datetime.datetime(2026, 12, 3, 2, tzinfo=datetime.UTC)
    end = start + datetime.timedelta(hours=2)
    with translation.override("zh-hans"):
        assert day_and_hours(start, end) == "12月3日 星期四 10:00–12:00"
    with translation.override("en"):
        assert day_and_hours(start, end) == "December 3 Thu 10:00–12:00"
    elsewhere = start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    with translation.override("en"):
        assert day_and_hours(elsewhere, end) == "December 3 Thu 10:00–12:00"
