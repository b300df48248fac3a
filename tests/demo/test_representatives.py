"""The demo's congress: representatives at work and one proposal in progress."""

from django.urls import reverse

from demo.load import load_demo
from representatives.models import LogEntry, Proposal, Representative


def test_the_demo_congress_has_a_proposal_with_a_department(demo, client):
    proposal = Proposal.objects.get()
    assert proposal.state == Proposal.State.ASSIGNED
    assert proposal.cosigners.filter(confirmed_at__isnull=False).count() == 2
    assert proposal.entries.get().worker.username == "worker"
    rep = Representative.objects.get(user__username="representative")
    assert rep.log_entries.count() == 4

    assert client.login(username="representative", password="representative-demo-2026")
    page = client.get(reverse("representatives:log", args=[rep.pk]))
    assert "管网抢修" in page.content.decode()
    # The demo worker follows the suggestion that fed it.
    client.login(username="worker", password="worker-demo-2026")
    home = client.get(reverse("representatives:home")).content.decode()
    assert proposal.title in home


def test_a_rerun_makes_no_second_congress_rows(demo):
    counts = (Representative.objects.count(), LogEntry.objects.count())
    load_demo()
    assert (Representative.objects.count(), LogEntry.objects.count()) == counts
    assert Proposal.objects.count() == 1
