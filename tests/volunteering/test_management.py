"""What runs the app: teams and rewards in the console, leaving and removing
members, help requests in the manager's inbox and their escalation."""

import datetime
from io import BytesIO

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image

from qunxian.models import AuditEntry, Notification
from tests.factories import OrganizationFactory, UserFactory, VenueFactory
from tests.volunteering.factories import (
    HelpRequestFactory,
    RewardFactory,
    ServiceOrderFactory,
    TeamFactory,
    leader,
    member,
)
from volunteering import services
from volunteering.models import HelpRequest, Reward, Team, TeamMember

pytestmark = pytest.mark.django_db


def audited(action):
    return AuditEntry.objects.filter(action=action).count()


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


# Teams in the console


def test_an_admin_creates_a_team_with_its_services(as_admin, venue_a):
    response = as_admin.post(
        reverse("console:volunteer_team_new"),
        {
            "name": "先锋送药队",
            "organization": venue_a.organization_id,
            "home_venue": venue_a.pk,
            "kinds": ["medicine", "emergency"],
            "description": "夜里也送",
        },
    )
    team = Team.objects.get(name="先锋送药队")
    assert response.url == reverse("console:volunteer_team_edit", args=[team.pk])
    assert set(team.services.values_list("kind", flat=True)) == {
        "medicine",
        "emergency",
    }
    assert team.active and audited("team.create") == 1

    as_admin.post(
        reverse("console:volunteer_team_edit", args=[team.pk]),
        {
            "name": "先锋送药队",
            "organization": venue_a.organization_id,
            "home_venue": venue_a.pk,
            "kinds": ["medicine"],
        },
    )
    assert list(team.services.values_list("kind", flat=True)) == ["medicine"]
    assert audited("team.update") == 1
    page = as_admin.get(reverse("console:volunteer_teams")).content.decode()
    assert "先锋送药队" in page


