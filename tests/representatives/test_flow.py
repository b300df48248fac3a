"""The issue's "done when", through HTTP: a worker's suggestion is logged, raised
as a co-signed proposal, accepted, answered by a department, rated by its
proposer and named excellent at the session's end, the worker seeing each step.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from qunxian.models import AuditEntry, Notification, NotificationKind
from representatives.models import LogEntry, Proposal, Rating, add_months
from tests.factories import UserFactory
from tests.representatives.factories import congress_setup, log_entry

State = Proposal.State


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client, user, name, proposal, data=None):
    client.force_login(user)
    return client.post(
        reverse(f"representatives:proposal_{name}", args=[proposal.pk]), data or {}
    )


@pytest.fixture
def world(db):
    return congress_setup()


def test_a_suggestion_goes_all_the_way_and_the_worker_sees_each_step(client, world):
    worker = UserFactory(display_name="王师傅")
    rep, rep2, rep3 = world["representatives"]
    # The worker sends a suggestion to their representative.
    client.force_login(worker)
    response = client.post(
        reverse("representatives:suggest"),
        {"representative": rep.pk, "category": "canteen", "text": "夜班食堂没有热饭"},
    )
    entry = LogEntry.objects.get()
    assert response.status_code == 302
    assert (entry.worker, entry.source, entry.representative) == (worker, "sent", rep)
    assert Notification.objects.filter(
        user=rep.user, kind=NotificationKind.PROPOSAL
    ).exists()

    # The representative raises it as a proposal with two co-signers.
    client.force_login(rep.user)
    response = client.post(
        reverse("representatives:proposal_new", args=[rep.pk]),
        {
            "session": world["session"].pk,
            "title": "夜班食堂供应热饭",
            "category": "canteen",
            "reason": "夜班职工吃不上热饭。",
            "measures": "食堂夜间留一个窗口。",
            "entries": [entry.pk],
            "cosigners": [rep2.pk, rep3.pk],
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.state == State.DRAFT
    assert list(proposal.entries.all()) == [entry]
    # A draft is not the worker's to see yet.
    client.force_login(worker)
    assert client.get(proposal.get_absolute_url()).status_code == 404

    for cosigner in (rep2, rep3):
        act(client, cosigner.user, "cosign", proposal)
    act(client, rep.user, "submit", proposal)
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED

    # The committee decides; the decision is a separate step from publishing it.
    act(client, world["committee"], "decide", proposal, {"decision": "register"})
    proposal.refresh_from_db()
    assert proposal.state == State.DECIDED
    assert not Notification.objects.filter(
        user=worker, title__contains="registered"
    ).exists()
    act(client, world["staff"], "publish", proposal)
    proposal.refresh_from_db()
    assert proposal.state == State.REGISTERED
    assert Notification.objects.filter(user=worker, title__contains="registered")

    act(
        client,
        world["staff"],
        "assign",
        proposal,
        {"department": world["department"].pk},
    )
    proposal.refresh_from_db()
    today = timezone.localdate()
    assert proposal.state == State.ASSIGNED
    assert proposal.answer_due == add_months(today, 3)

    act(
        client,
        world["contact"],
        "answer",
        proposal,
        {"answer": "已开设夜间窗口。", "outcome": "implemented"},
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.outcome) == (State.ANSWERED, "implemented")

    act(client, rep2.user, "rate", proposal, {"verdict": "basically"})
    act(client, rep.user, "rate", proposal, {"verdict": "satisfied"})
    proposal.refresh_from_db()
    assert proposal.state == State.CLOSED
    assert Rating.objects.count() == 2

    # The end of the session: the committee's honours.
    client.force_login(world["committee"])
    response = client.post(
        reverse("representatives:session_close", args=[world["session"].pk]),
        {"proposals": [proposal.pk], "representatives": [rep.pk]},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.is_excellent

    page = client.get(reverse("representatives:congress", args=[world["congress"].pk]))
    assert "夜班食堂供应热饭" in page.content.decode()
    figures = page.context["sessions"][0].figures
    assert (figures.received, figures.valid, figures.answered_on_time) == (1, 1, 1)
    assert figures.satisfaction == 100

    # The worker saw every published step, and sees the answer on their page.
    client.force_login(worker)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "已开设夜间窗口。" in page
    steps = list(proposal.events.values_list("to_state", flat=True))
    assert steps == [
        "draft",
        "submitted",
        "decided",
        "registered",
        "assigned",
        "answered",
        "closed",
    ]
    home = client.get(reverse("representatives:home")).content.decode()
    assert "夜班食堂供应热饭" in home
    # Every person's step is audited.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "logentry.send",
        "proposal.create",
        "proposal.cosign",
        "proposal.submit",
        "proposal.decide",
        "proposal.publish_registered",
        "proposal.assign",
        "proposal.answer",
        "proposal.rate",
        "proposal.close",
        "session.close",
    } <= actions


def submitted(world, **fields):
    """A proposal past its co-signing, in `state`, with `fields`."""
    rep = world["representative"]
    proposal = Proposal.objects.create(
        session=world["session"],
        proposer=rep,
        title="安全帽更新",
        reason="旧安全帽老化。",
        measures="统一更换。",
        category="safety",
        state=fields.pop("state", State.SUBMITTED),
        **fields,
    )
    proposal.entries.add(log_entry(rep))
    for other in world["representatives"][1:]:
        proposal.cosigners.create(representative=other, confirmed_at=timezone.now())
    return proposal


def test_not_satisfied_from_the_proposer_sends_it_back_once(client, world):
    today = timezone.localdate()
    proposal = submitted(
        world,
        state=State.ANSWERED,
        department=world["department"],
        assigned_on=today,
        answer_due=today,
        answer="研究中。",
        answered_at=timezone.now(),
        answered_on_time=True,
    )
    rep = world["representative"]
    act(client, rep.user, "rate", proposal, {"verdict": "not", "note": "没有落实"})
    proposal.refresh_from_db()
    assert (proposal.state, proposal.round) == (State.ASSIGNED, 2)
    assert proposal.answer_due == add_months(today, 1)
    act(
        client,
        world["contact"],
        "answer",
        proposal,
        {"answer": "已落实。", "outcome": "partly"},
    )
    act(client, rep.user, "rate", proposal, {"verdict": "not"})
    proposal.refresh_from_db()
    assert proposal.state == State.CLOSED  # a second "not" closes it
    assert proposal.ratings.count() == 2


def test_the_department_sends_it_back_within_ten_days_and_extends_once(client, world):
    today = timezone.localdate()
    proposal = submitted(
        world,
        state=State.ASSIGNED,
        department=world["department"],
        assigned_on=today,
        answer_due=add_months(today, 3),
    )
    response = act(client, world["contact"], "extend", proposal, {"reason": "需预算"})
    proposal.refresh_from_db()
    assert proposal.extended and proposal.answer_due == add_months(today, 4)
    response = act(client, world["contact"], "extend", proposal, {"reason": "再延"})
    assert "The deadline was extended once already." in texts(response)
    proposal.refresh_from_db()
    assert proposal.answer_due == add_months(today, 4)

    act(client, world["contact"], "send_back", proposal, {"reason": "不属本部门"})
    proposal.refresh_from_db()
    assert (proposal.state, proposal.department) == (State.REGISTERED, None)


def test_a_department_cannot_send_back_after_ten_days(client, world):
    long_ago = timezone.localdate() - datetime.timedelta(days=11)
    proposal = submitted(
        world,
        state=State.ASSIGNED,
        department=world["department"],
        assigned_on=long_ago,
        answer_due=add_months(long_ago, 3),
    )
    response = act(client, world["contact"], "send_back", proposal, {"reason": "x"})
    assert "only within 10 days" in texts(response)[0]
    proposal.refresh_from_db()
    assert proposal.state == State.ASSIGNED


def test_each_decision_is_published_as_its_own_state(client, world):
    other = submitted(world)
    for decision, state in [
        ("opinion", State.OPINION),
        ("reject", State.NOT_ACCEPTED),
        ("merge", State.MERGED),
    ]:
        proposal = submitted(world)
        data = {"decision": decision, "reason": "理由"}
        if decision == "merge":
            data["merged_into"] = other.pk
        act(client, world["committee"], "decide", proposal, data)
        act(client, world["staff"], "publish", proposal)
        proposal.refresh_from_db()
        assert proposal.state == state
        assert proposal.decision_reason == "理由"


def test_the_office_grants_the_one_extension_after_the_deadline(client, world):
    past = timezone.localdate() - datetime.timedelta(days=1)
    proposal = submitted(
        world,
        state=State.ASSIGNED,
        department=world["department"],
        assigned_on=past - datetime.timedelta(days=90),
        answer_due=past,
    )
    act(client, world["staff"], "extend", proposal, {"reason": "部门请求延期"})
    proposal.refresh_from_db()
    assert proposal.extended and proposal.answer_due == add_months(past, 1)
    act(
        client,
        world["contact"],
        "answer",
        proposal,
        {"answer": "已落实。", "outcome": "implemented"},
    )
    proposal.refresh_from_db()
    assert proposal.state == State.ANSWERED
    assert proposal.answered_on_time is False  # it took the extension


def test_the_committees_reason_is_the_offices_until_published(client, world):
    worker = UserFactory()
    proposal = submitted(world)
    proposal.entries.add(log_entry(world["representative"], worker=worker))
    data = {"decision": "reject", "reason": "内部讨论的理由"}
    act(client, world["committee"], "decide", proposal, data)
    for outsider in (worker, world["representative"].user):
        client.force_login(outsider)
        assert (
            "内部讨论的理由"
            not in client.get(proposal.get_absolute_url()).content.decode()
        )
    client.force_login(world["staff"])
    assert "内部讨论的理由" in client.get(proposal.get_absolute_url()).content.decode()
    act(client, world["staff"], "publish", proposal)
    client.force_login(worker)
    assert "内部讨论的理由" in client.get(proposal.get_absolute_url()).content.decode()


def test_the_worker_hears_when_their_suggestion_is_raised(client, world):
    worker = UserFactory()
    proposal = submitted(world, state=State.DRAFT)
    proposal.entries.add(log_entry(world["representative"], worker=worker))
    act(client, world["representative"].user, "submit", proposal)
    message = Notification.objects.get(user=worker)
    assert message.kind == NotificationKind.PROPOSAL
    assert message.url == proposal.get_absolute_url()


def test_deadline_alerts_go_once_to_the_department_then_the_office(world):
    from representatives.services import proposal_alerts_send

    today = timezone.localdate()
    soon = submitted(
        world,
        state=State.ASSIGNED,
        department=world["department"],
        assigned_on=today,
        answer_due=today + datetime.timedelta(days=3),
    )
    submitted(
        world,
        state=State.ASSIGNED,
        department=world["department"],
        assigned_on=today - datetime.timedelta(days=100),
        answer_due=today - datetime.timedelta(days=1),
    )
    # The contact hears of the one due soon; the staff and committee of the late one.
    assert proposal_alerts_send() == 3
    assert proposal_alerts_send() == 0
    assert (
        Notification.objects.get(user=world["contact"]).url == soon.get_absolute_url()
    )
    assert Notification.objects.filter(user=world["committee"]).count() == 1
