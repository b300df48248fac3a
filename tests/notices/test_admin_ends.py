"""The manager end and the console: scoping, forms, and what they write."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice
from qunxian.models import AuditEntry
from tests.factories import MINIMAL_PDF, NoticeFactory, VenueFactory

pytestmark = pytest.mark.django_db


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def form_data(**overrides):
    return {
        "kind": "notice",
        "title": "本周六场所暂停开放",
        "topic": "",
        "body": "<p>因设备检修，暂停开放一天。</p>",
        "published_at": "",
        **overrides,
    }


# --- the manager end -----------------------------------------------------------


def test_manager_publishes_for_own_venue(client, manager_a, venue_a):
    client.force_login(manager_a)
    response = client.post(
        reverse("manage:notice_create"),
        form_data(
            venue=venue_a.pk,
            body='<p onclick="x()">暂停<script>alert(1)</script></p>',
            attachment=SimpleUploadedFile("检修通知.pdf", MINIMAL_PDF),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:notice_list")
    notice = Notice.objects.get()
    assert notice.venue == venue_a
    assert notice.organization == venue_a.organization
    assert notice.body == "<p>暂停</p>"
    assert notice.attachment_name == "检修通知.pdf"
    assert AuditEntry.objects.filter(action="notice.create", actor=manager_a).exists()


def test_manager_venue_choices_are_only_their_venues(client, manager_a, venue_b):
    client.force_login(manager_a)
    response = client.get(reverse("manage:notice_create"))
    choices = list(response.context["form"].fields["venue"].queryset)
    assert venue_b not in choices
    response = client.post(reverse("manage:notice_create"), form_data(venue=venue_b.pk))
    assert response.status_code == 200
    assert "venue" in response.context["form"].errors
    assert not Notice.objects.exists()


def test_a_fake_pdf_is_a_form_error_and_nothing_is_stored(client, manager_a, venue_a):
    client.force_login(manager_a)
    response = client.post(
        reverse("manage:notice_create"),
        form_data(
            venue=venue_a.pk,
            attachment=SimpleUploadedFile("photo.pdf", b"\x89PNG\r\n\x1a\n0000"),
        ),
    )
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert not Notice.objects.exists()
    assert media_files() == set()


def test_manager_list_shows_own_venues_notices_with_scheduled(
    client, manager_a, venue_a, venue_b
):
    NoticeFactory(venue=venue_a, title="甲的")
    NoticeFactory(
        venue=venue_a,
        title="甲的定时",
        published_at=timezone.now() + datetime.timedelta(days=2),
    )
    NoticeFactory(venue=venue_b, title="乙的")
    NoticeFactory(title="全区的")
    client.force_login(manager_a)
    response = client.get(reverse("manage:notice_list"))
    assert sorted(n.title for n in response.context["notices"]) == ["甲的", "甲的定时"]


def test_manager_edits_own_notice(client, manager_a, venue_a):
    notice = NoticeFactory(venue=venue_a)
    client.force_login(manager_a)
    url = reverse("manage:notice_edit", args=[notice.pk])
    form = client.get(url).context["form"]
    assert (form["title"].value(), form["venue"].value()) == (notice.title, venue_a.pk)
    response = client.post(
        url,
        form_data(
            venue=venue_a.pk, title="改过的标题", published_at="2025-06-01T09:30"
        ),
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "改过的标题"
    assert timezone.localtime(notice.published_at).strftime("%Y-%m-%d %H:%M") == (
        "2025-06-01 09:30"
    )


def test_manager_of_other_venue_gets_404(client, manager_b, venue_a):
    notice = NoticeFactory(venue=venue_a)
    client.force_login(manager_b)
    assert client.get(reverse("manage:notice_edit", args=[notice.pk])).status_code == (
        404
    )
    response = client.post(
        reverse("manage:notice_edit", args=[notice.pk]), form_data(title="改")
    )
    assert response.status_code == 404
    response = client.post(reverse("manage:notice_delete", args=[notice.pk]))
    assert response.status_code == 404
    assert Notice.objects.filter(pk=notice.pk, title=notice.title).exists()


def test_manager_cannot_edit_a_district_wide_notice(client, manager_a):
    notice = NoticeFactory()
    client.force_login(manager_a)
    assert client.get(reverse("manage:notice_edit", args=[notice.pk])).status_code == (
        404
    )


def test_manager_deletes_own_notice(client, manager_a, venue_a):
    notice = NoticeFactory(venue=venue_a)
    client.force_login(manager_a)
    response = client.post(reverse("manage:notice_delete", args=[notice.pk]))
    assert response.status_code == 302
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda n: reverse("manage:notice_list"),
        lambda n: reverse("manage:notice_create"),
        lambda n: reverse("manage:notice_edit", args=[n.pk]),
        lambda n: reverse("console:notice_list"),
        lambda n: reverse("console:notice_edit", args=[n.pk]),
    ],
)
def test_worker_gets_403_and_anonymous_is_sent_to_log_in(client, worker, venue_a, url):
    url = url(NoticeFactory(venue=venue_a))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(worker)
    assert client.get(url).status_code == 403


def test_worker_post_is_refused(client, worker, venue_a):
    notice = NoticeFactory(venue=venue_a)
    client.force_login(worker)
    assert client.post(
        reverse("manage:notice_delete", args=[notice.pk])
    ).status_code == (403)
    assert client.post(
        reverse("console:notice_delete", args=[notice.pk])
    ).status_code == (403)
    assert Notice.objects.exists()


def test_manager_list_query_count_is_bounded(
    client, manager_a, venue_a, django_assert_max_num_queries
):
    client.force_login(manager_a)
    url = reverse("manage:notice_list")
    NoticeFactory.create_batch(3, venue=venue_a)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    NoticeFactory.create_batch(27, venue=venue_a, with_pdf=True)
    with django_assert_max_num_queries(15) as many:
        client.get(url)
    assert len(few) == len(many)


# --- the console -----------------------------------------------------------------


def test_admin_publishes_a_district_wide_policy(client, admin_user, youth_league):
    client.force_login(admin_user)
    response = client.post(
        reverse("console:notice_create"),
        form_data(
            kind="policy",
            topic="youth",
            title="青年人才安居政策",
            organization=youth_league.pk,
            pinned="on",
        ),
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert (notice.kind, notice.topic, notice.venue, notice.organization) == (
        "policy",
        "youth",
        None,
        youth_league,
    )
    assert notice.pinned and notice.author == admin_user


def test_a_policy_without_topic_is_a_form_error(client, admin_user, youth_league):
    client.force_login(admin_user)
    response = client.post(
        reverse("console:notice_create"),
        form_data(kind="policy", organization=youth_league.pk),
    )
    assert response.status_code == 200
    assert "topic" in response.context["form"].errors
    assert not Notice.objects.exists()


def test_admin_schedules_a_notice(client, admin_user, youth_league):
    client.force_login(admin_user)
    later = timezone.localtime() + datetime.timedelta(days=3)
    client.post(
        reverse("console:notice_create"),
        form_data(
            organization=youth_league.pk, published_at=later.strftime("%Y-%m-%dT%H:%M")
        ),
    )
    notice = Notice.objects.get()
    assert notice.is_scheduled
    assert client.get(notice.get_absolute_url()).status_code == 404


def test_console_sees_all_and_filters(client, admin_user, venue_a, youth_league):
    NoticeFactory(venue=venue_a, title="场所的")
    NoticeFactory(organization=youth_league, title="全区的")
    NoticeFactory(
        title="定时的", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    client.force_login(admin_user)
    url = reverse("console:notice_list")
    assert len(client.get(url).context["notices"]) == 3
    response = client.get(url, {"scope": "district"})
    assert sorted(n.title for n in response.context["notices"]) == ["全区的", "定时的"]
    response = client.get(url, {"scope": "venue"})
    assert [n.title for n in response.context["notices"]] == ["场所的"]


def test_console_edit_keeps_a_venue_notice_with_its_venue(
    client, admin_user, venue_a, youth_league
):
    notice = NoticeFactory(venue=venue_a)
    client.force_login(admin_user)
    response = client.post(
        reverse("console:notice_edit", args=[notice.pk]),
        form_data(
            title="管理员改过",
            organization=youth_league.pk,  # disabled: ignored
            published_at="2025-06-01T09:30",
        ),
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "管理员改过"
    assert (notice.venue, notice.organization) == (venue_a, venue_a.organization)


def test_console_deletes_any_notice(client, admin_user):
    notice = NoticeFactory(venue=VenueFactory(), with_pdf=True)
    client.force_login(admin_user)
    response = client.post(reverse("console:notice_delete", args=[notice.pk]))
    assert response.status_code == 302
    assert not Notice.objects.exists()
