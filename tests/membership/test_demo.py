"""The demo's membership: the worker's card, queues with work, idempotent."""

import pytest
from django.urls import reverse

from demo.load import load_demo
from membership.models import FastTrackList, Membership, MembershipApplication
from qunxian.models import User


@pytest.fixture
def demo(db):
    return load_demo()


def test_the_demo_worker_has_a_card_and_the_queues_have_work(demo, client):
    worker = User.objects.get(username="worker")
    assert Membership.objects.valid().filter(user=worker).exists()
    client.force_login(worker)
    assert (
        reverse("membership:card")
        in client.get(reverse("membership:greeting")).content.decode()
    )
    assert client.get(reverse("membership:card")).status_code == 200

    manager = User.objects.get(username="manager")
    client.force_login(manager)
    queue = client.get(reverse("manage:membership_queue")).content.decode()
    assert "赵小哥" in queue and 'name="applications"' in queue
    assert FastTrackList.objects.current().exists()
    assert MembershipApplication.objects.open().filter(venue__isnull=True).exists()


def test_loading_the_demo_again_adds_no_membership_rows(demo):
    counts = (
        MembershipApplication.objects.count(),
        Membership.objects.count(),
        FastTrackList.objects.count(),
    )
    load_demo()
    assert counts == (
        MembershipApplication.objects.count(),
        Membership.objects.count(),
        FastTrackList.objects.count(),
    )
