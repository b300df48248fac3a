"""Fast, reproducible data: venues across Putuo's towns, and the month of
usage, bookings, reviews and feedback that the indexes are computed from.

Everything goes in with bulk_create in large batches; no signals fire, so the
caller clears the cache afterwards.
"""

import datetime
import random
import time

from django.db import connection, transaction
from django.utils import timezone

from bookings.models import Booking, SpaceRules
from feedback.models import Appeal, Review
from qunxian.models import User
from venues.models import (
    Closure,
    Facility,
    OpeningHours,
    Organization,
    Space,
    Town,
    Venue,
    VenueDailyStat,
)

BATCH = 5000
CHUNK = 50_000

TOWNS = [
    ("沈家门街道", 29.952, 122.300),
    ("东港街道", 29.965, 122.330),
    ("朱家尖街道", 29.900, 122.390),
    ("展茅街道", 30.020, 122.250),
    ("勾山街道", 29.990, 122.270),
    ("六横镇", 29.730, 122.140),
    ("桃花镇", 29.810, 122.280),
    ("虾峙镇", 29.760, 122.260),
    ("东极镇", 30.180, 122.680),
    ("普陀山镇", 30.000, 122.385),
]
ORGANIZATIONS = [
    ("普陀区总工会", Organization.Kind.UNION),
    ("共青团普陀区委", Organization.Kind.YOUTH),
    ("普陀区妇联", Organization.Kind.WOMEN),
    ("普陀区科协", Organization.Kind.SCIENCE),
    ("普陀区残联", Organization.Kind.OTHER),
]
FACILITIES = [
    ("aed", "除颤器 AED"),
    ("water", "饮用水"),
    ("microwave", "微波炉"),
    ("charging", "充电"),
    ("fridge", "冰箱"),
    ("books", "图书"),
    ("restroom", "卫生间"),
    ("first-aid", "急救箱"),
    ("wifi", "Wi-Fi"),
]
CATEGORIES = [choice for choice, _label in Venue.Category.choices]


def reference_data() -> None:
    for index, (name, lat, lng) in enumerate(TOWNS):
        Town.objects.get_or_create(
            name=name, defaults={"lat": lat, "lng": lng, "position": index}
        )
    for name, kind in ORGANIZATIONS:
        Organization.objects.get_or_create(name=name, defaults={"kind": kind})
    for index, (code, name) in enumerate(FACILITIES):
        Facility.objects.get_or_create(
            code=code, defaults={"name": name, "icon": code, "position": index}
        )


def random_position(rng: random.Random) -> tuple[float, float]:
    """Mostly around a town centre (σ ≈ 3 km), like real venues."""
    _name, lat, lng = rng.choice(TOWNS)
    return lat + rng.gauss(0, 0.027), lng + rng.gauss(0, 0.031)


def add_venues(count: int, *, rng: random.Random) -> float:
    """Add `count` venues with facilities, weekly hours and a few closures."""
    started = time.perf_counter()
    towns = list(Town.objects.values_list("pk", "name"))
    organizations = list(Organization.objects.values_list("pk", flat=True))
    facilities = list(Facility.objects.values_list("pk", flat=True))
    first = Venue.objects.count()
    today = timezone.localdate()
    through = Venue.facilities.through
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        venues = []
        for offset in range(size):
            number = first + done + offset
            town_pk, town_name = rng.choice(towns)
            lat, lng = random_position(rng)
            category = rng.choice(CATEGORIES)
            venues.append(
                Venue(
                    name=f"{town_name}服务站{number:06d}",
                    organization_id=rng.choice(organizations),
                    category=category,
                    town_id=town_pk,
                    address=f"{town_name}海港路{number}号",
                    lat=lat,
                    lng=lng,
                    phone="0580-3000000",
                    description="基准测试场所。",
                    is_bookable=rng.random() < 0.3,
                    status=Venue.Status.ACTIVE
                    if rng.random() < 0.95
                    else Venue.Status.SUSPENDED,
                )
            )
        with transaction.atomic():
            venues = Venue.objects.bulk_create(venues, batch_size=BATCH)
            links, hours, closures = [], [], []
            for venue in venues:
                for facility in rng.sample(facilities, rng.randint(0, 5)):
                    links.append(through(venue_id=venue.pk, facility_id=facility))
                all_day = rng.random() < 0.1
                for weekday in range(7 if rng.random() < 0.8 else 6):
                    hours.append(
                        OpeningHours(
                            venue_id=venue.pk,
                            weekday=weekday,
                            opens=datetime.time(
                                0 if all_day else 8, 0 if all_day else 30
                            ),
                            closes=datetime.time(
                                0 if all_day else 17, 0 if all_day else 30
                            ),
                        )
                    )
                if rng.random() < 0.02:
                    closures.append(
                        Closure(
                            venue_id=venue.pk,
                            start_date=today,
                            end_date=today + datetime.timedelta(days=3),
                            reason="设备检修",
                        )
                    )
            through.objects.bulk_create(links, batch_size=BATCH)
            OpeningHours.objects.bulk_create(hours, batch_size=BATCH)
            Closure.objects.bulk_create(closures, batch_size=BATCH)
        done += size
    analyze()
    return time.perf_counter() - started


