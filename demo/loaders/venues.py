"""Towns, organisations, facilities and the 47 venues of data/venues.csv.

Everything here has a natural key (town, organisation and venue names,
facility codes, space names within a venue), so rows are upserted on it: a
re-run resets the demo venues to the file and keeps their ids. A demo venue's
opening hours are rewritten where they differ from the file; its closures are
demo rows, so a manager's own closures stay, as do spaces a manager added;
photos are drawn only for venues that have none; daily stats are upserted on
(venue, date), and the views of the last `HOURS_DAYS` days are spread over
the hours of the day (`VenueHourlyViews`, rewritten for those days), adding
up to the day's views.
"""

from __future__ import annotations

import csv
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import partial

from django.utils import timezone

from demo.loaders import DATA, demo_row, seeded
from demo.pictures import render_photos
from venues.models import (
    Closure,
    Facility,
    OpeningHours,
    Organization,
    Space,
    Town,
    Venue,
    VenueDailyStat,
    VenueHourlyViews,
    VenuePhoto,
)
from venues.usage import HOURS_DAYS

TOWNS_CSV = DATA / "putuo-towns.csv"
VENUES_CSV = DATA / "venues.csv"
STAT_DAYS = 100

K = Organization.Kind
ORGANIZATIONS: dict[str, str] = {
    "普陀区总工会": K.UNION,
    "共青团普陀区委": K.YOUTH,
    "普陀区妇女联合会": K.WOMEN,
    "普陀区科学技术协会": K.SCIENCE,
    "普陀区残疾人联合会": K.OTHER,
    "普陀区工商业联合会": K.OTHER,
}

# (code, name, icon in static/img/icons.svg without the "icon-" prefix)
FACILITIES: list[tuple[str, str, str]] = [
    ("aed", "AED除颤器", "aed"),
    ("water", "饮用水", "water"),
    ("microwave", "微波炉", "microwave"),
    ("charging", "充电", "charging"),
    ("fridge", "冰箱", "fridge"),
    ("books", "图书", "books"),
    ("restroom", "卫生间", "restroom"),
    ("first_aid", "急救箱", "first_aid"),
    ("wifi", "无线网络", "wifi"),
    ("air_conditioning", "空调", "air_conditioning"),
    ("seating", "休息座椅", "seating"),
    ("step_free", "无障碍通道", "step_free"),
]

C = Venue.Category
# A venue's facilities are its category's, changed by the file's "+aed -books".
BASE_FACILITIES: dict[str, set[str]] = {
    C.WORKERS_HOME: {
        "water",
        "books",
        "wifi",
        "air_conditioning",
        "seating",
        "restroom",
        "first_aid",
        "microwave",
    },
    C.OUTDOOR_STATION: {
        "water",
        "microwave",
        "charging",
        "restroom",
        "seating",
        "first_aid",
    },
    C.YOUTH_HOME: {"wifi", "air_conditioning", "books", "water", "seating", "charging"},
    C.WOMEN_CHILDREN_HOME: {
        "books",
        "air_conditioning",
        "water",
        "restroom",
        "seating",
        "step_free",
        "first_aid",
    },
    C.SCIENCE_SITE: {"wifi", "air_conditioning", "restroom", "step_free", "seating"},
    C.OTHER: {"step_free", "restroom", "water", "seating", "air_conditioning"},
}

# Opening hours by the name the file gives: weekday 0 = Monday; closes <= opens
# runs past midnight.
MON_FRI = range(0, 5)
EVERY_DAY = range(0, 7)


def _ranges(days, *spans: str) -> list[tuple[int, time, time]]:
    out = []
    for day in days:
        for span in spans:
            opens, closes = (time.fromisoformat(t) for t in span.split("-"))
            out.append((day, opens, closes))
    return out


