"""Demand: a month of near-me searches and navigation hand-offs, counted by
cell as the portal counts them, then the siting snapshots computed from it.

Searches gather around each town's venues and centre, in proportion to its
people; 桃花镇 is the clearly underserved one: its port and fishing villages
search often and no outdoor workers' station is within reach. A day that already holds
demand (from an earlier run, or from people) is left as it is.
"""

import datetime
from collections import Counter

from django.utils import timezone

from demo.loaders import seeded
from venues.demand import cell_of
from venues.models import DemandCount, DemandSource, Town, Venue
from venues.siting import compute_siting

DAYS = 30
# Near-me searches a day around each town's centre (by its people, roughly).
SEARCHES = {
    "沈家门街道": 60,
    "东港街道": 40,
    "勾山街道": 15,
    "展茅街道": 12,
    "朱家尖街道": 12,
    "普陀山镇": 10,
    "六横镇": 20,
    "桃花镇": 8,
    "虾峙镇": 6,
    "东极镇": 2,
}
# 桃花镇's port and villages, more than a kilometre from its two venues.
HOTSPOTS = [(29.8000, 122.3010, 40), (29.8255, 122.3050, 28), (29.7965, 122.2700, 20)]
SPREAD = 0.004  # degrees, about 450 m
# People search at work hours and in the evening.
HOURS = [7, 8, 9, 10, 11, 12, 12, 13, 14, 15, 16, 17, 17, 18, 19, 20]


def _day_rows(day: datetime.date, towns, venues) -> list[DemandCount]:
    rng = seeded("demand", day.isoformat())
    counts = Counter()
    places = []
    for town in towns:
        around = [(v.lat, v.lng) for v in venues if v.town_id == town.pk]
        places.append(([(town.lat, town.lng), *around], SEARCHES.get(town.name, 5)))
    places += [([(lat, lng)], per_day) for lat, lng, per_day in HOTSPOTS]
    for centres, per_day in places:
        for _search in range(rng.randint(per_day // 2, per_day + per_day // 2)):
            lat, lng = rng.choice(centres)
            cell = cell_of(rng.gauss(lat, SPREAD), rng.gauss(lng, SPREAD))
            counts[(DemandSource.NEAR_ME, cell, "", None, rng.choice(HOURS))] += 1
    for venue in venues:
        for _hand_off in range(rng.randint(0, 4)):
            key = (DemandSource.NAVIGATION, venue.cell, venue.category, venue.pk)
            counts[(*key, rng.choice(HOURS))] += 1
    return [
        DemandCount(
            date=day,
            hour=hour,
            source=source,
            cell=cell,
            category=category,
            venue_id=venue_id,
            count=count,
        )
        for (source, cell, category, venue_id, hour), count in sorted(
            counts.items(), key=str
        )
    ]


def load_demand() -> dict:
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(DAYS, 0, -1)]
    filled = set(
        DemandCount.objects.filter(date__in=days).values_list("date", flat=True)
    )
    towns = list(Town.objects.all())
    venues = list(
        Venue.objects.published().only("pk", "lat", "lng", "category", "town_id")
    )
    for venue in venues:
        venue.cell = cell_of(venue.lat, venue.lng)
    rows = []
    for day in days:
        if day not in filled:
            rows += _day_rows(day, towns, venues)
    DemandCount.objects.bulk_create(rows, batch_size=2000)
    snapshots = compute_siting(today=today)
    return {"demand_rows": len(rows), "siting_snapshots": len(snapshots)}
