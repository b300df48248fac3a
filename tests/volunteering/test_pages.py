"""The pages people read: the certificate and its check, the figures, and
query counts that do not grow with the rows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from tests.factories import UserFactory
from tests.volunteering.factories import (
    HelpRequestFactory,
    RewardFactory,
    ServiceOrderFactory,
    TeamFactory,
    leader,
    member,
)
from volunteering.models import Certificate, HoursEntry, ServiceOrder

pytestmark = pytest.mark.django_db


def hours(user, team, amount=2, days_ago=1):
    return HoursEntry.objects.create(
        user=user,
        hours=amount,
        kind="repair",
        organization=team.organization,
        team=team,
        served_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def test_the_certificate_is_a_pdf_whose_code_opens_its_record(client, worker):
    team = TeamFactory()
    hours(worker, team, 2)
    hours(worker, team, 1.5)
    client.force_login(worker)
    # A GET writes nothing: before a record is issued, there is none to read.
    assert client.get(reverse("volunteering:certificate")).status_code == 404
    assert not Certificate.objects.exists()

    response = client.post(reverse("volunteering:certificate_issue"))
    assert response.url == reverse("volunteering:certificate")
    response = client.get(reverse("volunteering:certificate"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.get(reverse("volunteering:certificate"))
    certificate = Certificate.objects.get()  # read again, not issued again
    assert certificate.hours == 3.5 and certificate.services == 2
    assert b"STSong-Light" in response.content  # the built-in CID font

    client.logout()
    page = client.get(certificate.get_absolute_url()).content.decode()
    assert "3.5" in page and str(worker) in page
    assert client.get("/volunteering/certificates/forged/").status_code == 404


def test_the_figures_count_hours_per_team_and_kind_and_download_as_csv(
    client, admin_user
):
    team = TeamFactory(name="应急抢险队")
    for _ in range(3):
        hours(UserFactory(), team, 2)
    client.force_login(admin_user)
    page = client.get(reverse("console:volunteer_figures")).content.decode()
    assert "应急抢险队" in page
    response = client.get(reverse("console:volunteer_figures_csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert re.search(r"应急抢险队,[^,]+,6(\.0)?,3\r\n", body)


def test_the_user_pages_keep_their_query_counts_as_rows_grow(
    client, worker, venue_a, django_assert_max_num_queries
):
    team = TeamFactory(home_venue=venue_a)
    leader(team, worker)

    def grow():
        HelpRequestFactory(user=worker, venue=venue_a)
        ServiceOrderFactory(requester=worker)
        ServiceOrderFactory(state=ServiceOrder.State.ACCEPTED, team=team)
        member(TeamFactory(home_venue=venue_a))
        RewardFactory(pickup_venue=venue_a)
        hours(worker, team)

    client.force_login(worker)
    pages = [
        reverse("volunteering:home"),
        reverse("volunteering:team_list"),
        team.get_absolute_url(),
        reverse("volunteering:points"),
        reverse("volunteering:rewards"),
        reverse("volunteering:map"),
    ]
    grow()
    counts = {}
    for url in pages:
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    for _ in range(5):
        grow()
    for url in pages:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)


def test_the_staff_pages_keep_their_query_counts(
    client, manager_a, admin_user, venue_a, django_assert_max_num_queries
):
    for _ in range(6):
        HelpRequestFactory(venue=venue_a)
    client.force_login(manager_a)
    with django_assert_max_num_queries(12):
        client.get(reverse("manage:help_request_list"))
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        client.get(reverse("console:volunteer_requests"))
    with django_assert_max_num_queries(12):
        client.get(reverse("console:volunteer_figures"))


def test_a_member_chooses_to_be_named_in_the_figures(client, worker, admin_user):
    team = TeamFactory(name="先锋配送队")
    mine = member(team, worker)
    hours(worker, team, 3)
    client.force_login(admin_user)
    figures = reverse("console:volunteer_figures")
    assert str(worker) not in client.get(figures).content.decode()
    client.force_login(worker)
    url = reverse("volunteering:member_listed", args=[mine.pk])
    client.post(url, {"listed": "yes"})
    client.force_login(admin_user)
    assert str(worker) in client.get(figures).content.decode()
    client.force_login(UserFactory())
    assert client.post(url, {"listed": "no"}).status_code == 404


def test_a_record_is_issued_only_for_someone_with_hours(client, worker):
    client.force_login(worker)
    response = client.post(reverse("volunteering:certificate_issue"), follow=True)
    assert escape(gettext("No service hours yet.")) in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_new_record_counts_the_hours_since_and_the_old_one_still_checks(
    client, worker
):
    team = TeamFactory()
    hours(worker, team, 2)
    client.force_login(worker)
    client.post(reverse("volunteering:certificate_issue"))
    hours(worker, team, 3)
    client.post(reverse("volunteering:certificate_issue"))
    first, second = Certificate.objects.order_by("issued_at", "id")
    assert (first.hours, second.hours) == (2, 5)
    page = client.get(reverse("volunteering:points")).content.decode()
    assert (
        gettext("issued %(date)s, %(total)s hours")
        % {
            "date": f"{timezone.localtime(second.issued_at):%Y-%m-%d}",
            "total": "5.0",
        }
        in page
    )
    client.logout()
    assert client.get(first.get_absolute_url()).status_code == 200