HOURS: dict[str, list[tuple[int, time, time]]] = {
    # 职工之家: office hours with a lunch break, Saturday morning.
    "workers_home": _ranges(MON_FRI, "08:30-11:30", "13:30-17:30")
    + _ranges([5], "09:00-12:00"),
    # Service centre: continuous weekdays, two evening classes, Saturday.
    "service_centre": _ranges(MON_FRI, "08:30-17:30")
    + _ranges([1, 3], "18:30-20:30")
    + _ranges([5], "09:00-16:00"),
    "station_24h": _ranges(EVERY_DAY, "00:00-00:00"),
    "station_day": _ranges(EVERY_DAY, "06:00-21:00"),
    # 青年之家: afternoons and evenings on weekdays, all day at weekends.
    "youth": _ranges(MON_FRI, "14:00-17:30", "18:30-21:00")
    + _ranges([5, 6], "09:00-12:00", "14:00-21:00"),
    # Open late on Friday and Saturday nights, past midnight.
    "youth_late": _ranges(range(0, 4), "14:00-21:00")
    + _ranges([4, 5], "10:00-17:00", "18:00-00:30")
    + _ranges([6], "10:00-17:00"),
    "women": _ranges(MON_FRI, "08:30-11:30", "13:30-17:00")
    + _ranges([5, 6], "09:00-11:30", "14:00-17:00"),
    # Science sites: closed on Mondays, like museums.
    "science": _ranges(range(1, 7), "09:00-16:30"),
    "office": _ranges(MON_FRI, "08:30-11:30", "13:30-17:00"),
}

# Spaces by the name the file gives: (name, capacity, exclusive, description).
SPACES: dict[str, tuple[str, int, bool, str]] = {
    "activity": ("活动室", 30, False, "可开展培训、文体活动和小型讲座。"),
    "meeting": ("会议室", 12, True, "配投影和白板，适合小型会议、班组学习。"),
    "reading": ("阅览室", 20, False, "安静阅读区，提供报刊和图书。"),
    "counselling": ("心理咨询室", 1, True, "一对一心理疏导，严格保密。"),
    "parent_child": ("亲子活动室", 16, False, "软垫地面和绘本角，适合亲子阅读和手工。"),
    "classroom": ("科普教室", 40, False, "可开展科普讲座、实验演示和研学活动。"),
    "rehab": ("康复活动室", 10, False, "配备基础康复器材，由康复指导员陪同使用。"),
    "studio": ("创客工作室", 8, True, "配电脑和3D打印机，适合创业团队协作与路演。"),
}

# Daily stats: relative interest per town and per category.
TOWN_WEIGHT = {
    "沈家门街道": 1.0,
    "东港街道": 0.8,
    "勾山街道": 0.6,
    "展茅街道": 0.55,
    "朱家尖街道": 0.5,
    "普陀山镇": 0.45,
    "六横镇": 0.55,
    "桃花镇": 0.3,
    "虾峙镇": 0.25,
    "东极镇": 0.2,
}
CATEGORY_WEIGHT = {
    C.WORKERS_HOME: 1.0,
    C.OUTDOOR_STATION: 1.1,
    C.YOUTH_HOME: 0.9,
    C.WOMEN_CHILDREN_HOME: 0.9,
    C.SCIENCE_SITE: 0.8,
    C.OTHER: 0.6,
}
WEEKDAY_VENUES = {C.OUTDOOR_STATION, C.WORKERS_HOME, C.OTHER}
# When people first look at a venue's page, by hour: before work, at noon and
# after work for the workers' venues; mornings, afternoons and evenings for
# the others.
WORK_HOURS = {
    6: 2,
    7: 6,
    8: 6,
    9: 3,
    10: 2,
    11: 5,
    12: 7,
    13: 4,
    14: 2,
    15: 2,
    16: 3,
    17: 6,
    18: 7,
    19: 4,
    20: 2,
    21: 1,
}
LEISURE_HOURS = {
    8: 2,
    9: 5,
    10: 6,
    11: 4,
    12: 2,
    13: 2,
    14: 4,
    15: 5,
    16: 4,
    17: 3,
    18: 3,
    19: 5,
    20: 4,
    21: 2,
}


