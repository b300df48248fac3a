"""A membership's life: leaving, revoking, transferring with the employer,
lapsing without activity and renewing; each step an event and audited."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from membership.models import Membership, MembershipEvent
from qunxian.models import AuditEntry, Notification
from tests.factories import OrganizationFactory, UserFactory
from tests.membership.factories import member

Status = Membership.Status


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_a_member_leaves_after_confirming(client, worker):
    membership = member(worker)
    client.force_login(worker)
    page = client.post(reverse("membership:leave"), {"reason": "换工作"})
    assert "Tick the box to confirm." in page.content.decode()
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    client.post(reverse("membership:leave"), {"reason": "换工作", "confirm": "on"})
    membership.refresh_from_db()
    assert membership.status == Status.LEFT and membership.ended_at
    assert AuditEntry.objects.filter(action="membership.leave").exists()
    # No card now, and the way to apply again is open.
    assert client.get(reverse("membership:card")).status_code == 302
    assert client.get(reverse("membership:apply")).status_code == 200


def test_transfer_moves_the_membership_to_the_new_union_keeping_its_history(
    client, worker, admin_user
):
    old = member(worker)
    new_union = OrganizationFactory(name="顺丰速运工会")
    client.force_login(admin_user)
    response = client.post(
        reverse("console:membership_transfer", args=[old.pk]),
        {"union": new_union.pk, "reason": "入职顺丰"},
    )
    old.refresh_from_db()
    moved = Membership.objects.get(user=worker, union=new_union)
    assert response["Location"] == reverse("console:membership_member", args=[moved.pk])
    assert old.status == Status.TRANSFERRED
    assert moved.transferred_from == old and moved.number == 1
    assert moved.status == Status.ACTIVE and moved.card_token != old.card_token
    assert list(old.events.values_list("to_state", flat=True)) == [
        Status.ACTIVE,
        Status.TRANSFERRED,
    ]
    assert Notification.objects.filter(user=worker, params__number="000001").exists()
    page = client.get(reverse("console:membership_member", args=[moved.pk]))
    assert old.union.name in page.content.decode()


def test_transfer_to_the_same_union_or_a_forged_one_is_refused(
    client, worker, admin_user
):
    membership = member(worker)
    client.force_login(admin_user)
    url = reverse("console:membership_transfer", args=[membership.pk])
    client.post(url, {"union": membership.union_id})
    client.post(url, {"union": 999999})
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert Membership.objects.count() == 1


def test_revoking_needs_a_reason_and_the_check_says_revoked(client, worker, admin_user):
    membership = member(worker)
    client.force_login(admin_user)
    url = reverse("console:membership_revoke", args=[membership.pk])
    client.post(url, {"reason": ""})
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    client.post(url, {"reason": "冒用他人身份"})
    membership.refresh_from_db()
    assert membership.status == Status.REVOKED
    check = client.get(reverse("membership:verify", args=[membership.card_token]))
    assert "Revoked" in check.content.decode()


def test_a_quiet_membership_lapses_and_its_member_renews_it(db, client, settings):
    settings.MEMBERSHIP_LAPSE_DAYS = 365
    quiet, busy = UserFactory(), UserFactory()
    long_ago = timezone.now() - datetime.timedelta(days=400)
    old = member(quiet)
    recent = member(busy)
    Membership.objects.update(active_since=long_ago)
    busy.last_login = timezone.now()
    busy.save()
    call_command("escalate_memberships")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Status.LAPSED and recent.status == Status.ACTIVE
    assert MembershipEvent.objects.filter(membership=old, to_state="lapsed").exists()
    check = client.get(reverse("membership:verify", args=[old.card_token]))
    assert "Lapsed" in check.content.decode()

    client.force_login(quiet)
    assert (
        "Renew my membership" in client.get(reverse("membership:card")).content.decode()
    )
    client.post(reverse("membership:renew"))
    old.refresh_from_db()
    assert old.status == Status.ACTIVE
    # Renewed: not lapsed again by the next run.
    call_command("escalate_memberships")
    old.refresh_from_db()
    assert old.status == Status.ACTIVE


def test_member_pages_read_a_bounded_number_of_queries(
    client, worker, admin_user, django_assert_max_num_queries
):
    membership = member(worker)
    client.force_login(worker)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("membership:card")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("membership:home")).status_code == 200
    client.force_login(admin_user)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("console:membership_members"))
    for _ in range(10):
        member(UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("console:membership_members"))
    with django_assert_max_num_queries(12):
        client.get(reverse("console:membership_member", args=[membership.pk]))
