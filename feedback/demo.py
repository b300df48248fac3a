"""Demo activity on top of the venues demo: bookings, reviews, feedback, indexes.

Idempotent: the demo people's bookings, reviews, feedback and messages are
replaced on every run (seats are then rebuilt from the bookings), and the
indexes of the last three complete months are recomputed. Times are relative
to today, so the inbox always holds something to do.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bookings.availability import slot_grid
from bookings.models import Booking
from bookings.services import (
    booking_approve,
    booking_check_in,
    booking_create,
    seat_drift,
)
from feedback.indexes import compute_indexes
from feedback.models import Appeal, Review
from feedback.periods import last_complete_month, previous_month
from feedback.services import (
    appeal_accept,
    appeal_resolve,
    appeal_submit,
    review_create,
    review_reply,
)
from qunxian.models import Notification
from qunxian.workflow import Refused
from venues.models import Space, Venue

SEED = 20261128
PEOPLE = [
    ("demo_chen", "13700000001", "陈师傅"),
    ("demo_wang", "13700000002", "王阿姨"),
    ("demo_zhao", "13700000003", "赵小哥"),
    ("demo_sun", "13700000004", "孙老师"),
    ("demo_zhou", "13700000005", "周大姐"),
    ("demo_wu", "13700000006", "吴师傅"),
    ("demo_zheng", "13700000007", "郑同学"),
    ("demo_lin", "13700000008", "林船长"),
]
PURPOSES = ["班组学习", "亲子阅读", "青年联谊", "健康讲座", "读书分享", "职工议事"]
PRAISE = [
    (5, "环境干净，工作人员很热情。"),
    (5, "休息的地方很舒服，饮水和充电都方便。"),
    (4, "设施齐全，就是周末人有点多。"),
    (5, "预约方便，按时开门。"),
    (3, "空调有点冷，其他都好。"),
    (4, "位置好找，导航直接到门口。"),
]
APPEALS = [
    (Appeal.Kind.REPAIR, "饮水机不出热水了，麻烦尽快维修。"),
    (Appeal.Kind.SUGGESTION, "建议周末晚上延长开放时间。"),
    (Appeal.Kind.HELP, "想了解职工互助保障怎么办理。"),
    (Appeal.Kind.COMPLAINT, "预约时间到了门还没开，等了二十分钟。"),
]


def _people():
    User = get_user_model()
    people = [User.objects.get(username="worker")]
    for username, phone, name in PEOPLE:
        user, _created = User.objects.update_or_create(
            username=username, defaults={"phone": phone, "display_name": name}
        )
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    return people


def _handler(venue, admin):
    """Who decides at `venue`: one of its managers, else the district's admin."""
    return venue.managers.order_by("pk").first() or admin


def _attended_visit(rng, person, space, day, manager):
    """A past visit: requested a day ahead, approved, checked in, reviewed."""
    starts = [start for start, _end in slot_grid(space, day)]
    if not starts:
        return None
    start = rng.choice(starts)
    try:
        booking = booking_create(
            user=person,
            space=space,
            start=start,
            headcount=rng.randint(1, min(6, space.capacity)),
            purpose=rng.choice(PURPOSES),
            contact_phone=person.phone,
            now=start - datetime.timedelta(days=1),
        )
    except Refused:
        return None
    if booking.state == Booking.State.PENDING:
        booking = booking_approve(booking=booking, actor=manager)
    return booking_check_in(booking=booking, actor=manager, now=start)


@transaction.atomic
def load_activity_demo() -> dict:
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not secrets
    people = _people()
    manager = get_user_model().objects.get(username="manager")
    admin = get_user_model().objects.get(username="admin")
    for model in (Booking, Review, Appeal, Notification):
        model.objects.filter(user__in=people).delete()
    seat_drift(repair=True)

    today = timezone.localdate()
    spaces = list(
        Space.objects.filter(is_active=True, venue__is_bookable=True)
        .select_related("venue")
        .prefetch_related("venue__hours", "venue__closures")
        .order_by("pk")
    )
    reviews = 0
    for days_ago in range(80, 1, -2):
        day = today - datetime.timedelta(days=days_ago)
        for person in rng.sample(people, 2):
            space = rng.choice(spaces)
            booking = _attended_visit(
                rng, person, space, day, _handler(space.venue, admin)
            )
            if booking is None:
                continue
            rating, text = rng.choice(PRAISE)
            review = review_create(
                user=person, venue=booking.space.venue, rating=rating, text=text
            )
            Review.objects.filter(pk=review.pk).update(created_at=booking.end)
            reviews += 1
            if rng.random() < 0.5:
                review_reply(
                    review=review,
                    actor=_handler(space.venue, admin),
                    text="感谢您的评价，欢迎常来！",
                )

    appeals = 0
    venues = list(Venue.objects.published().order_by("pk"))
    for days_ago in range(75, 5, -9):
        kind, text = rng.choice(APPEALS)
        venue = rng.choice(venues)
        appeal = appeal_submit(
            user=rng.choice(people), venue=venue, kind=kind, text=text
        )
        created = timezone.now() - datetime.timedelta(days=days_ago)
        handler = _handler(venue, admin)
        appeal = appeal_accept(appeal=appeal, actor=handler)
        appeal = appeal_resolve(
            appeal=appeal, actor=handler, reply="已安排处理，谢谢反馈。"
        )
        late = rng.random() < 0.25
        Appeal.objects.filter(pk=appeal.pk).update(
            created_at=created,
            accept_due=created + datetime.timedelta(days=2),
            resolve_due=created + datetime.timedelta(days=7),
            accepted_at=created + datetime.timedelta(days=1),
            resolved_at=created + datetime.timedelta(days=9 if late else 4),
        )
        appeals += 1

    # Things to do now: requests awaiting a decision, open and overdue feedback.
    managed = list(manager.managed_venues.filter(is_bookable=True))
    upcoming = 0
    for offset, person in enumerate(people[1:4], start=1):
        for space in Space.objects.filter(venue__in=managed, is_active=True)[:1]:
            day = today + datetime.timedelta(days=offset + 1)
            starts = [s for s, _e in slot_grid(space, day)]
            if starts:
                booking_create(
                    user=person,
                    space=space,
                    start=starts[min(offset, len(starts) - 1)],
                    headcount=2,
                    purpose=rng.choice(PURPOSES),
                    contact_phone=person.phone,
                )
                upcoming += 1
    station = manager.managed_venues.order_by("pk").first()
    appeal_submit(
        user=people[0], venue=station, kind=Appeal.Kind.REPAIR, text=APPEALS[0][1]
    )
    overdue = appeal_submit(
        user=people[1], venue=station, kind=Appeal.Kind.COMPLAINT, text=APPEALS[3][1]
    )
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    Appeal.objects.filter(pk=overdue.pk).update(
        created_at=three_days_ago,
        accept_due=three_days_ago + datetime.timedelta(days=2),
        resolve_due=three_days_ago + datetime.timedelta(days=7),
    )
    appeal_submit(
        user=people[2], venue=None, kind=Appeal.Kind.SUGGESTION, text=APPEALS[1][1]
    )
    appeals += 3

    period = last_complete_month(today)
    for _month in range(3):
        compute_indexes(period)
        period = previous_month(period)
    return {
        "people": len(people),
        "attended_reviews": reviews,
        "appeals": appeals,
        "pending_requests": upcoming,
    }