@dataclass(frozen=True)
class VenueSpec:
    """One row of data/venues.csv."""

    organization: str
    category: str
    town: str
    name: str
    address: str
    lat: float
    lng: float
    phone: str
    hours: str
    facilities: str  # changes to the category's base set: "+aed -books"
    spaces: tuple[str, ...]
    description: str

    @property
    def facility_codes(self) -> set[str]:
        codes = set(BASE_FACILITIES[self.category])
        for change in self.facilities.split():
            if change.startswith("+"):
                codes.add(change[1:])
            elif change.startswith("-"):
                codes.discard(change[1:])
            else:
                raise ValueError(f"{self.name}: facility change {change!r} needs ±")
        return codes


def _read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            {k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)
        ]


def read_towns() -> list[dict[str, str]]:
    return _read_csv(TOWNS_CSV)


def read_venues() -> list[VenueSpec]:
    """The file's rows, refused whole if one names something unknown."""
    specs = []
    codes = {code for code, _name, _icon in FACILITIES}
    for row in _read_csv(VENUES_CSV):
        spec = VenueSpec(
            **{**row, "lat": float(row["lat"]), "lng": float(row["lng"])}
            | {"spaces": tuple(row["spaces"].split())}
        )
        unknown = [
            f"{label} {value!r}"
            for label, value, known in (
                ("organisation", spec.organization, ORGANIZATIONS),
                ("category", spec.category, C.values),
                ("town", spec.town, TOWN_WEIGHT),
                ("hours", spec.hours, HOURS),
                *(("space", key, SPACES) for key in spec.spaces),
            )
            if value not in known
        ] + [f"facility {c!r}" for c in spec.facility_codes - codes]
        if unknown:
            raise ValueError(f"{VENUES_CSV.name}, {spec.name}: {', '.join(unknown)}")
        specs.append(spec)
    return specs


def island(town_row: dict[str, str]) -> bool:
    return "island" in town_row["note"]


def _load_towns(rows: list[dict[str, str]]) -> dict[str, Town]:
    towns = {}
    for position, row in enumerate(rows, start=1):
        town, _ = Town.objects.update_or_create(
            name=row["town"],
            defaults={
                "lat": float(row["lat"]),
                "lng": float(row["lng"]),
                "position": position,
            },
        )
        towns[town.name] = town
    return towns


def _load_organizations() -> dict[str, Organization]:
    orgs = {}
    for name, kind in ORGANIZATIONS.items():
        orgs[name], _ = Organization.objects.update_or_create(
            name=name, defaults={"kind": kind}
        )
    return orgs


def _load_facilities() -> dict[str, Facility]:
    facilities = {}
    for position, (code, name, icon) in enumerate(FACILITIES):
        facilities[code], _ = Facility.objects.update_or_create(
            code=code, defaults={"name": name, "icon": icon, "position": position}
        )
    return facilities


def _load_venues(specs, towns, orgs, facilities) -> dict[str, Venue]:
    venues = {}
    for spec in specs:
        venue, _ = Venue.objects.update_or_create(
            name=spec.name,
            defaults={
                "organization": orgs[spec.organization],
                "category": spec.category,
                "town": towns[spec.town],
                "address": spec.address,
                "lat": spec.lat,
                "lng": spec.lng,
                "phone": spec.phone,
                "description": spec.description,
                "is_bookable": bool(spec.spaces),
                "status": Venue.Status.ACTIVE,
                "status_reason": "",
            },
        )
        venue.facilities.set([facilities[c] for c in sorted(spec.facility_codes)])
        venues[spec.name] = venue
    return venues


