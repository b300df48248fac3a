"""32 parallel clients booking the last seats of the same slots (PostgreSQL).

Every thread walks the same slots in the same order, so on every slot all of
them race for its seats at once; each thread has its own connection.
"""

import collections
import datetime
import threading
import time

from django.db import connections
from django.db.models import Sum
from django.utils import timezone

from bench.fill import add_users
from bookings.models import BookingSlot, Slot, SpaceRules
from bookings.services import booking_create, seat_drift
from qunxian.workflow import Refused
from venues.models import OpeningHours, Organization, Space, Town, Venue

CAPACITY = 10


def _space() -> Space:
    venue = Venue.objects.create(
        name="基准抢座场所",
        organization=Organization.objects.first(),
        category=Venue.Category.WORKERS_HOME,
        town=Town.objects.first(),
        address="沈家门街道海港路1号",
        lat=29.952,
        lng=122.300,
        is_bookable=True,
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(
            venue=venue, weekday=day, opens=datetime.time(8), closes=datetime.time(22)
        )
        for day in range(7)
    )
    space = Space.objects.create(venue=venue, name="会议室", capacity=CAPACITY)
    SpaceRules.objects.create(
        space=space,
        approval=SpaceRules.Approval.AUTOMATIC,
        min_notice_minutes=0,
        advance_days=30,
        max_active_per_user=1000,
    )
    return space


def run_contention(*, clients: int = 32, slots: int = 28) -> dict:
    space_pk = _space().pk
    user_ids = add_users(clients, prefix="bench-race-", phones="136")
    zone = timezone.get_default_timezone()
    first_day = timezone.localdate() + datetime.timedelta(days=1)
    starts = [
        datetime.datetime.combine(
            first_day + datetime.timedelta(days=index // 14),
            datetime.time(8 + index % 14),
            tzinfo=zone,
        )
        for index in range(slots)
    ]
    connections.close_all()
    barrier = threading.Barrier(clients + 1)
    outcomes = collections.Counter()
    lock = threading.Lock()

    def client(user_pk: int):
        from qunxian.models import User

        try:
            user = User.objects.get(pk=user_pk)
            space = Space.objects.select_related("venue").get(pk=space_pk)
            barrier.wait()
            for start in starts:
                try:
                    booking_create(
                        user=user,
                        space=space,
                        start=start,
                        headcount=1,
                        purpose="抢座",
                        contact_phone=user.phone,
                    )
                    result = "booked"
                except Refused as refused:
                    result = refused.code
                except Exception as error:  # noqa: BLE001 - reported, not hidden
                    result = f"error: {type(error).__name__}"
                with lock:
                    outcomes[result] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(pk,)) for pk in user_ids]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    slot_rows = list(Slot.objects.filter(space_id=space_pk))
    held = dict(
        BookingSlot.objects.filter(slot__space_id=space_pk, holds=True)
        .values("slot_id")
        .annotate(seats=Sum("booking__seats"))
        .values_list("slot_id", "seats")
    )
    overbooked = sum(max(0, s.seats_taken - s.capacity) for s in slot_rows) + sum(
        max(0, held.get(s.pk, 0) - s.capacity) for s in slot_rows
    )
    booked = outcomes.get("booked", 0)
    return {
        "clients": clients,
        "slots": slots,
        "capacity": CAPACITY,
        "attempts": sum(outcomes.values()),
        "outcomes": dict(outcomes),
        "booked": booked,
        "expected_booked": slots * min(CAPACITY, clients),
        "seconds": elapsed,
        "bookings_per_s": booked / elapsed,
        "attempts_per_s": sum(outcomes.values()) / elapsed,
        "overbooked": overbooked,
        "seat_drift": len(seat_drift()),
    }
