"""Volunteer activities: the activities app's sign-up and check-in, run for a
team; the hours of who checked in land in the hours ledger once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import SignUp
from activities.services import signup_create
from tests.activities.factories import ActivityFactory
from tests.factories import UserFactory
from tests.volunteering.factories import TeamFactory
from volunteering.models import HoursEntry, TeamActivity

pytestmark = pytest.mark.django_db


def test_a_manager_gives_an_activity_to_a_team_and_posts_the_hours_once(
    client, manager_a, venue_a
):
    team = TeamFactory(home_venue=venue_a)
    activity = ActivityFactory(venue=venue_a)
    came, stayed_home = UserFactory(), UserFactory()
    for user in (came, stayed_home):
        signup_create(activity=activity, user=user)
    SignUp.objects.filter(user=came).update(state=SignUp.State.ATTENDED)
    # It took place: three hours, ending two hours ago.
    start = timezone.now() - datetime.timedelta(hours=5)
    activity.starts_at, activity.ends_at = start, start + datetime.timedelta(hours=3)
    activity.save(update_fields=["starts_at", "ends_at"])

    client.force_login(manager_a)
    page = client.get(reverse("manage:team_activities"))
    assert activity.title in page.content.decode()
    client.post(
        reverse("manage:team_activity_link", args=[activity.pk]),
        {"team": team.pk, "kind": "clean_up"},
    )
    assert TeamActivity.objects.get().team == team
    hours_url = reverse("manage:team_activity_hours", args=[activity.pk])
    client.post(hours_url)
    client.post(hours_url)
    entry = HoursEntry.objects.get()
    assert (entry.user, entry.hours, entry.kind, entry.activity) == (
        came,
        3,
        "clean_up",
        activity,
    )

    # The team's page shows its activities still to come, not past ones.
    upcoming = ActivityFactory(venue=venue_a)
    TeamActivity.objects.create(team=team, activity=upcoming)
    client.logout()
    page = client.get(team.get_absolute_url()).content.decode()
    assert upcoming.title in page and activity.title not in page


def test_a_manager_of_another_venue_cannot_take_its_activity(
    client, manager_b, venue_a
):
    activity = ActivityFactory(venue=venue_a)
    client.force_login(manager_b)
    response = client.post(
        reverse("manage:team_activity_link", args=[activity.pk]),
        {"team": TeamFactory().pk, "kind": "other"},
    )
    assert response.status_code == 404
    assert not TeamActivity.objects.exists()