def _next_month_start(today: date) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def demo_closures(today: date) -> dict[str, list[tuple[date, date, str]]]:
    """Closures relative to today (Asia/Shanghai)."""
    next_month = _next_month_start(today)
    return {
        "普陀区总工会职工服务中心": [
            (next_month + timedelta(days=4), next_month + timedelta(days=6), "设备检修")
        ],
        "普陀区青少年科普馆": [
            (today + timedelta(days=2), today + timedelta(days=3), "展厅布展更新")
        ],
        "东港青年之家": [
            (
                next_month + timedelta(days=11),
                next_month + timedelta(days=11),
                "空调及消防设施年检",
            )
        ],
    }


def _load_hours(specs, venues: dict[str, Venue]) -> None:
    """A venue's hours as the file says; rewritten only where they differ."""
    have: dict[int, set] = {v.pk: set() for v in venues.values()}
    for row in OpeningHours.objects.filter(venue_id__in=have).values_list(
        "venue_id", "weekday", "opens", "closes"
    ):
        have[row[0]].add(row[1:])
    for spec in specs:
        venue = venues[spec.name]
        if have[venue.pk] != set(HOURS[spec.hours]):
            OpeningHours.objects.filter(venue=venue).delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(venue=venue, weekday=day, opens=opens, closes=closes)
                for day, opens, closes in HOURS[spec.hours]
            )


def _load_closures(venues: dict[str, Venue]) -> None:
    """The demo's closures, renewed once over; a manager's own ones stay."""
    today = timezone.localdate()
    for name, closures in demo_closures(today).items():
        for start, end, reason in closures:
            demo_row(
                f"closure:{name}:{reason}",
                Closure,
                partial(
                    Closure.objects.create,
                    venue=venues[name],
                    start_date=start,
                    end_date=end,
                    reason=reason,
                ),
                fresh=lambda closure: closure.end_date >= today,
            )


def _load_spaces(specs, venues: dict[str, Venue]) -> int:
    # Spaces a manager added beyond the demo ones are left alone (they may
    # carry bookings); the demo ones are matched on (venue, name).
    count = 0
    for spec in specs:
        for key in spec.spaces:
            name, capacity, exclusive, description = SPACES[key]
            Space.objects.update_or_create(
                venue=venues[spec.name],
                name=name,
                defaults={
                    "capacity": capacity,
                    "is_exclusive": exclusive,
                    "description": description,
                    "is_active": True,
                },
            )
            count += 1
    return count


def _draw(job: tuple[VenueSpec, bool]):
    spec, on_island = job
    return render_photos(
        seeded("photo", spec.name),
        name=spec.name,
        kind=ORGANIZATIONS[spec.organization],
        island=on_island,
        has_rooms=bool(spec.spaces),
    )


def _load_photos(specs, venues: dict[str, Venue], islands: set[str], pool) -> int:
    with_photos = set(
        VenuePhoto.objects.filter(venue__in=venues.values()).values_list(
            "venue_id", flat=True
        )
    )
    todo = [spec for spec in specs if venues[spec.name].pk not in with_photos]
    jobs = [(spec, spec.town in islands) for spec in todo]
    created = 0
    # Drawing and encoding run in the pool; the rows are written here, on the
    # thread that holds the transaction.
    for spec, photos in zip(todo, pool.map(_draw, jobs), strict=True):
        for photo in photos:
            VenuePhoto.objects.create(
                venue=venues[spec.name],
                image=photo.image,
                thumbnail=photo.thumbnail,
                width=photo.width,
                height=photo.height,
                caption=photo.caption,
                position=photo.position,
            )
            created += 1
    return created


def demo_stat(
    spec: VenueSpec, day: date, start: date, appeal: float = 1.0
) -> tuple[int, int]:
    """Views and navigations of one venue on one day; stable for a given date."""
    base = 22 * TOWN_WEIGHT[spec.town] * CATEGORY_WEIGHT[spec.category] * appeal
    rng = seeded("stat", spec.name, day.isoformat())
    weekend = day.weekday() >= 5
    if spec.category in WEEKDAY_VENUES:
        base *= 0.75 if weekend else 1.1
    else:
        base *= 1.35 if weekend else 0.9
    # Slow growth over the window (the portal is catching on).
    base *= 0.85 + 0.3 * ((day - start).days / STAT_DAYS)
    views = max(0, round(rng.gauss(base, base * 0.25)))
    navigations = round(views * rng.uniform(0.12, 0.3))
    return views, navigations


