"""Bad input gets a clear error and saves nothing; private pages are 404s."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from representatives.models import Cosigner, LogEntry, Proposal, Rating
from tests.factories import UserFactory
from tests.representatives.factories import congress_setup, log_entry
from tests.representatives.test_flow import act, submitted

State = Proposal.State


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    return congress_setup()


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def proposal_data(world, **overrides):
    rep2, rep3 = world["representatives"][1:]
    return {
        "session": world["session"].pk,
        "title": "工装更新",
        "category": "safety",
        "reason": "工装破旧。",
        "measures": "每年更新。",
        "cosigners": [rep2.pk, rep3.pk],
        **overrides,
    }


def post_new(client, world, data):
    rep = world["representative"]
    client.force_login(rep.user)
    return client.post(reverse("representatives:proposal_new", args=[rep.pk]), data)


def test_a_proposal_without_log_entries_is_refused(client, world):
    response = post_new(client, world, proposal_data(world))
    assert response.status_code == 200
    assert "at least one entry of your work log" in response.content.decode()
    assert not Proposal.objects.exists() and not Cosigner.objects.exists()


def test_another_representatives_entry_or_a_forged_id_is_refused(client, world):
    theirs = log_entry(world["representatives"][1])
    for forged in (theirs.pk, 999999, "x"):
        response = post_new(client, world, proposal_data(world, entries=[forged]))
        assert response.status_code == 200
        assert response.context["form"].errors["entries"]
    assert not Proposal.objects.exists()


def test_a_forged_cosigner_is_refused(client, world):
    entry = log_entry(world["representative"])
    stranger = congress_setup()["representative"]  # of another congress
    for forged in (stranger.pk, world["representative"].pk, 999999):
        data = proposal_data(world, entries=[entry.pk], cosigners=[forged])
        response = post_new(client, world, data)
        assert response.context["form"].errors["cosigners"]
    assert not Proposal.objects.exists()


def test_too_few_cosigners_cannot_submit(client, world, settings):
    proposal = submitted(world, state=State.DRAFT)
    proposal.cosigners.update(confirmed_at=None)
    proposal.cosigners.filter(pk=proposal.cosigners.first().pk).update(
        confirmed_at=timezone.now()
    )
    response = act(client, world["representative"].user, "submit", proposal)
    assert texts(response) == ["It needs at least 2 co-signers who confirmed; 1 have."]
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT and not proposal.events.exists()
    settings.PROPOSAL_MIN_COSIGNERS = 1
    act(client, world["representative"].user, "submit", proposal)
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED


def test_a_forged_department_is_refused(client, world):
    proposal = submitted(world, state=State.REGISTERED)
    other_department = congress_setup()["department"]
    for forged in (other_department.pk, 999999, ""):
        response = act(
            client, world["staff"], "assign", proposal, {"department": forged}
        )
        assert texts(response)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.department) == (State.REGISTERED, None)


def test_an_answer_after_the_deadline_is_refused(client, world):
    past = timezone.localdate() - datetime.timedelta(days=1)
    proposal = submitted(
        world,
        state=State.ASSIGNED,
        department=world["department"],
        assigned_on=past - datetime.timedelta(days=90),
        answer_due=past,
    )
    response = act(
        client,
        world["contact"],
        "answer",
        proposal,
        {"answer": "迟到的答复", "outcome": "explained"},
    )
    assert "The deadline was" in texts(response)[0]
    proposal.refresh_from_db()
    assert (proposal.state, proposal.answer) == (State.ASSIGNED, "")


def test_a_second_rating_is_refused(client, world):
    proposal = submitted(
        world,
        state=State.ANSWERED,
        department=world["department"],
        answer="答复",
        answered_at=timezone.now(),
    )
    cosigner = world["representatives"][1]
    act(client, cosigner.user, "rate", proposal, {"verdict": "satisfied"})
    response = act(client, cosigner.user, "rate", proposal, {"verdict": "not"})
    assert texts(response)[-1] == "You rated this answer already."
    assert list(Rating.objects.values_list("verdict", flat=True)) == ["satisfied"]


def test_the_database_keeps_one_rating_per_person_and_round(world):
    from django.db import IntegrityError, transaction

    proposal = submitted(world, state=State.ANSWERED)
    rep = world["representative"]
    Rating.objects.create(proposal=proposal, representative=rep, round=1, verdict="not")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            proposal=proposal, representative=rep, round=1, verdict="satisfied"
        )


def test_only_the_proposer_and_cosigners_rate(client, world):
    proposal = submitted(world, state=State.ANSWERED, department=world["department"])
    act(client, world["contact"], "rate", proposal, {"verdict": "satisfied"})
    assert not Rating.objects.exists()


def test_a_suggestion_to_a_forged_representative_is_refused(client, world):
    old = congress_setup()
    old["term"].ends_on = timezone.localdate() - datetime.timedelta(days=1)
    old["term"].starts_on = old["term"].ends_on - datetime.timedelta(days=30)
    old["term"].save()
    client.force_login(UserFactory())
    for forged in (old["representative"].pk, 999999, ""):
        response = client.post(
            reverse("representatives:suggest"),
            {"representative": forged, "category": "pay", "text": "建议"},
        )
        assert response.context["form"].errors["representative"]
    assert not LogEntry.objects.exists()


def test_an_empty_log_entry_is_refused(client, world):
    rep = world["representative"]
    client.force_login(rep.user)
    response = client.post(
        reverse("representatives:log", args=[rep.pk]),
        {"talked_on": "", "category": "pay", "urgency": "normal", "text": ""},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"talked_on", "text"}
    assert not LogEntry.objects.exists()


def test_the_log_is_the_representatives_own(client, world):
    rep = world["representative"]
    entry = log_entry(rep, worker_name="张三")
    url = reverse("representatives:log", args=[rep.pk])
    for outsider in (world["representatives"][1].user, world["contact"], UserFactory()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(entry.get_absolute_url()).status_code == 404
    # The union's staff read every entry of their congress.
    client.force_login(world["staff"])
    assert client.get(entry.get_absolute_url()).status_code == 200
    client.force_login(rep.user)
    assert "张三" in client.get(url).content.decode()


def test_an_outsider_gets_404_for_a_proposal_and_its_steps(client, world):
    proposal = submitted(world)
    outsider = congress_setup()["staff"]  # staff of another congress
    client.force_login(outsider)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    response = act(client, outsider, "decide", proposal, {"decision": "register"})
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED


def test_a_cosigner_cannot_take_the_committees_step(client, world):
    proposal = submitted(world)
    cosigner = world["representatives"][1]
    response = act(client, cosigner.user, "decide", proposal, {"decision": "register"})
    assert texts(response) == [
        "Only the congress's staff and proposal committee can do this."
    ]
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED


def test_a_reason_is_needed_unless_accepted(client, world):
    proposal = submitted(world)
    response = act(
        client, world["committee"], "decide", proposal, {"decision": "reject"}
    )
    assert texts(response) == ["Give the reason for this decision."]
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED


def test_honours_only_for_valid_proposals_of_the_session(client, world):
    draft = submitted(world, state=State.DRAFT)
    client.force_login(world["staff"])
    response = client.post(
        reverse("representatives:session_close", args=[world["session"].pk]),
        {"proposals": [draft.pk]},
    )
    assert texts(response)
    world["session"].refresh_from_db()
    assert world["session"].closed_at is None
    draft.refresh_from_db()
    assert not draft.is_excellent


def test_a_step_in_the_wrong_state_is_refused_not_an_error(client, world):
    proposal = submitted(world, state=State.REGISTERED)
    response = act(client, world["staff"], "extend", proposal, {"reason": "延期"})
    assert response.status_code == 302
    assert "cannot become" in texts(response)[-1]
    response = act(
        client,
        world["staff"],
        "answer",
        proposal,
        {"answer": "x", "outcome": "planned"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.extended, proposal.answer) == (
        State.REGISTERED,
        False,
        "",
    )


PLAUSIBLE = {
    "decide": {"decision": "register", "reason": "理由"},
    "assign": {},  # the department is filled in per world
    "send_back": {"reason": "理由"},
    "extend": {"reason": "理由"},
    "answer": {"answer": "答复", "outcome": "planned"},
    "rate": {"verdict": "not", "note": "意见"},
}


@pytest.mark.parametrize("state", Proposal.State.values)
def test_every_step_in_every_state_by_everyone_answers_without_an_error(
    client, world, state
):
    """A wrong step is a message, never a 500, whoever takes it in whatever state."""
    from representatives.views.portal import ACTIONS

    today = timezone.localdate()
    people = [
        world["representative"].user,
        world["representatives"][1].user,
        world["staff"],
        world["contact"],
    ]
    for action in ACTIONS:
        for user in people:
            proposal = submitted(
                world,
                state=state,
                department=world["department"] if state != State.REGISTERED else None,
                assigned_on=today,
                answer_due=today,
            )
            data = dict(PLAUSIBLE.get(action, {}))
            if action == "assign":
                data["department"] = world["department"].pk
            response = act(client, user, action, proposal, data)
            assert response.status_code in (302, 404), (state, action, user)