def test_a_team_based_at_another_organisations_venue_is_refused(as_admin, venue_a):
    elsewhere = VenueFactory(organization=OrganizationFactory(name="普陀区妇联"))
    response = as_admin.post(
        reverse("console:volunteer_team_new"),
        {
            "name": "维修队",
            "organization": venue_a.organization_id,
            "home_venue": elsewhere.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "home_venue" in errors and "kinds" in errors
    assert not Team.objects.exists() and not audited("team.create")


def test_an_admin_names_a_leader_by_mobile_number_and_they_step_down(
    as_admin, worker, venue_a
):
    team = TeamFactory(home_venue=venue_a)
    TeamMember.objects.create(team=team, user=worker)  # asked to join before
    as_admin.post(
        reverse("console:volunteer_team_leader_add", args=[team.pk]),
        {"phone": worker.phone},
    )
    mine = TeamMember.objects.get(team=team, user=worker)
    assert (mine.role, mine.state) == ("leader", "active")
    assert audited("team.add_leader") == 1
    assert Notification.objects.filter(user=worker, msgid="You now lead %(team)s")

    as_admin.post(reverse("console:volunteer_team_leader_remove", args=[mine.pk]))
    mine.refresh_from_db()
    assert (mine.role, mine.state) == ("member", "active")
    assert audited("team.remove_leader") == 1


def test_an_unknown_number_is_a_form_error_and_names_no_one(as_admin, venue_a):
    team = TeamFactory(home_venue=venue_a)
    response = as_admin.post(
        reverse("console:volunteer_team_leader_add", args=[team.pk]),
        {"phone": "13900000000"},
    )
    assert response.status_code == 400
    assert escape(gettext("No account has this number.")) in response.content.decode()
    assert not team.members.exists() and not audited("team.add_leader")


def test_a_deactivated_team_takes_no_members_and_sees_no_orders(
    client, as_admin, worker, venue_a
):
    team = TeamFactory(home_venue=venue_a, name="停用队")
    order = ServiceOrderFactory(lat=venue_a.lat, lng=venue_a.lng)
    assert team in services.teams_for_order(order)
    as_admin.post(reverse("console:volunteer_team_deactivate", args=[team.pk]))
    team.refresh_from_db()
    assert not team.active and audited("team.deactivate") == 1
    assert team not in services.teams_for_order(order)

    client.force_login(worker)
    listed = client.get(reverse("volunteering:team_list")).context["teams"]
    assert team not in listed
    response = client.post(reverse("volunteering:team_join", args=[team.pk]))
    assert response.status_code == 302
    assert not team.members.exists()


# Leaving and removing


def test_a_member_leaves_and_the_leaders_are_told(client, worker, venue_a):
    team = TeamFactory(home_venue=venue_a)
    head = leader(team)
    mine = member(team, worker)
    client.force_login(worker)
    client.post(reverse("volunteering:member_leave", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.state == TeamMember.State.LEFT
    assert audited("teammember.leave") == 1
    assert Notification.objects.filter(user=head.user, msgid="%(user)s left %(team)s")
    assert team not in Team.objects.joined_by(worker)


def test_the_last_leader_cannot_leave_nor_be_removed(client, worker, venue_a):
    team = TeamFactory(home_venue=venue_a)
    mine = leader(team, worker)
    client.force_login(worker)
    response = client.post(
        reverse("volunteering:member_leave", args=[mine.pk]), follow=True
    )
    assert (
        escape(gettext("The team's last leader cannot go; name another leader first."))
        in response.content.decode()
    )
    response = client.post(reverse("volunteering:member_remove", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.state == TeamMember.State.ACTIVE
    assert not audited("teammember.leave") and not audited("teammember.remove")

    leader(team)  # with a second leader, the first may go
    client.post(reverse("volunteering:member_leave", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.state == TeamMember.State.LEFT


def test_a_leader_removes_a_member_of_their_own_team_only(client, worker, venue_a):
    team = TeamFactory(home_venue=venue_a)
    leader(team, worker)
    someone = member(team)
    other_team_member = member(TeamFactory(home_venue=venue_a))
    client.force_login(worker)
    page = client.get(reverse("volunteering:team_detail", args=[team.pk]))
    assert reverse("volunteering:member_remove", args=[someone.pk]) in (
        page.content.decode()
    )
    client.post(reverse("volunteering:member_remove", args=[someone.pk]))
    someone.refresh_from_db()
    assert someone.state == TeamMember.State.REMOVED
    assert audited("teammember.remove") == 1
    assert Notification.objects.filter(
        user=someone.user, msgid="You are no longer a member of %(team)s"
    )
    response = client.post(
        reverse("volunteering:member_remove", args=[other_team_member.pk])
    )
    assert response.status_code == 404


# The rewards catalogue


def jpeg(size=(40, 30)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, "green").save(out, "JPEG", quality=100)
    return SimpleUploadedFile("tea.jpg", out.getvalue(), content_type="image/jpeg")


def reward_form(venue, **fields):
    return {
        "organization": venue.organization_id,
        "name": "奶茶",
        "description": "一杯",
        "points": 30,
        "stock": 100,
        "pickup_venue": venue.pk,
        "active": "on",
        **fields,
    }


def test_an_admin_adds_a_reward_with_a_re_encoded_photo(client, as_admin, venue_a):
    upload = jpeg()
    response = as_admin.post(
        reverse("console:volunteer_reward_new"), reward_form(venue_a, photo=upload)
    )
    assert response.url == reverse("console:volunteer_rewards")
    reward = Reward.objects.get()
    assert (reward.points, reward.stock, reward.active) == (30, 100, True)
    assert reward.photo.name != "rewards/tea.jpg"  # our own file, not the upload
    with Image.open(reward.photo) as stored:
        assert stored.format == "JPEG"
    assert audited("reward.create") == 1
    client.logout()
    page = client.get(reverse("volunteering:rewards")).content.decode()
    assert reward.photo.url in page


@pytest.mark.parametrize(
    "fields, field",
    [
        (
            {
                "photo": SimpleUploadedFile(
                    "x.jpg", b"not an image", content_type="image/jpeg"
                )
            },
            "photo",
        ),
        ({"points": 0}, "points"),
        ({"stock": -1}, "stock"),
        ({"pickup_venue": "forged"}, "pickup_venue"),
    ],
)
def test_bad_reward_input_is_an_error_and_saves_nothing(
    as_admin, venue_a, fields, field
):
    response = as_admin.post(
        reverse("console:volunteer_reward_new"), reward_form(venue_a, **fields)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Reward.objects.exists()


def test_a_reward_picked_up_at_another_organisations_venue_is_refused(
    as_admin, venue_a
):
    response = as_admin.post(
        reverse("console:volunteer_reward_new"),
        reward_form(
            venue_a,
            pickup_venue=VenueFactory(
                organization=OrganizationFactory(name="普陀区妇联")
            ).pk,
        ),
    )
    assert "pickup_venue" in response.context["form"].errors
    assert not Reward.objects.exists()


def test_editing_a_reward_leaves_its_stock_to_adjustments(as_admin, venue_a):
    reward = RewardFactory(
        organization=venue_a.organization, pickup_venue=venue_a, stock=5
    )
    as_admin.post(
        reverse("console:volunteer_reward_edit", args=[reward.pk]),
        reward_form(venue_a, name="热茶", stock=999),
    )
    reward.refresh_from_db()
    assert (reward.name, reward.stock) == ("热茶", 5)
    assert audited("reward.update") == 1


def test_stock_is_adjusted_with_a_reason_never_below_zero(as_admin, venue_a):
    reward = RewardFactory(pickup_venue=venue_a, stock=5)
    url = reverse("console:volunteer_reward_stock", args=[reward.pk])
    as_admin.post(url, {"change": 10, "reason": "到货"})
    reward.refresh_from_db()
    assert reward.stock == 15
    entry = AuditEntry.objects.get(action="reward.stock")
    assert entry.details == "+10: 到货"

    response = as_admin.post(url, {"change": -16, "reason": "损坏"}, follow=True)
    assert (
        escape(gettext("The stock cannot go below zero.")) in response.content.decode()
    )
    response = as_admin.post(url, {"change": -1}, follow=True)
    page = response.content.decode()
    assert escape(gettext("Give a change of stock and a reason.")) in page
    reward.refresh_from_db()
    assert reward.stock == 15 and audited("reward.stock") == 1


def test_a_deactivated_reward_leaves_the_catalogue(client, as_admin, venue_a):
    reward = RewardFactory(pickup_venue=venue_a, name="下架奶茶")
    as_admin.post(reverse("console:volunteer_reward_deactivate", args=[reward.pk]))
    reward.refresh_from_db()
    assert not reward.active and audited("reward.deactivate") == 1
    client.logout()
    assert reward not in client.get(reverse("volunteering:rewards")).context["rewards"]


# Help requests in the manager's inbox, and their escalation


def overdue_request(venue, **fields):
    past = timezone.now() - datetime.timedelta(hours=1)
    return HelpRequestFactory(venue=venue, accept_due=past, **fields)


def test_the_inbox_lists_the_open_help_requests_of_their_venues_overdue_first(
    client, manager_a, venue_a, venue_b
):
    fresh = HelpRequestFactory(venue=venue_a)
    late = overdue_request(venue_a)
    HelpRequestFactory(venue=venue_a, state=HelpRequest.State.HANDLED)
    HelpRequestFactory(venue=venue_b)
    client.force_login(manager_a)
    response = client.get(reverse("manage:home"))
    items = response.context["volunteering"]
    assert items["help_requests"] == [late, fresh]
    assert [r.overdue for r in items["help_requests"]] == [True, False]
    assert (items["help_requests_open"], items["help_requests_overdue"]) == (2, 1)
    assert reverse("manage:help_request_detail", args=[late.pk]) in (
        response.content.decode()
    )


def test_the_inbox_counts_help_requests_in_the_same_queries_however_many(
    client, manager_a, venue_a, django_assert_max_num_queries
):
    client.force_login(manager_a)

    def queries():
        caches["fragments"].clear()  # drawn afresh, not the kept copy
        with django_assert_max_num_queries(17) as captured:
            assert client.get(reverse("manage:home")).status_code == 200
        return len(captured)

    overdue_request(venue_a)
    few = queries()
    for _ in range(6):
        overdue_request(venue_a)
        HelpRequestFactory(venue=venue_a)
    assert queries() == few


def test_overdue_help_requests_reach_the_admins_once(admin_user, venue_a):
    late = overdue_request(venue_a)
    HelpRequestFactory(venue=venue_a)  # not due yet
    overdue_request(venue_a, state=HelpRequest.State.CLOSED)  # no longer open
    call_command("escalate_help_requests")
    call_command("escalate_help_requests")
    alerts = Notification.objects.filter(user=admin_user)
    assert alerts.count() == 1
    assert alerts.get().params["venue"] == venue_a.name

    # Accepted late, then past its handling deadline: a second, other alert.
    HelpRequest.objects.filter(pk=late.pk).update(
        state=HelpRequest.State.ACCEPTED,
        handle_due=timezone.now() - datetime.timedelta(minutes=1),
    )
    call_command("escalate_help_requests")
    call_command("escalate_help_requests")
    assert alerts.count() == 2
    assert not Notification.objects.filter(user=UserFactory()).exists()