def _load_stats(specs, venues: dict[str, Venue]) -> int:
    yesterday = timezone.localdate() - timedelta(days=1)
    start = yesterday - timedelta(days=STAT_DAYS - 1)
    days = [start + timedelta(days=i) for i in range(STAT_DAYS)]
    rows = []
    for spec in specs:
        appeal = seeded("venue", spec.name).uniform(0.7, 1.3)  # each venue its own
        for day in days:
            views, navigations = demo_stat(spec, day, start, appeal)
            rows.append(
                VenueDailyStat(
                    venue=venues[spec.name],
                    date=day,
                    views=views,
                    navigations=navigations,
                )
            )
    VenueDailyStat.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["venue", "date"],
        update_fields=["views", "navigations"],
    )
    recent = (yesterday - timedelta(days=HOURS_DAYS - 1), yesterday)
    _load_hourly_views(specs, rows, days=recent)
    return len(rows)


def _load_hourly_views(specs, stats: list[VenueDailyStat], days) -> None:
    """Each day's views in `days` (first, last) by the hour of the visitor's
    first view."""
    since, until = days
    category = {spec.name: spec.category for spec in specs}
    hourly = []
    for stat in stats:
        if not since <= stat.date <= until or not stat.views:
            continue
        name = stat.venue.name
        weights = WORK_HOURS if category[name] in WEEKDAY_VENUES else LEISURE_HOURS
        rng = seeded("stat-hours", name, stat.date.isoformat())
        drawn = Counter(
            rng.choices(list(weights), list(weights.values()), k=stat.views)
        )
        hourly += [
            VenueHourlyViews(venue=stat.venue, date=stat.date, hour=hour, views=n)
            for hour, n in sorted(drawn.items())
        ]
    # Rewritten, not upserted: a day's views, and so its hours, follow the file.
    VenueHourlyViews.objects.filter(
        venue__in={stat.venue_id for stat in stats}, date__range=days
    ).delete()
    VenueHourlyViews.objects.bulk_create(hourly, batch_size=2000)


def load_venues(pool: Executor, say) -> dict:
    """The venue network; returns the venues by name and the counts."""
    town_rows = read_towns()
    specs = read_venues()
    towns = _load_towns(town_rows)
    say(f"towns 街道/镇: {len(towns)}")
    orgs = _load_organizations()
    say(f"organisations 组织: {len(orgs)}")
    facilities = _load_facilities()
    say(f"facilities 设施: {len(facilities)}")
    venues = _load_venues(specs, towns, orgs, facilities)
    say(f"venues 场所: {len(venues)}")
    _load_hours(specs, venues)
    _load_closures(venues)
    spaces = _load_spaces(specs, venues)
    say(f"spaces 可预约空间: {spaces}")
    islands = {row["town"] for row in town_rows if island(row)}
    new_photos = _load_photos(specs, venues, islands, pool)
    say(f"photos 照片: {new_photos} new")
    stats = _load_stats(specs, venues)
    say(f"daily stats 每日统计: {stats} rows upserted")
    return {
        "venues_by_name": venues,
        "venues": len(venues),
        "union_venues": sum(
            1 for s in specs if ORGANIZATIONS[s.organization] == K.UNION
        ),
        "bookable_venues": sum(1 for v in venues.values() if v.is_bookable),
        "spaces": spaces,
        "photos_created": new_photos,
        "photos": VenuePhoto.objects.filter(venue__in=venues.values()).count(),
        "daily_stats": stats,
    }
