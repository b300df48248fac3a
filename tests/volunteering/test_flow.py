"""The issue's "done when", through HTTP: a rider scans a station's poster and
reports a breakdown, staff turn it into an order, the repair team's leader
takes it, a member does it, the rider confirms, the points land in the
member's ledger, and the member redeems a reward picked up at a venue."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from qunxian.models import AuditEntry, Notification, NotificationKind
from tests.factories import UserFactory
from tests.volunteering.factories import (
    RewardFactory,
    TeamFactory,
    leader,
    member,
    points_table,
)
from volunteering.models import (
    HelpRequest,
    HoursEntry,
    PointsEntry,
    Redemption,
    ServiceOrder,
)
from volunteering.services import balance_of

pytestmark = pytest.mark.django_db


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def tiny_jpeg() -> SimpleUploadedFile:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_breakdown_reported_from_a_poster_ends_in_a_redeemed_reward(
    client, worker, manager_a, venue_a
):
    points_table(points=20, praised=30)
    team = TeamFactory(name="维修队", home_venue=venue_a)
    boss = leader(team)
    doer = member(team)
    reward = RewardFactory(points=25, stock=3, pickup_venue=venue_a)

    # The poster of the station opens the report form for it.
    client.force_login(manager_a)
    poster = client.get(reverse("manage:help_poster", args=[venue_a.pk]))
    report_url = reverse("volunteering:report", args=[venue_a.pk])
    assert report_url in poster.content.decode()

    client.force_login(worker)
    response = client.post(
        report_url, {"kind": "breakdown", "text": "车坏了", "photo": tiny_jpeg()}
    )
    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert help_request.venue == venue_a and help_request.photo
    alert = Notification.objects.get(user=manager_a)
    assert alert.kind == NotificationKind.ALERT

    # The venue's staff turn it into an order for a team.
    client.force_login(manager_a)
    response = client.post(
        reverse("manage:help_request_to_order", args=[help_request.pk]),
        {
            "kind": "repair",
            "starts_at": local_input(timezone.now()),
            "ends_at": local_input(timezone.now() + datetime.timedelta(hours=2)),
        },
    )
    assert response.status_code == 302
    order = ServiceOrder.objects.get()
    assert order.requester == worker and order.help_request == help_request
    assert Notification.objects.filter(
        user=boss.user, kind=NotificationKind.VOLUNTEERING
    ).exists()

    # The leader takes it and sends a member.
    client.force_login(boss.user)
    page = client.get(order.get_absolute_url())
    assert "Take this order" in page.content.decode() or page.status_code == 200
    client.post(
        reverse("volunteering:order_accept", args=[order.pk]), {"team": team.pk}
    )
    client.post(
        reverse("volunteering:order_assign", args=[order.pk]), {"members": [doer.pk]}
    )
    order.refresh_from_db()
    assert (order.state, order.team) == (ServiceOrder.State.ACCEPTED, team)

    # The member does it, with a note and a photo.
    client.force_login(doer.user)
    client.post(
        reverse("volunteering:order_done", args=[order.pk]),
        {"note": "换了内胎", "hours": "1.5", "photo": tiny_jpeg()},
    )
    order.refresh_from_db()
    assert order.state == ServiceOrder.State.DONE and order.done_photo

    # The rider confirms with five stars: the member earns points and hours.
    client.force_login(worker)
    client.post(reverse("volunteering:order_confirm", args=[order.pk]), {"rating": 5})
    order.refresh_from_db()
    assert order.state == ServiceOrder.State.CONFIRMED
    assert balance_of(doer.user) == 30
    assert HoursEntry.objects.get(user=doer.user).hours == 1.5
    assert PointsEntry.objects.get(user=doer.user).order == order

    # The member redeems a reward and picks it up at the venue.
    client.force_login(doer.user)
    client.post(reverse("volunteering:reward_redeem", args=[reward.pk]))
    redemption = Redemption.objects.get()
    reward.refresh_from_db()
    assert (reward.stock, balance_of(doer.user)) == (2, 5)
    client.force_login(manager_a)
    response = client.post(
        reverse("manage:reward_pick_up"), {"venue": venue_a.pk, "code": redemption.code}
    )
    assert response.status_code == 302
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.PICKED_UP

    # Every person's step is in the audit log.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "helprequest.accept",
        "serviceorder.create",
        "serviceorder.accept",
        "serviceorder.assign",
        "serviceorder.complete",
        "serviceorder.confirm",
        "redemption.create",
        "redemption.pick_up",
    } <= actions


def test_a_place_outside_the_district_is_a_form_error_and_saves_nothing(
    client, worker, venue_a
):
    client.force_login(worker)
    response = client.post(
        reverse("volunteering:report", args=[venue_a.pk]),
        {"kind": "injury", "lat": "31.2", "lng": "121.4"},
    )
    assert response.status_code == 200
    assert escape(
        gettext("This place is outside the district; pick a point in it.")
    ) in (response.content.decode())
    assert not HelpRequest.objects.exists()
    response = client.post(
        reverse("volunteering:order_new"),
        {
            "kind": "repair",
            "lat": "39.9",
            "lng": "116.4",
            "starts_at": local_input(timezone.now()),
            "ends_at": local_input(timezone.now() + datetime.timedelta(hours=1)),
            "description": "修车",
        },
    )
    assert response.status_code == 200
    assert not ServiceOrder.objects.exists()


def test_a_forged_member_id_is_refused_and_assigns_nobody(client, venue_a):
    team = TeamFactory(home_venue=venue_a)
    boss = leader(team)
    stranger = member(TeamFactory(home_venue=venue_a))
    from tests.volunteering.factories import ServiceOrderFactory

    order = ServiceOrderFactory(state=ServiceOrder.State.ACCEPTED, team=team)
    client.force_login(boss.user)
    client.post(
        reverse("volunteering:order_assign", args=[order.pk]),
        {"members": [stranger.pk]},
    )
    assert not order.assignments.exists()


def test_an_order_placed_far_away_is_not_shown_to_a_team(client, venue_a):
    from tests.factories import VenueFactory

    far = VenueFactory(lat=30.3, lng=122.8)
    team = TeamFactory(home_venue=far)
    boss = leader(team)
    requester = UserFactory()
    client.force_login(requester)
    client.post(
        reverse("volunteering:order_new"),
        {
            "kind": "repair",
            "venue": venue_a.pk,
            "starts_at": local_input(timezone.now()),
            "ends_at": local_input(timezone.now() + datetime.timedelta(hours=1)),
            "description": "修车",
        },
    )
    order = ServiceOrder.objects.get()
    client.force_login(boss.user)
    assert client.get(order.get_absolute_url()).status_code == 404
