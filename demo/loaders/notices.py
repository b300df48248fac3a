"""The notices (通知发布) and policies (政策法规) of data/notices.json.

Each is a demo row keyed by its title, published some days before the first
run and then kept as it is: a re-run neither duplicates nor re-dates it.
"""

import datetime
import json
from functools import partial
from html import escape

from django.utils import timezone

from demo.loaders import DATA, demo_row
from demo.loaders.accounts import People
from notices.models import Notice
from notices.services import notice_create
from venues.models import Organization, Venue

NOTICES_JSON = DATA / "notices.json"


def read_notices() -> dict[str, list[dict]]:
    return json.loads(NOTICES_JSON.read_text(encoding="utf-8"))


def _notice(kind: str, spec: dict, people: People, venues: dict[str, Venue]):
    venue = venues[spec["venue"]] if "venue" in spec else None
    published = timezone.now() - datetime.timedelta(days=spec["days_ago"])
    return notice_create(
        actor=people.staff_for(venue),
        kind=kind,
        title=spec["title"],
        body="".join(f"<p>{escape(paragraph)}</p>" for paragraph in spec["body"]),
        organization=None
        if venue
        else Organization.objects.get(name=spec["organization"]),
        venue=venue,
        topic=spec.get("topic", ""),
        published_at=timezone.localtime(published).replace(
            hour=9, minute=0, second=0, microsecond=0
        ),
        pinned=spec.get("pinned", False),
    )


def load_notices(people: People, venues: dict[str, Venue]) -> dict[str, int]:
    data = read_notices()
    counts = {}
    for kind, specs in ((Notice.Kind.NOTICE, data["notices"]),
                        (Notice.Kind.POLICY, data["policies"])):  # fmt: skip
        for spec in specs:
            demo_row(
                f"{kind}:{spec['title']}",
                Notice,
                partial(_notice, kind, spec, people, venues),
            )
        counts[kind] = len(specs)
    return counts
