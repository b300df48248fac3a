"""A worker applies on a phone, the union's manager answers from the queue, the
worker sees the card: the membership loop through HTTP, with its refusals."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from membership.deadlines import add_working_days
from membership.models import (
    Membership,
    MembershipApplication,
    MembershipApplicationEvent,
)
from qunxian.models import AuditEntry, Notification, NotificationKind
from tests.factories import (
    AdminFactory,
    OrganizationFactory,
    TownFactory,
    UserFactory,
    VenueFactory,
)
from tests.membership.factories import ApplicationFactory, member
from venues.models import Organization

State = MembershipApplication.State
TZ = datetime.UTC


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form(town, **changes):
    data = {
        "name": "王小骑",
        "employer": "meituan",
        "employer_name": "",
        "occupation": "rider",
        "town": town.pk,
        "consent": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def town(db):
    OrganizationFactory()  # the district union
    return TownFactory()


def test_worker_applies_at_a_venue_manager_approves_worker_sees_card(
    client, worker, manager_a, venue_a, town
):
    client.force_login(worker)
    page = client.get(reverse("membership:apply") + f"?venue={venue_a.pk}")
    assert venue_a.name in page.content.decode()
    response = client.post(
        reverse("membership:apply"), form(town, venue=venue_a.pk), follow=True
    )
    application = MembershipApplication.objects.get(user=worker)
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert application.venue == venue_a
    assert application.union == venue_a.organization
    assert application.state == State.SUBMITTED
    assert Notification.objects.filter(
        user=worker, kind=NotificationKind.MEMBERSHIP
    ).exists()
    assert Notification.objects.filter(user=manager_a, kind="alert").exists()

    client.force_login(manager_a)
    queue = client.get(reverse("manage:membership_queue"))
    assert "王小骑" in queue.content.decode()
    approved = client.post(
        reverse("manage:membership_approve", args=[application.pk]), follow=True
    )
    assert "Approved: member number 000001" in " ".join(texts(approved))
    membership = Membership.objects.get(user=worker)
    assert membership.number == 1
    assert AuditEntry.objects.filter(
        action="membershipapplication.approve", actor=manager_a
    ).exists()

    client.force_login(worker)
    card = client.get(reverse("membership:card"))
    body = card.content.decode()
    assert "000001" in body
    assert "<svg" in body
    assert membership.card_token in body  # the QR's link, spelled out


def test_the_public_check_shows_the_verdict_and_union_and_nothing_personal(
    client, worker
):
    membership = member(worker)
    response = client.get(reverse("membership:verify", args=[membership.card_token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Valid" in body and membership.union.name in body
    assert worker.phone not in body
    assert str(worker) not in body
    assert membership.card_number not in body
    membership.status = Membership.Status.REVOKED
    membership.save()
    assert (
        "Revoked"
        in client.get(
            reverse("membership:verify", args=[membership.card_token])
        ).content.decode()
    )
    assert client.get(reverse("membership:verify", args=["guess"])).status_code == 404


def test_an_application_without_a_venue_goes_to_the_district_union(
    client, worker, admin_user, town
):
    district = OrganizationFactory()
    OrganizationFactory(name="顺丰速运工会")  # another union: not the default
    client.force_login(worker)
    client.post(reverse("membership:apply"), form(town))
    application = MembershipApplication.objects.get(user=worker)
    assert application.union == district and application.venue is None
    client.force_login(admin_user)
    assert "王小骑" in client.get(reverse("console:membership_queue")).content.decode()


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"consent": ""}, "The union needs your consent"),
        ({"venue": "999999"}, "This venue takes no membership applications."),
        ({"venue": "abc"}, "This venue takes no membership applications."),
        ({"employer": "other"}, "Please name your employer."),
        ({"occupation": "astronaut"}, "Select a valid choice"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_input_gets_an_error_and_saves_nothing(
    client, worker, town, changes, error
):
    client.force_login(worker)
    response = client.post(reverse("membership:apply"), form(town, **changes))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not MembershipApplication.objects.exists()


def test_a_venue_of_another_organisation_kind_is_refused(client, worker, town):
    youth = VenueFactory(
        organization=OrganizationFactory(name="团区委", kind=Organization.Kind.YOUTH)
    )
    client.force_login(worker)
    response = client.post(reverse("membership:apply"), form(town, venue=youth.pk))
    assert "This venue takes no membership applications." in response.content.decode()
    assert not MembershipApplication.objects.exists()


def test_one_open_application_per_person_and_a_member_cannot_apply(
    client, worker, town
):
    client.force_login(worker)
    client.post(reverse("membership:apply"), form(town))
    response = client.get(reverse("membership:apply"), follow=True)
    assert "already have an application" in " ".join(texts(response))
    client.post(reverse("membership:apply"), form(town))
    assert MembershipApplication.objects.count() == 1

    member_user = UserFactory()
    member(member_user)
    client.force_login(member_user)
    response = client.post(reverse("membership:apply"), form(town), follow=True)
    assert "already a member" in " ".join(texts(response))
    assert MembershipApplication.objects.filter(user=member_user).count() == 1


def test_an_unverified_phone_must_be_verified_first(client, town):
    user = UserFactory(phone_verified=False)
    client.force_login(user)
    response = client.post(reverse("membership:apply"), form(town), follow=True)
    assert "Verify your mobile number" in " ".join(texts(response))
    assert not MembershipApplication.objects.exists()


def test_ask_for_information_then_the_answer_then_reject_with_reason(
    client, worker, manager_a, venue_a
):
    application = ApplicationFactory(user=worker, venue=venue_a)
    client.force_login(manager_a)
    client.post(
        reverse("manage:membership_request_info", args=[application.pk]),
        {"question": "请上传骑手工作证明"},
    )
    application.refresh_from_db()
    assert application.state == State.INFO_REQUESTED
    assert Notification.objects.filter(user=worker, note="请上传骑手工作证明").exists()

    client.force_login(worker)
    page = client.get(application.get_absolute_url())
    assert "请上传骑手工作证明" in page.content.decode()
    client.post(
        reverse("membership:answer", args=[application.pk]), {"answer": "已在美团三年"}
    )
    application.refresh_from_db()
    assert application.state == State.ANSWERED and application.answer == "已在美团三年"

    client.force_login(manager_a)
    response = client.post(
        reverse("manage:membership_reject", args=[application.pk]), {"reason": ""}
    )
    application.refresh_from_db()
    assert application.state == State.ANSWERED
    client.post(
        reverse("manage:membership_reject", args=[application.pk]),
        {"reason": "不在本辖区"},
    )
    application.refresh_from_db()
    assert application.state == State.REJECTED
    assert application.reject_reason == "不在本辖区"
    steps = list(
        MembershipApplicationEvent.objects.filter(application=application).values_list(
            "to_state", flat=True
        )
    )
    assert steps == [State.INFO_REQUESTED, State.ANSWERED, State.REJECTED]
    assert response.status_code == 302


def test_a_decided_application_cannot_be_decided_again(client, manager_a, venue_a):
    application = ApplicationFactory(venue=venue_a, state=State.REJECTED)
    client.force_login(manager_a)
    response = client.post(
        reverse("manage:membership_approve", args=[application.pk]), follow=True
    )
    assert "already" in " ".join(texts(response))
    assert not Membership.objects.exists()


def test_another_venues_manager_gets_404_and_changes_nothing(
    client, manager_b, venue_a
):
    application = ApplicationFactory(venue=venue_a)
    client.force_login(manager_b)
    url = reverse("manage:membership_approve", args=[application.pk])
    assert client.post(url).status_code == 404
    assert not Membership.objects.exists()


def test_numbers_are_sequential_per_union_and_never_given_again(worker):
    other_union = OrganizationFactory(name="顺丰速运工会")
    first, second = member(worker), member(UserFactory())
    elsewhere = member(UserFactory(), venue=VenueFactory(organization=other_union))
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    Membership.objects.filter(pk=second.pk).update(status=Membership.Status.LEFT)
    assert member(UserFactory()).number == 3


def test_deadline_counts_working_days_only(db):
    friday = datetime.datetime(2026, 11, 27, 10, tzinfo=TZ)
    assert add_working_days(friday, 3) == datetime.datetime(2026, 12, 2, 10, tzinfo=TZ)
    saturday = datetime.datetime(2026, 11, 28, 9, tzinfo=TZ)
    assert add_working_days(saturday, 3).date() == datetime.date(2026, 12, 2)


def test_deadline_skips_the_listed_holidays_and_counts_make_up_days(db):
    from venues.models import PublicHoliday

    # 国庆 2026: 1–7 October off; Saturday 10 October worked (调休).
    for day in range(1, 8):
        PublicHoliday.objects.create(
            date=datetime.date(2026, 10, day), name="国庆节", kind="holiday"
        )
    PublicHoliday.objects.create(
        date=datetime.date(2026, 10, 10), name="国庆节调休", kind="workday"
    )
    applied = datetime.datetime(2026, 9, 30, 16, tzinfo=TZ)  # the Wednesday before
    # Working days after it: Thursday 8, Friday 9, Saturday 10 October.
    assert add_working_days(applied, 3).date() == datetime.date(2026, 10, 10)


def test_overdue_applications_are_escalated_to_the_console_once(
    client, venue_a, manager_a, admin_user
):
    late = ApplicationFactory(
        venue=venue_a, due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    on_time = ApplicationFactory(venue=venue_a)
    client.force_login(admin_user)
    assert (
        late.name
        not in client.get(reverse("console:membership_queue")).content.decode()
    )
    call_command("escalate_memberships")
    call_command("escalate_memberships")
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.escalated_at is not None and on_time.escalated_at is None
    assert late.events.count() == 1
    body = client.get(reverse("console:membership_queue")).content.decode()
    assert late.name in body and on_time.name not in body
    assert Notification.objects.filter(user=admin_user, kind="alert").count() == 1
    assert Notification.objects.filter(user=manager_a, kind="alert").count() == 1
    # The applicant sees where it went.
    client.force_login(late.user)
    page = client.get(late.get_absolute_url()).content.decode()
    assert "Passed to the district union: it was overdue" in page
    client.force_login(admin_user)
    # The console may answer it now.
    client.post(reverse("console:membership_approve", args=[late.pk]))
    late.refresh_from_db()
    assert late.state == State.APPROVED


def test_the_queue_reads_a_constant_number_of_queries(
    client, manager_a, venue_a, django_assert_max_num_queries
):
    ApplicationFactory.create_batch(3, venue=venue_a)
    client.force_login(manager_a)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("manage:membership_queue"))
    ApplicationFactory.create_batch(20, venue=venue_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("manage:membership_queue"))
    assert len(re.findall(r'class="badge', response.content.decode())) == 0


def test_an_escalated_applicants_answer_alerts_the_district(client, worker, venue_a):
    admin = AdminFactory()
    application = ApplicationFactory(
        user=worker,
        venue=venue_a,
        state=State.INFO_REQUESTED,
        escalated_at=timezone.now(),
    )
    client.force_login(worker)
    client.post(reverse("membership:answer", args=[application.pk]), {"answer": "好"})
    assert Notification.objects.filter(user=admin, kind="alert").exists()


def test_a_handler_names_themselves_the_follower_and_the_applicant_sees_them(
    client, worker, manager_a, venue_a
):
    application = ApplicationFactory(user=worker, venue=venue_a)
    client.force_login(manager_a)
    client.post(reverse("manage:membership_follow", args=[application.pk]))
    application.refresh_from_db()
    assert application.follower == manager_a
    assert AuditEntry.objects.filter(action="membershipapplication.follow").exists()
    assert "甲站长" in client.get(reverse("manage:membership_queue")).content.decode()
    client.force_login(worker)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Your contact" in page and "甲站长" in page
    assert Notification.objects.filter(user=worker, params__follower="甲站长").exists()


@pytest.mark.parametrize("query", ["?state=bogus", "?page=abc", "?fast_track=%00"])
def test_a_bad_queue_query_gets_a_page_not_an_error(client, manager_a, query):
    client.force_login(manager_a)
    response = client.get(reverse("manage:membership_queue") + query)
    assert response.status_code == 200
    if "bogus" in query:
        assert "Please correct the filters." in response.content.decode()
