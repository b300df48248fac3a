"""The user end: lists, search and filter, policies by topic, detail."""

import datetime

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice
from tests.factories import MINIMAL_PDF, NoticeFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def titles(response, key="notices"):
    return [notice.title for notice in response.context[key]]


# --- the notice list -----------------------------------------------------------


def test_list_shows_published_notices_pinned_first_then_newest(client):
    NoticeFactory(title="旧的", published_at=ago(days=3))
    NoticeFactory(title="新的", published_at=ago(hours=1))
    NoticeFactory(title="置顶", pinned=True, published_at=ago(days=9))
    NoticeFactory(title="政策", kind="policy", topic="labour")
    response = client.get(reverse("notices:list"))
    assert titles(response) == ["置顶", "新的", "旧的"]


def test_a_scheduled_notice_is_hidden_until_published(client):
    notice = NoticeFactory(
        title="明天发布", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert "明天发布" not in titles(client.get(reverse("notices:list")))
    assert client.get(notice.get_absolute_url()).status_code == 404
    url = reverse("notices:attachment", args=[notice.pk])
    assert client.get(url).status_code == 404

    Notice.objects.filter(pk=notice.pk).update(published_at=ago(minutes=1))
    assert "明天发布" in titles(client.get(reverse("notices:list")))
    assert client.get(notice.get_absolute_url()).status_code == 200


def test_search_matches_title_and_text_but_not_markup(client):
    NoticeFactory(title="疗休养报名", body_text="名额有限")
    NoticeFactory(title="安全生产月", body_text="疗休养名单另行通知")
    NoticeFactory(title="其他", body="<p><strong>加粗</strong></p>", body_text="加粗")
    response = client.get(reverse("notices:list"), {"q": "疗休养"})
    assert sorted(titles(response)) == ["安全生产月", "疗休养报名"]
    assert titles(client.get(reverse("notices:list"), {"q": "strong"})) == []


def test_organisation_filter(client, youth_league):
    union = OrganizationFactory()
    NoticeFactory(title="工会通知", organization=union)
    NoticeFactory(title="团委通知", organization=youth_league)
    response = client.get(reverse("notices:list"), {"organization": youth_league.pk})
    assert titles(response) == ["团委通知"]


def test_an_unknown_organisation_shows_the_filter_error(client):
    NoticeFactory()
    response = client.get(reverse("notices:list"), {"organization": 999999})
    assert response.status_code == 200
    assert response.context["notices"] == []
    assert response.context["filter"].errors


def test_pages_without_counting(client, django_assert_num_queries):
    for n in range(25):
        NoticeFactory(title=f"通知{n:02d}", published_at=ago(minutes=n + 1))
    first = client.get(reverse("notices:list"))
    assert len(first.context["notices"]) == 20 and first.context["has_next"]
    second = client.get(reverse("notices:list"), {"page": 2})
    assert titles(second) == [f"通知{n:02d}" for n in range(20, 25)]
    assert not second.context["has_next"]


def _queries(client, django_assert_max_num_queries, url, *, limit):
    caches["fragments"].clear()  # rendered afresh, as after an edit
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["notices:list", "notices:policies", "home"])
def test_query_count_does_not_grow_with_notices(
    client, django_assert_max_num_queries, url_name, venue_a, youth_venue
):
    def make(count):
        for n in range(count):
            NoticeFactory(
                venue=venue_a if n % 2 else youth_venue,
                kind="policy" if n % 3 == 0 else "notice",
                topic="labour" if n % 3 == 0 else "",
                with_pdf=n % 4 == 0,
            )

    url = reverse(url_name)
    make(3)
    few = _queries(client, django_assert_max_num_queries, url, limit=20)
    make(27)
    many = _queries(client, django_assert_max_num_queries, url, limit=20)
    assert few == many


# --- policies ------------------------------------------------------------------


def test_policies_are_grouped_by_topic_in_topic_order(client):
    NoticeFactory(title="科普条例", kind="policy", topic="science")
    NoticeFactory(title="劳动合同法", kind="policy", topic="labour")
    NoticeFactory(title="工资支付规定", kind="policy", topic="labour", pinned=True)
    NoticeFactory(title="未成年人保护法", kind="policy", topic="women_children")
    NoticeFactory(title="不是政策", kind="notice")
    response = client.get(reverse("notices:policies"))
    groups = [
        (group["topic"], [p.title for p in group["policies"]])
        for group in response.context["groups"]
    ]
    assert groups == [
        (Notice.Topic.LABOUR, ["工资支付规定", "劳动合同法"]),
        (Notice.Topic.WOMEN_CHILDREN, ["未成年人保护法"]),
        (Notice.Topic.SCIENCE, ["科普条例"]),
    ]
    assert 'id="topic-labour"' in response.content.decode()


def test_policies_search_and_filter(client, youth_league):
    NoticeFactory(
        title="青年就业政策", kind="policy", topic="youth", organization=youth_league
    )
    NoticeFactory(title="劳动合同法", kind="policy", topic="labour")
    response = client.get(
        reverse("notices:policies"), {"q": "就业", "organization": youth_league.pk}
    )
    assert [p.title for g in response.context["groups"] for p in g["policies"]] == [
        "青年就业政策"
    ]


# --- detail and attachment -----------------------------------------------------


def test_detail_renders_the_sanitised_body_and_escapes_the_rest(client):
    notice = NoticeFactory(
        title="<script>alert('title')</script>",
        body="<p><strong>请于本周五前报名</strong></p>",
    )
    html = client.get(notice.get_absolute_url()).content.decode()
    assert "<p><strong>请于本周五前报名</strong></p>" in html
    assert "<script>alert('title')</script>" not in html
    assert "&lt;script&gt;" in html


def test_detail_links_the_attachment_which_downloads_as_pdf(client):
    notice = NoticeFactory(with_pdf=True)
    url = reverse("notices:attachment", args=[notice.pk])
    assert url in client.get(notice.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_no_attachment_is_a_404(client):
    notice = NoticeFactory()
    assert client.get(reverse("notices:attachment", args=[notice.pk])).status_code == (
        404
    )
