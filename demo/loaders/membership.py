"""Membership (入会): a fast-track list from battery-swap data, and applications.

The worker is a member of the district union through the 普工@家 station, so
their home page greets them with their card; two riders on the fast-track
list wait in the station manager's queue for a bulk approval; one applicant
to the district union waits in the console, and another answers a question.
Each is a demo row keyed by its person; a person who applied or joined on
their own is left as they are.
"""

import datetime
from functools import partial

from django.utils import timezone

from demo.loaders import demo_row
from demo.loaders.accounts import PUGONG_STATION, People
from membership.models import Employer, FastTrackList, MembershipApplication, Occupation
from membership.phones import phone_digest
from membership.services import (
    application_approve,
    application_refusal,
    application_request_info,
    application_submit,
    fast_track_import,
)
from qunxian.models import User
from venues.models import Venue

# Numbers the partner's swap data flagged besides the demo's residents.
FLAGGED_NUMBERS = [f"1360000{n:04d}" for n in range(1, 41)]

# (username, venue or None for the district, occupation, employer, what happens)
APPLICATIONS = [
    ("worker", PUGONG_STATION, Occupation.COURIER, Employer.SF, "approve"),
    ("demo_chen", None, Occupation.LORRY, Employer.NONE, "approve"),
    ("demo_zhao", PUGONG_STATION, Occupation.RIDER, Employer.MEITUAN, "wait"),
    ("demo_zheng", PUGONG_STATION, Occupation.RIDER, Employer.ELEME, "wait"),
    ("demo_wu", None, Occupation.RIDE_HAILING, Employer.DIDI, "wait"),
    ("demo_lin", None, Occupation.OTHER, Employer.NONE, "ask"),
]
FAST_TRACK = {"demo_zhao", "demo_zheng"}


def _fast_track_list(people: People) -> FastTrackList:
    phones = FLAGGED_NUMBERS + [
        user.phone for user in User.objects.filter(username__in=FAST_TRACK)
    ]
    return fast_track_import(
        actor=people.admin,
        source="换电数据 (battery swaps)",
        identified_on=timezone.localdate() - datetime.timedelta(days=7),
        digests=[phone_digest(phone) for phone in phones],
    )


def _application(spec, people: People, venues: dict[str, Venue]):
    username, venue_name, occupation, employer, outcome = spec
    user = User.objects.get(username=username)
    if application_refusal(user) is not None:  # they applied or joined themselves
        return None
    venue = venues[venue_name] if venue_name else None
    application = application_submit(
        user=user,
        venue=venue,
        name=user.display_name,
        employer=employer,
        employer_name="",
        occupation=occupation,
        town=venue.town if venue else next(iter(venues.values())).town,
        consent=True,
    )
    handler = people.staff_for(venue)
    if outcome == "approve":
        application_approve(application=application, actor=handler)
    elif outcome == "ask":
        application_request_info(
            application=application,
            actor=handler,
            question="请说明您目前的工作单位或从业平台。",
        )
    return application


def load_membership(people: People, venues: dict[str, Venue]) -> dict[str, int]:
    demo_row(
        "membership:fast-track",
        FastTrackList,
        partial(_fast_track_list, people),
        fresh=lambda fast_track: fast_track.is_current(),
    )
    for spec in APPLICATIONS:
        demo_row(
            f"membership:{spec[0]}",
            MembershipApplication,
            partial(_application, spec, people, venues),
        )
    return {
        "membership_applications": MembershipApplication.objects.open().count(),
    }