def analyze() -> None:
    """PostgreSQL's autovacuum would vacuum and analyze the new rows soon, in
    the middle of the measurements; do it now, as a running site would have.
    SQLite is left as the app leaves it (Django never runs ANALYZE there)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def add_users(count: int, *, prefix: str, phones: str) -> list[int]:
    """`count` workers named prefix0…, with phones `phones` + 8 digits."""
    users = [
        User(
            username=f"{prefix}{index}",
            phone=f"{phones}{index:08d}",
            display_name=f"职工{index}",
            password="!unusable",  # noqa: S106
        )
        for index in range(count)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    return list(
        User.objects.filter(username__startswith=prefix).values_list("pk", flat=True)
    )


def _bulk(model, rows, total: int) -> None:
    """Insert `total` objects from the generator `rows`, CHUNK at a time."""
    inserted = 0
    while inserted < total:
        chunk = [next(rows) for _ in range(min(CHUNK, total - inserted))]
        with transaction.atomic():
            model.objects.bulk_create(chunk, batch_size=BATCH)
        inserted += len(chunk)


def add_index_rows(venue_ids: list[int], total: int, *, rng: random.Random) -> dict:
    """`total` rows, a quarter each: daily usage counts (one per venue and day,
    reaching back from today), and this month's bookings, reviews and feedback.
    Returns the row counts per table."""
    now = timezone.now()
    today = timezone.localdate()
    month_first = today.replace(day=1)
    zone = timezone.get_default_timezone()
    per_kind = total // 4
    user_ids = add_users(1000, prefix="bench-idx-", phones="197")
    spaces = Space.objects.bulk_create(
        [Space(venue_id=pk, name="多功能活动室", capacity=20) for pk in venue_ids],
        batch_size=BATCH,
    )
    SpaceRules.objects.bulk_create(
        [SpaceRules(space=s) for s in spaces], batch_size=BATCH
    )
    space_ids = [space.pk for space in spaces]

    days = max(1, per_kind // len(venue_ids))

    def stats():
        for back in range(days):
            date = today - datetime.timedelta(days=back)
            for venue in venue_ids:
                yield VenueDailyStat(
                    venue_id=venue,
                    date=date,
                    views=rng.randint(0, 60),
                    navigations=rng.randint(0, 12),
                    activity_attendance=rng.randint(0, 5),
                )

    month_days = (today - month_first).days + 1
    booking_states = [
        Booking.State.ATTENDED,
        Booking.State.ATTENDED,
        Booking.State.APPROVED,
        Booking.State.NO_SHOW,
        Booking.State.CANCELLED,
    ]

    def bookings():
        for index in range(per_kind):
            day = month_first + datetime.timedelta(days=rng.randrange(month_days))
            start = datetime.datetime.combine(
                day, datetime.time(rng.randint(8, 20)), tzinfo=zone
            )
            yield Booking(
                user_id=rng.choice(user_ids),
                space_id=rng.choice(space_ids),
                start=start,
                end=start + datetime.timedelta(hours=1),
                headcount=1,
                seats=1,
                purpose="班组学习",
                contact_phone="13900000000",
                state=rng.choice(booking_states),
                # 8 characters: never equal to the 6 that booking_create draws.
                check_in_code=f"B{index:07d}",
            )

    def reviews():
        for _index in range(per_kind):
            yield Review(
                user_id=rng.choice(user_ids),
                venue_id=rng.choice(venue_ids),
                rating=rng.choice((5, 5, 5, 4, 4, 3, 2, 1)),
                text="环境整洁，热水方便。",
                state=Review.State.VISIBLE
                if rng.random() < 0.97
                else Review.State.HIDDEN,
            )

    appeal_states = list(Appeal.State)

    def appeals():
        for _index in range(per_kind):
            state = rng.choice(appeal_states)
            accepted = state != Appeal.State.SUBMITTED
            resolved = state in (Appeal.State.RESOLVED, Appeal.State.CONFIRMED)
            yield Appeal(
                user_id=rng.choice(user_ids),
                venue_id=rng.choice(venue_ids),
                kind=Appeal.Kind.SUGGESTION,
                text="建议增加一台微波炉。",
                state=state,
                accept_due=now + datetime.timedelta(hours=rng.randint(-48, 48)),
                resolve_due=now + datetime.timedelta(hours=rng.randint(-96, 168)),
                accepted_at=now - datetime.timedelta(hours=rng.randint(0, 60))
                if accepted
                else None,
                resolved_at=now - datetime.timedelta(hours=rng.randint(0, 30))
                if resolved
                else None,
            )

    _bulk(VenueDailyStat, stats(), days * len(venue_ids))
    _bulk(Booking, bookings(), per_kind)
    _bulk(Review, reviews(), per_kind)
    _bulk(Appeal, appeals(), per_kind)
    analyze()
    return {
        "usage (VenueDailyStat)": days * len(venue_ids),
        "bookings": per_kind,
        "reviews": per_kind,
        "feedback (Appeal)": per_kind,
    }
