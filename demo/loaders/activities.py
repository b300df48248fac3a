"""The activity series of data/activities.json, their activities and sign-ups.

A series is matched on its name. Each activity is a demo row keyed by its
title and dated relative to today: a past one is made once, held, and kept;
an upcoming one is renewed (a new one beside it) once it has started or was
cancelled, so the activities page always has some ahead. Sign-ups are made
with their activity, never on their own, so a person's own sign-up to a demo
activity is left as it is.
"""

import datetime
import json
from functools import partial

from django.utils import timezone

from activities.audience import outside_audience
from activities.models import Activity, Series, SignUp
from activities.reports import compute_reach
from activities.services import (
    activity_create,
    series_create,
    signup_check_in,
    signup_create,
)
from demo.loaders import DATA, demo_row, seeded
from demo.loaders.accounts import People
from feedback.periods import month_start, previous_month
from venues.models import Organization, Venue

ACTIVITIES_JSON = DATA / "activities.json"
ATTENDANCE = 0.85  # the share of confirmed people who come to a past activity


def read_series() -> list[dict]:
    return json.loads(ACTIVITIES_JSON.read_text(encoding="utf-8"))["series"]


def _series(spec: dict, people: People) -> Series:
    series = Series.objects.filter(name=spec["name"]).first()
    if series is None:
        series = series_create(
            actor=people.admin,
            name=spec["name"],
            organization=Organization.objects.get(name=spec["organization"]),
            description=spec["description"],
        )
    return series


def _times(spec: dict) -> tuple[datetime.datetime, datetime.datetime]:
    day = timezone.localdate() + datetime.timedelta(days=spec["day"])
    starts = datetime.datetime.combine(
        day,
        datetime.time.fromisoformat(spec["start"]),
        tzinfo=timezone.get_default_timezone(),
    )
    return starts, starts + datetime.timedelta(minutes=spec["minutes"])


def _activity(spec: dict, series: Series, venues: dict[str, Venue], people: People):
    """The activity, its sign-ups and, once held, who came."""
    rng = seeded("activity", spec["title"])
    starts_at, ends_at = _times(spec)
    venue = venues[spec["venue"]]
    host = people.staff_for(venue)
    past = starts_at <= timezone.now()
    activity = activity_create(
        actor=host,
        venue=venue,
        title=spec["title"],
        description=spec["description"],
        series=series,
        other_venues=[venues[name] for name in spec.get("with", [])],
        place=spec["place"],
        starts_at=starts_at,
        ends_at=ends_at,
        seats=spec["seats"],
        tags=spec["tags"],
        min_age=spec.get("min_age"),
        max_age=spec.get("max_age"),
        # A past activity was published a fortnight ahead.
        now=starts_at - datetime.timedelta(days=14) if past else None,
    )
    # Only people of the audience sign up; those whose age or gender we may
    # not use say they belong, as the sign-up page asks them to.
    eligible = [p for p in people.residents[1:] if not outside_audience(activity, p)]
    signing_up = rng.sample(eligible, min(spec["signups"], len(eligible)))
    if spec.get("worker") and not outside_audience(activity, people.worker):
        signing_up.insert(rng.randrange(len(signing_up) + 1), people.worker)
    for n, person in enumerate(signing_up):
        # A week ahead, an hour apart: the waiting list's order.
        signed_up = starts_at - datetime.timedelta(days=7) + datetime.timedelta(hours=n)
        signup = signup_create(
            activity=activity,
            user=person,
            declared_in_audience=True,
            now=signed_up if past else None,
        )
        if past and signup.state == SignUp.State.CONFIRMED:
            if person == people.worker or rng.random() < ATTENDANCE:
                signup_check_in(
                    signup=signup,
                    actor=host,
                    now=starts_at + datetime.timedelta(minutes=rng.randrange(15)),
                )
    return activity


def _ahead(activity: Activity) -> bool:
    return (
        activity.status == Activity.Status.PUBLISHED
        and activity.starts_at > timezone.now()
    )


def load_activities(people: People, venues: dict[str, Venue]) -> dict[str, int]:
    counts = {"series": 0, "activities": 0}
    for spec in read_series():
        series = _series(spec, people)
        counts["series"] += 1
        for activity_spec in spec["activities"]:
            activity = demo_row(
                f"activity:{activity_spec['title']}",
                Activity,
                partial(_activity, activity_spec, series, venues, people),
                fresh=_ahead if activity_spec["day"] > 0 else None,
            )
            counts["activities"] += activity is not None
    return counts


REACH_MONTHS = 4  # the month under way and the three before


def load_reach() -> None:
    """Whom each series reached, month by month, from the sign-ups above."""
    period = month_start(timezone.localdate())
    for _month in range(REACH_MONTHS):
        compute_reach(period)
        period = previous_month(period)
