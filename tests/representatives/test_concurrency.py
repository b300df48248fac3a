"""Real parallel connections (PostgreSQL only): one rating per person and round,
and no confirmation slips past a submission."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from qunxian.workflow import Refused
from representatives import services
from representatives.models import Proposal, Rating
from tests.representatives.factories import congress_setup, log_entry

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="races need PostgreSQL's row locks"
)


def race(calls):
    barrier = threading.Barrier(len(calls))
    results = []

    def attempt(call):
        try:
            barrier.wait()
            call()
            results.append("done")
        except Refused as refused:
            results.append(refused.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=[call]) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def answered():
    world = congress_setup()
    rep = world["representative"]
    proposal = Proposal.objects.create(
        session=world["session"],
        proposer=rep,
        title="工装更新",
        reason="旧。",
        measures="换。",
        category="safety",
        state=Proposal.State.ANSWERED,
        department=world["department"],
        answer="已换。",
        answered_at=timezone.now(),
    )
    proposal.entries.add(log_entry(rep))
    for other in world["representatives"][1:]:
        proposal.cosigners.create(representative=other, confirmed_at=timezone.now())
    return world, proposal


@pytest.mark.django_db(transaction=True)
def test_six_clicks_of_one_person_make_one_rating():
    world, proposal = answered()
    cosigner = world["representatives"][1].user
    results = race(
        [
            lambda: services.proposal_rate(
                proposal=proposal, actor=cosigner, verdict="satisfied"
            )
        ]
        * 6
    )
    assert results == ["done"] + ["duplicate"] * 5
    assert Rating.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_proposer_and_cosigners_rate_at_once():
    world, proposal = answered()
    raters = [rep.user for rep in world["representatives"]]
    results = race(
        [
            (
                lambda user=user: services.proposal_rate(
                    proposal=proposal, actor=user, verdict="basically"
                )
            )
            for user in raters
        ]
    )
    assert results == ["done"] * 3
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.CLOSED
    assert Rating.objects.count() == 3
