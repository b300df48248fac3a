"""The console's figures: applications, approvals and median days per union
and month; members by occupation and town with small groups hidden."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from membership.figures import members_by, monthly
from membership.models import MembershipApplication, Occupation
from tests.factories import TownFactory, UserFactory
from tests.membership.factories import ApplicationFactory, member


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_median_days_to_approve_per_union_and_month(db):
    now = timezone.now()
    for days in (1, 2, 6):
        application = ApplicationFactory()
        MembershipApplication.objects.filter(pk=application.pk).update(
            state="approved",
            created_at=now - datetime.timedelta(days=days),
            decided_at=now,
        )
    ApplicationFactory()
    rows = [
        row for row in monthly() if row.month == timezone.localdate().replace(day=1)
    ]
    assert len(rows) == 1
    # Counted in the month each was decided; applications in the month made.
    assert rows[0].approvals == 3
    assert rows[0].median_days == 2.0


def test_small_groups_are_hidden_and_one_hidden_group_takes_another_with_it(db):
    far = TownFactory(name="桃花镇", lat=29.8, lng=122.3)
    for _ in range(6):
        member(UserFactory())
    for _ in range(2):
        membership = member(UserFactory())
        membership.town = far
        membership.occupation = Occupation.COURIER
        membership.save()
    occupations, total = members_by("occupation")
    assert total.shown == "8"
    shown = {group.label: group.shown for group in occupations}
    assert shown["Courier"] == "<5"
    # Riders (6) are hidden too, or the couriers could be told from the total.
    assert shown["Food-delivery rider"] == "<5"
    assert shown["Lorry driver"] == "0"


def test_a_small_total_is_hidden_too(db):
    member(UserFactory())
    _groups, total = members_by("town")
    assert total.shown == "<5"


def test_the_figures_page_and_its_csv(
    client, admin_user, django_assert_max_num_queries
):
    for _ in range(5):
        member(UserFactory())
    client.force_login(admin_user)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("console:membership_figures"))
    assert "Members now: 5" in page.content.decode()
    response = client.get(reverse("console:membership_figures_csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Members by occupation,Food-delivery rider,,5" in body
    assert response["Content-Type"].startswith("text/csv")
