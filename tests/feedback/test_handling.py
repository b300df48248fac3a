"""Handling feedback in the two admin ends: appeals through their loop, reviews.

Managers handle what is sent to their venues; the district console handles what
is sent to the district and, as escalation, any venue's item while overdue.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback.models import Appeal, AppealEvent, Review
from feedback.selectors import manager_inbox_counts
from qunxian.models import AuditEntry, Notification
from tests.factories import AppealFactory, ReviewFactory, UserFactory

State = Appeal.State
DAY = datetime.timedelta(days=1)
XSS = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def appeal_at(venue, *, state=State.SUBMITTED, late=False, days_ago=1, **fields):
    """An appeal row in `state`; `late` puts its current deadline in the past."""
    now = timezone.now()
    appeal = AppealFactory(venue=venue, state=state, **fields)
    if late:
        fields = {"accept_due": now - DAY, "resolve_due": now + DAY}
        if state == State.ACCEPTED:
            fields = {"accept_due": now - 3 * DAY, "resolve_due": now - DAY}
        Appeal.objects.filter(pk=appeal.pk).update(**fields)
    # created_at is auto_now_add: set it after, to fix the order of a list.
    Appeal.objects.filter(pk=appeal.pk).update(created_at=now - days_ago * DAY)
    appeal.refresh_from_db()
    return appeal


def snapshot(appeal) -> tuple:
    appeal.refresh_from_db()
    return (
        appeal.state,
        appeal.reply,
        appeal.close_reason,
        appeal.events.count(),
        Notification.objects.filter(user=appeal.user).count(),
    )


@pytest.fixture
def as_manager_a(client, manager_a):
    client.force_login(manager_a)
    return client


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def step_url(namespace, action, appeal):
    return reverse(f"{namespace}:appeal_{action}", args=[appeal.pk])


# -- Every transition through HTTP


def test_manager_accepts_a_submitted_appeal(as_manager_a, manager_a, venue_a):
    appeal = appeal_at(venue_a)
    response = as_manager_a.post(step_url("manage", "accept", appeal))
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:appeal_detail", args=[appeal.pk])
    appeal.refresh_from_db()
    assert appeal.state == State.ACCEPTED
    assert appeal.accepted_at is not None
    event = appeal.events.get()
    assert (event.from_state, event.to_state, event.actor) == (
        State.SUBMITTED,
        State.ACCEPTED,
        manager_a,
    )
    assert Notification.objects.filter(user=appeal.user).count() == 1
    assert any("Accepted" in text for text in texts(response))


def test_manager_resolves_an_accepted_appeal_with_a_reply(as_manager_a, venue_a):
    appeal = appeal_at(venue_a, state=State.ACCEPTED)
    response = as_manager_a.post(
        step_url("manage", "resolve", appeal), {"reply": "  已添置微波炉一台。 "}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == State.RESOLVED
    assert appeal.reply == "已添置微波炉一台。"
    assert appeal.resolved_at is not None
    assert appeal.events.get().reason == "已添置微波炉一台。"
    notice = Notification.objects.get(user=appeal.user)
    assert notice.body == "已添置微波炉一台。"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"why": "duplicate"}, "Duplicate of another item"),
        (
            {"why": "out_of_scope", "note": "属市政管理"},
            "Outside what we can act on: 属市政管理",
        ),
        ({"why": "other", "note": "提交人已撤回"}, "提交人已撤回"),
    ],
)
def test_manager_closes_an_open_appeal_with_a_reason(
    as_manager_a, venue_a, data, reason
):
    appeal = appeal_at(venue_a, state=State.ACCEPTED)
    response = as_manager_a.post(step_url("manage", "close", appeal), data)
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == State.CLOSED
    assert appeal.close_reason == reason
    assert appeal.closed_at is not None
    assert appeal.events.get().reason == reason


@pytest.mark.parametrize(
    ("state", "action", "data", "message"),
    [
        (State.SUBMITTED, "resolve", {"reply": "已处理"}, "cannot become"),
        (State.RESOLVED, "accept", {}, "cannot become"),
        (State.CONFIRMED, "close", {"why": "duplicate"}, "cannot become"),
        (State.ACCEPTED, "accept", {}, "is already “Accepted”."),
        (State.ACCEPTED, "resolve", {"reply": "   "}, "Please write what was done."),
        (State.ACCEPTED, "resolve", {}, "Please write what was done."),
        (State.SUBMITTED, "close", {}, "Please give a reason."),
        (
            State.SUBMITTED,
            "close",
            {"why": "other", "note": " "},
            "Please give a reason.",
        ),
        (State.SUBMITTED, "close", {"why": "made-up"}, "Select a valid choice"),
    ],
)
def test_a_forbidden_step_changes_nothing_and_says_why(
    as_manager_a, venue_a, state, action, data, message
):
    appeal = appeal_at(venue_a, state=state)
    before = snapshot(appeal)
    response = as_manager_a.post(step_url("manage", action, appeal), data)
    assert response.status_code == 302
    assert snapshot(appeal) == before
    errors = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert any(message in str(m) for m in errors), [str(m) for m in errors]


def test_appeal_page_offers_only_the_steps_its_state_allows(as_manager_a, venue_a):
    submitted = appeal_at(venue_a)
    accepted = appeal_at(venue_a, state=State.ACCEPTED)
    resolved = appeal_at(venue_a, state=State.RESOLVED, reply="已处理")

    def page(appeal):
        url = reverse("manage:appeal_detail", args=[appeal.pk])
        return as_manager_a.get(url).content.decode()

    html = page(submitted)
    assert step_url("manage", "accept", submitted) in html
    assert step_url("manage", "close", submitted) in html
    assert step_url("manage", "resolve", submitted) not in html
    html = page(accepted)
    assert step_url("manage", "resolve", accepted) in html
    assert step_url("manage", "accept", accepted) not in html
    html = page(resolved)
    for action in ("accept", "resolve", "close"):
        assert step_url("manage", action, resolved) not in html


def test_appeal_page_shows_photo_thumbnail_and_timeline(as_manager_a, venue_a):
    appeal = appeal_at(venue_a)
    appeal.photo.name = "appeals/full.jpg"
    appeal.photo_thumbnail.name = "appeals/thumb.jpg"
    appeal.save(update_fields=["photo", "photo_thumbnail"])
    AppealEvent.objects.create(
        appeal=appeal, actor=appeal.user, to_state=State.SUBMITTED
    )
    response = as_manager_a.get(reverse("manage:appeal_detail", args=[appeal.pk]))
    html = response.content.decode()
    thumbnail = reverse("feedback:appeal_thumbnail", args=[appeal.pk])
    assert f'src="{thumbnail}"' in html
    assert f'href="{reverse("feedback:appeal_photo", args=[appeal.pk])}"' in html
    assert "/media/" not in html
    assert list(response.context["appeal"].events.all())[0].to_state == State.SUBMITTED
    assert str(appeal.user) in html


# -- Deadlines


def test_overdue_items_are_marked_and_listed_first(as_manager_a, venue_a):
    on_time = appeal_at(venue_a, days_ago=5)
    done = appeal_at(venue_a, state=State.RESOLVED, days_ago=6, reply="好")
    late_to_accept = appeal_at(venue_a, late=True, days_ago=1)
    late_to_resolve = appeal_at(venue_a, state=State.ACCEPTED, late=True, days_ago=2)
    # Deadlines past but handled: a resolved item is not overdue.
    Appeal.objects.filter(pk=done.pk).update(
        accept_due=timezone.now() - 9 * DAY, resolve_due=timezone.now() - 8 * DAY
    )

    response = as_manager_a.get(reverse("manage:appeal_list"))
    order = [a.pk for a in response.context["appeals"]]
    assert order == [late_to_resolve.pk, late_to_accept.pk, on_time.pk, done.pk]
    assert response.content.decode().count('class="overdue"') == 2

    detail = as_manager_a.get(
        reverse("manage:appeal_detail", args=[late_to_resolve.pk])
    )
    assert detail.context["is_overdue"] and detail.context["resolve_late"]
    assert not detail.context["accept_late"]
    assert "Overdue" in detail.content.decode()
    on_time_page = as_manager_a.get(reverse("manage:appeal_detail", args=[on_time.pk]))
    assert not on_time_page.context["is_overdue"]
    assert 'class="overdue"' not in on_time_page.content.decode()


def test_manager_filters_appeals_by_state_and_venue(
    as_manager_a, manager_a, venue_a, venue_b
):
    from tests.factories import VenueFactory

    second = VenueFactory(name="场所丙")
    second.managers.add(manager_a)
    late = appeal_at(venue_a, late=True)
    resolved = appeal_at(venue_a, state=State.RESOLVED)
    elsewhere = appeal_at(second)
    url = reverse("manage:appeal_list")

    def listed(**query):
        return {a.pk for a in as_manager_a.get(url, query).context["appeals"]}

    assert listed() == {late.pk, resolved.pk, elsewhere.pk}
    assert listed(state="overdue") == {late.pk}
    assert listed(state="open") == {late.pk, elsewhere.pk}
    assert listed(state="resolved") == {resolved.pk}
    assert listed(venue=second.pk) == {elsewhere.pk}
    # Another manager's venue is not a choice: the filter is invalid, nothing shown.
    assert listed(venue=venue_b.pk) == set()


# -- Escalation to the district


def test_an_overdue_venue_appeal_reaches_the_console_and_an_admin_can_act(
    as_admin, admin_user, venue_a
):
    appeal = appeal_at(venue_a, late=True)
    listed = as_admin.get(reverse("console:appeal_list")).context["appeals"]
    assert [a.pk for a in listed] == [appeal.pk]
    assert (
        as_admin.get(reverse("console:appeal_detail", args=[appeal.pk])).status_code
        == 200
    )

    response = as_admin.post(step_url("console", "accept", appeal))
    appeal.refresh_from_db()
    assert appeal.state == State.ACCEPTED
    assert appeal.events.get().actor == admin_user
    # On time again (resolve_due is ahead): back with the venue, so back to the list.
    assert response["Location"] == reverse("console:appeal_list")
    assert any("no longer overdue" in text for text in texts(response))
    assert (
        as_admin.get(reverse("console:appeal_detail", args=[appeal.pk])).status_code
        == 404
    )


def test_an_admin_resolves_and_closes_escalated_appeals(as_admin, venue_a):
    late = appeal_at(venue_a, state=State.ACCEPTED, late=True)
    as_admin.post(step_url("console", "resolve", late), {"reply": "区里已协调处理"})
    late.refresh_from_db()
    assert (late.state, late.reply) == (State.RESOLVED, "区里已协调处理")

    other = appeal_at(venue_a, late=True)
    as_admin.post(step_url("console", "close", other), {"why": "duplicate"})
    other.refresh_from_db()
    assert other.state == State.CLOSED


def test_an_on_time_venue_appeal_is_404_in_the_console(as_admin, venue_a):
    appeal = appeal_at(venue_a)
    assert (
        as_admin.get(reverse("console:appeal_detail", args=[appeal.pk])).status_code
        == 404
    )
    before = snapshot(appeal)
    for action, data in (("accept", {}), ("close", {"why": "duplicate"})):
        assert (
            as_admin.post(step_url("console", action, appeal), data).status_code == 404
        )
    assert snapshot(appeal) == before
    assert not as_admin.get(reverse("console:appeal_list")).context["appeals"]


def test_district_appeals_appear_only_in_the_console(
    client, manager_a, admin_user, venue_a
):
    district = appeal_at(None)
    client.force_login(manager_a)
    assert not client.get(reverse("manage:appeal_list")).context["appeals"]
    url = reverse("manage:appeal_detail", args=[district.pk])
    assert client.get(url).status_code == 404

    client.force_login(admin_user)
    listed = client.get(reverse("console:appeal_list")).context["appeals"]
    assert [a.pk for a in listed] == [district.pk]
    response = client.post(step_url("console", "accept", district))
    # Still the district's: back to its page.
    assert response["Location"] == reverse("console:appeal_detail", args=[district.pk])
    response = client.post(
        step_url("console", "resolve", district), {"reply": "已转交"}
    )
    district.refresh_from_db()
    assert district.state == State.RESOLVED
    assert client.get(response["Location"]).status_code == 200


def test_console_filters_by_whom_the_appeal_was_sent_to(as_admin, venue_a):
    district = appeal_at(None)
    escalated = appeal_at(venue_a, late=True)
    url = reverse("console:appeal_list")

    def listed(**query):
        return [a.pk for a in as_admin.get(url, query).context["appeals"]]

    assert listed(addressed_to="district") == [district.pk]
    assert listed(addressed_to="venues") == [escalated.pk]
    assert listed(state="overdue") == [escalated.pk]


# -- Scoping


def test_manager_of_other_venue_gets_404_on_appeals(client, manager_b, venue_a):
    appeal = appeal_at(venue_a, late=True)
    client.force_login(manager_b)
    assert (
        client.get(reverse("manage:appeal_detail", args=[appeal.pk])).status_code == 404
    )
    before = snapshot(appeal)
    for action, data in (
        ("accept", {}),
        ("resolve", {"reply": "x"}),
        ("close", {"why": "duplicate"}),
    ):
        assert client.post(step_url("manage", action, appeal), data).status_code == 404
    assert snapshot(appeal) == before
    assert not client.get(reverse("manage:appeal_list")).context["appeals"]


def test_manager_of_other_venue_gets_404_on_reviews(client, manager_b, venue_a):
    review = ReviewFactory(venue=venue_a)
    client.force_login(manager_b)
    assert (
        client.get(reverse("manage:review_detail", args=[review.pk])).status_code == 404
    )
    url = reverse("manage:review_reply", args=[review.pk])
    assert client.post(url, {"reply": "谢谢"}).status_code == 404
    review.refresh_from_db()
    assert review.reply == ""
    assert not Notification.objects.exists()
    assert not client.get(reverse("manage:review_list"), {"show": "all"}).context[
        "reviews"
    ]


@pytest.mark.parametrize(
    "name",
    [
        "manage:appeal_list",
        "manage:review_list",
        "console:appeal_list",
        "console:review_list",
    ],
)
def test_lists_are_closed_to_workers_and_ask_anonymous_to_log_in(client, worker, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(worker)
    assert client.get(reverse(name)).status_code == 403


def test_worker_cannot_post_a_step(client, worker, venue_a):
    appeal = appeal_at(None)
    before = snapshot(appeal)
    client.force_login(worker)
    assert client.post(step_url("console", "accept", appeal)).status_code == 403
    assert client.post(step_url("manage", "accept", appeal)).status_code == 403
    assert snapshot(appeal) == before


def test_managers_cannot_reach_the_console(client, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("console:appeal_list")).status_code == 403
    assert client.get(reverse("console:review_list")).status_code == 403


# -- Reviews: replies


def test_reply_is_published_and_the_author_is_notified(
    as_manager_a, manager_a, venue_a
):
    review = ReviewFactory(venue=venue_a)
    response = as_manager_a.post(
        reverse("manage:review_reply", args=[review.pk]), {"reply": " 感谢您的评价！ "}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reply == "感谢您的评价！"
    assert review.replied_by == manager_a
    assert review.replied_at is not None
    notice = Notification.objects.get(user=review.user)
    assert venue_a.name in notice.title
    assert notice.body == "感谢您的评价！"
    assert any("published" in text for text in texts(response))


def test_empty_reply_changes_nothing(as_manager_a, venue_a):
    review = ReviewFactory(venue=venue_a)
    response = as_manager_a.post(
        reverse("manage:review_reply", args=[review.pk]), {"reply": "   "}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reply == "" and review.replied_by is None
    assert not Notification.objects.exists()
    assert "Please write a reply." in texts(response)


def test_review_list_shows_awaiting_by_default_and_all_on_request(
    as_manager_a, venue_a
):
    awaiting = ReviewFactory(venue=venue_a)
    replied = ReviewFactory(venue=venue_a, reply="谢谢")
    hidden = ReviewFactory(
        venue=venue_a, state=Review.State.HIDDEN, hidden_reason="广告"
    )
    url = reverse("manage:review_list")

    default = as_manager_a.get(url).context["reviews"]
    assert [r.pk for r in default] == [awaiting.pk]
    everything = as_manager_a.get(url, {"show": "all"}).context["reviews"]
    assert {r.pk for r in everything} == {awaiting.pk, replied.pk, hidden.pk}
    assert "广告" in as_manager_a.get(url, {"show": "all"}).content.decode()


# -- Reviews: moderation


def test_hide_and_unhide_need_a_reason_and_keep_the_venue_counts(
    client, admin_user, venue_a, worker
):
    good = ReviewFactory(venue=venue_a, rating=5, text="很好")
    poor = ReviewFactory(venue=venue_a, user=worker, rating=2, text="垃圾广告")
    client.force_login(admin_user)

    response = client.post(
        reverse("console:review_hide", args=[poor.pk]), {"reason": ""}
    )
    poor.refresh_from_db()
    assert poor.state == Review.State.VISIBLE
    assert "Please give a reason." in texts(response)
    assert not AuditEntry.objects.filter(action="review.hide").exists()

    client.post(reverse("console:review_hide", args=[poor.pk]), {"reason": "广告内容"})
    poor.refresh_from_db()
    venue_a.refresh_from_db()
    assert (poor.state, poor.hidden_reason) == (Review.State.HIDDEN, "广告内容")
    assert (venue_a.review_count, venue_a.good_review_count) == (1, 1)
    assert AuditEntry.objects.filter(action="review.hide", subject_id=poor.pk).exists()

    # The public no longer sees it; its author does, with the reason.
    public = client.get(reverse("feedback:venue_reviews", args=[venue_a.pk]))
    assert "垃圾广告" not in public.content.decode()
    assert "很好" in public.content.decode()
    client.force_login(worker)
    mine = client.get(reverse("feedback:mine")).content.decode()
    assert "垃圾广告" in mine and "广告内容" in mine

    client.force_login(admin_user)
    client.post(reverse("console:review_hide", args=[good.pk]), {"reason": "测试"})
    venue_a.refresh_from_db()
    assert (venue_a.review_count, venue_a.good_review_count) == (0, 0)

    response = client.post(reverse("console:review_unhide", args=[poor.pk]))
    assert response["Location"] == reverse("console:review_list")
    poor.refresh_from_db()
    venue_a.refresh_from_db()
    assert (poor.state, poor.hidden_reason) == (Review.State.VISIBLE, "")
    assert (venue_a.review_count, venue_a.good_review_count) == (1, 0)


def test_console_filters_reviews_by_visibility_and_venue(as_admin, venue_a, venue_b):
    shown = ReviewFactory(venue=venue_a)
    hidden = ReviewFactory(venue=venue_a, state=Review.State.HIDDEN, hidden_reason="x")
    other = ReviewFactory(venue=venue_b)
    url = reverse("console:review_list")

    def listed(**query):
        return {r.pk for r in as_admin.get(url, query).context["reviews"]}

    assert listed() == {shown.pk, hidden.pk, other.pk}
    assert listed(state="hidden") == {hidden.pk}
    assert listed(state="visible", venue=venue_a.pk) == {shown.pk}


def test_hide_goes_back_to_the_filtered_list(as_admin, venue_a):
    review = ReviewFactory(venue=venue_a)
    back = reverse("console:review_list") + "?state=visible"
    response = as_admin.post(
        reverse("console:review_hide", args=[review.pk]), {"reason": "x", "next": back}
    )
    assert response["Location"] == back
    evil = as_admin.post(
        reverse("console:review_unhide", args=[review.pk]),
        {"next": "https://evil.example/"},
    )
    assert evil["Location"] == reverse("console:review_list")


# -- User text is escaped


def test_appeal_text_is_escaped_on_handler_pages(
    client, manager_a, admin_user, venue_a
):
    appeal = appeal_at(venue_a, late=True, text=XSS)
    AppealEvent.objects.create(
        appeal=appeal, actor=appeal.user, to_state=State.SUBMITTED, reason=XSS
    )
    district = appeal_at(None, text=XSS, close_reason=XSS, reply=XSS)
    pages = [
        (manager_a, reverse("manage:appeal_list")),
        (manager_a, reverse("manage:appeal_detail", args=[appeal.pk])),
        (admin_user, reverse("console:appeal_list")),
        (admin_user, reverse("console:appeal_detail", args=[appeal.pk])),
        (admin_user, reverse("console:appeal_detail", args=[district.pk])),
    ]
    for user, url in pages:
        client.force_login(user)
        html = client.get(url).content.decode()
        assert XSS not in html, url
        assert "&lt;script&gt;" in html, url


def test_review_text_and_reply_are_escaped_on_handler_pages(
    client, manager_a, admin_user, venue_a
):
    author = UserFactory(display_name=XSS)
    review = ReviewFactory(venue=venue_a, user=author, text=XSS)
    replied = ReviewFactory(venue=venue_a, text="好", reply=XSS)
    hidden = ReviewFactory(
        venue=venue_a, text="好", state=Review.State.HIDDEN, hidden_reason=XSS
    )
    assert replied.pk and hidden.pk
    pages = [
        (manager_a, reverse("manage:review_list") + "?show=all"),
        (manager_a, reverse("manage:review_detail", args=[review.pk])),
        (admin_user, reverse("console:review_list")),
    ]
    for user, url in pages:
        client.force_login(user)
        html = client.get(url).content.decode()
        assert XSS not in html, url
        assert ESCAPED in html, url


# -- Query counts do not grow with the list


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _appeals(venue, count):
    for n in range(count):
        appeal_at(venue, late=n % 2 == 0, user=UserFactory())


def _reviews(venue, count):
    for n in range(count):
        ReviewFactory(venue=venue, user=UserFactory(), reply="谢谢" if n % 3 else "")


@pytest.mark.parametrize(
    ("who", "url_name", "make"),
    [
        ("manager_a", "manage:appeal_list", _appeals),
        ("admin_user", "console:appeal_list", _appeals),
        ("manager_a", "manage:review_list", _reviews),
        ("admin_user", "console:review_list", _reviews),
    ],
)
def test_list_query_count_is_bounded_and_does_not_grow(
    client, request, venue_a, django_assert_max_num_queries, who, url_name, make
):
    user = request.getfixturevalue(who)
    request.getfixturevalue("manager_a")  # venue_a has its manager in both cases
    client.force_login(user)
    url = reverse(url_name) + ("?show=all" if url_name == "manage:review_list" else "")
    make(venue_a, 3)
    few = _queries(client, url)
    make(venue_a, 27)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    assert _queries(client, url) == few


# -- The manager's inbox counts


def test_manager_inbox_counts(manager_a, venue_a, venue_b, django_assert_num_queries):
    appeal_at(venue_a)  # open, on time
    appeal_at(venue_a, late=True)  # open, overdue to accept
    appeal_at(venue_a, state=State.ACCEPTED, late=True)  # open, overdue to resolve
    appeal_at(venue_a, state=State.RESOLVED)
    appeal_at(venue_a, state=State.CLOSED)
    appeal_at(venue_b, late=True)  # not mine
    appeal_at(None, late=True)  # the district's
    ReviewFactory(venue=venue_a)  # awaiting
    ReviewFactory(venue=venue_a)  # awaiting
    ReviewFactory(venue=venue_a, reply="谢谢")
    ReviewFactory(venue=venue_a, state=Review.State.HIDDEN, hidden_reason="x")
    ReviewFactory(venue=venue_b)
    with django_assert_num_queries(2):
        counts = manager_inbox_counts(manager_a)
    assert counts == {
        "appeals_open": 3,
        "appeals_overdue": 2,
        "reviews_awaiting_reply": 2,
    }


def test_inbox_counts_are_zero_for_someone_managing_nothing(worker):
    assert manager_inbox_counts(worker) == {
        "appeals_open": 0,
        "appeals_overdue": 0,
        "reviews_awaiting_reply": 0,
    }
