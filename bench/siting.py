"""compute_siting over the whole directory and a month of demand events.

The events are what the portal would have counted over 30 days: near-me
searches spread wider than the venues (so the edges of the towns are
unserved), navigation hand-offs, refused bookings and waiting lists at
venues. Each is reduced to its cell and hour as `demand_record` does, then
stored as the count rows `compute_siting` reads.
"""

import datetime
import random
import time
from collections import Counter

from django.db import transaction
from django.utils import timezone

from bench.fill import BATCH, TOWNS
from venues.demand import cell_of
from venues.models import DemandCount, DemandSource, Venue

DAYS = 30
SOURCES = [
    (DemandSource.NEAR_ME, 0.7),
    (DemandSource.NAVIGATION, 0.2),
    (DemandSource.BOOKING_REFUSED, 0.05),
    (DemandSource.WAITING_LIST, 0.05),
]


def add_demand_events(events: int, *, rng: random.Random) -> int:
    """Count `events` into DemandCount rows; returns the number of rows."""
    today = timezone.localdate()
    venues = list(Venue.objects.values_list("pk", "category", "lat", "lng"))
    venue_cells = {}
    counts = Counter()
    for source, share in SOURCES:
        for _event in range(int(events * share)):
            day = today - datetime.timedelta(days=rng.randint(1, DAYS))
            hour = rng.randint(6, 22)
            if source == DemandSource.NEAR_ME:
                _name, lat, lng = rng.choice(TOWNS)
                cell = cell_of(lat + rng.gauss(0, 0.045), lng + rng.gauss(0, 0.05))
                counts[(day, hour, source, cell, "", None)] += 1
                continue
            pk, category, lat, lng = rng.choice(venues)
            if pk not in venue_cells:
                venue_cells[pk] = cell_of(lat, lng)
            counts[(day, hour, source, venue_cells[pk], category, pk)] += 1
    rows = [
        DemandCount(
            date=day,
            hour=hour,
            source=source,
            cell=cell,
            category=category,
            venue_id=venue,
            count=count,
        )
        for (day, hour, source, cell, category, venue), count in counts.items()
    ]
    with transaction.atomic():
        # The month measured replaces the demo's and near me's counts.
        DemandCount.objects.all().delete()
        DemandCount.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def run_siting(events: int, rng: random.Random) -> dict:
    from venues.models import SitingSnapshot
    from venues.siting import compute_siting

    started = time.perf_counter()
    rows = add_demand_events(events, rng=rng)
    fill_s = time.perf_counter() - started
    started = time.perf_counter()
    snapshots = compute_siting()
    compute_s = time.perf_counter() - started
    latest = SitingSnapshot.objects.filter(computed_at=snapshots[0].computed_at)
    return {
        "venues": Venue.objects.count(),
        "events": events,
        "rows": rows,
        "fill_s": fill_s,
        "compute_s": compute_s,
        "categories": len(snapshots),
        "cells": sum(len(s.data["cells"]) for s in latest[:1]),
        "methods": sorted(
            {s["method"] for snap in latest for s in snap.data["suggestions"].values()}
        ),
    }
