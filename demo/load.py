"""Load the whole demo in one transaction, with no e-mail sent; return a summary.

Safe to run again: see `DemoRow` for how it finds its own rows and leaves
everyone else's alone.
"""

import io
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction

from demo.loaders.accounts import DEMO_ACCOUNTS, load_accounts, printed_accounts
from demo.loaders.activities import load_activities, load_reach
from demo.loaders.bookings import load_requests, load_visits
from demo.loaders.demand import load_demand
from demo.loaders.feedback import (
    load_appeals,
    load_indexes,
    load_regulars,
    load_reviews,
)
from demo.loaders.membership import load_membership
from demo.loaders.notices import load_notices
from demo.loaders.representatives import load_representatives, printed_account
from demo.loaders.venues import load_venues
from demo.loaders.volunteering import load_volunteering
from qunxian.services import notification_mail_muted
from venues.holiday_list import seed_official_holidays


def load_demo(say: Callable[[str], None] | None = None) -> dict:
    started = time.perf_counter()
    say = say or (lambda message: None)
    # Password hashing and photo drawing are CPU-bound and release the GIL;
    # they run in threads while this thread writes the rows.
    with (
        ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool,
        notification_mail_muted(),
        transaction.atomic(),
    ):
        hashes = {
            a["username"]: pool.submit(make_password, a["password"])
            for a in DEMO_ACCOUNTS
        }
        summary = load_venues(pool, say)
        summary["holidays"] = seed_official_holidays()
        venues = summary.pop("venues_by_name")
        people = load_accounts(venues, hashes)
        say(f"accounts 演示账号: {len(DEMO_ACCOUNTS)}")
        visits = load_visits(people, venues)
        summary["visits"] = len(visits)
        summary["reviews"] = load_reviews(visits, people)
        summary["pending_requests"] = load_requests(people, venues)
        summary["appeals"] = load_appeals(people, venues)
        regulars = load_regulars(people, venues)
        summary["reviews"] += regulars["regular_reviews"]
        summary["appeals"] += regulars["regular_appeals"]
        say(f"visits 到访: {len(visits)}, feedback 诉求: {summary['appeals']}")
        summary |= load_activities(people, venues)
        summary |= load_notices(people, venues)
        summary |= load_representatives(people)
        summary |= load_membership(people, venues)
        summary |= load_volunteering(people, venues)
        load_indexes()
        load_reach()
        summary |= load_demand()
        # The usage snapshots gather from every app: dashboards computes them.
        call_command("compute_usage", stdout=io.StringIO())
        say(f"demand 需求: {summary['demand_rows']} counts, siting computed")
    summary["accounts"] = [*printed_accounts(), printed_account()]
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary
