"""Reviews of the demo's visits, feedback with its answers, and the indexes.

Past feedback falls on every ninth calendar day of the last 75, keyed by the
date, answered on time or late. Three open items are the work to do now: one
new, one overdue, one for the district; each is renewed once it is handled.

A few walk-in venues have regulars (`REGULARS`): on every fourth day a
resident reviews one of them, every few days someone asks it something and
its staff answer, on time or, at some, late. So the index ranks on
service as well as on views: the station its users praise and whose staff
answer on time comes first, not the one with the most views and no reviews.
Each review and item is keyed by the venue and the date, and a resident's
reviews of one venue are 32 days apart, past the 30-day limit of walk-in
reviews.
"""

import datetime
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings.models import Booking
from demo.loaders import demo_row, seeded
from demo.loaders.accounts import PUGONG_STATION, People
from feedback.indexes import compute_indexes
from feedback.models import Appeal, Review
from feedback.periods import last_complete_month, previous_month
from feedback.services import (
    appeal_accept,
    appeal_resolve,
    appeal_submit,
    review_booking_for,
    review_create,
    review_reply,
)
from venues.models import Venue

HISTORY_DAYS = 75
INDEX_MONTHS = 3
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
REVIEW_THANKS = "感谢您的评价，欢迎常来！"
APPEAL_ANSWER = "已安排处理，谢谢反馈。"
REVIEW_SORRY = "抱歉给您添麻烦了，我们已经在改进，欢迎再来看看。"
# What regulars write, by their stars.
SAYINGS = {
    5: ["环境干净，工作人员很热情。", "休息的地方很舒服，饮水和充电都方便。",
        "热水、微波炉都能用，歇脚很方便。", "反映的问题第二天就解决了，很贴心。"],
    4: ["设施齐全，就是周末人有点多。", "位置好找，导航直接到门口。",
        "干净整洁，希望多放几把椅子。"],
    3: ["空调有点冷，其他都好。", "地方有点小，中午人多没座位。"],
    2: ["饮水机经常没热水，希望改进。", "开门时间和写的不一样，白跑一趟。"],
}  # fmt: skip
# What people ask of a walk-in venue (nobody books there).
ASKS = [
    (Appeal.Kind.REPAIR, "饮水机不出热水了，麻烦尽快维修。"),
    (Appeal.Kind.REPAIR, "充电柜有两个插口坏了。"),
    (Appeal.Kind.SUGGESTION, "建议夏天加一台冰柜，放些冰水。"),
    (Appeal.Kind.HELP, "想了解职工互助保障怎么办理。"),
    (Appeal.Kind.COMPLAINT, "开放时间到了门还没开，等了二十分钟。"),
]
ANSWERED_AFTER = 10  # the newest items, made at least this many days ago


@dataclass(frozen=True)
class Regular:
    ratings: tuple[int, ...]  # drawn from, one per review
    late: float  # share of its feedback answered after the deadline
    offset: int  # its review days: ordinal % 4; its feedback days: % `asked`
    asked: int = 6  # someone asks it something every this many days


REGULARS = {
    # Praised, asked often and answering on time: the index's first.
    "沈家门渔港环卫工人爱心驿站": Regular(
        (5, 5, 4, 5, 5, 4), late=0.0, offset=0, asked=3
    ),
    "海印路户外劳动者服务站": Regular((5, 4, 4, 5, 3, 4), late=0.1, offset=1),
    # The most viewed station: busy, mixed reviews, feedback often late.
    "鲁家峙快递小哥暖心驿站": Regular((3, 4, 2, 5, 3, 4), late=0.5, offset=2),
    "半升洞码头渔民休息驿站": Regular((4, 5, 3, 4, 5), late=0.25, offset=3),
}


def _review(key: str, booking: Booking, people: People) -> Review | None:
    venue = booking.space.venue
    try:
        # The review goes to the newest attended booking not yet reviewed: make
        # it only if that is the demo's visit, not one of the person's own.
        if review_booking_for(user=booking.user, venue=venue) != booking:
            return None
    except ValidationError:
        return None
    rng = seeded(key)
    rating, text = rng.choice(PRAISE)
    review = review_create(user=booking.user, venue=venue, rating=rating, text=text)
    Review.objects.filter(pk=review.pk).update(created_at=booking.end)
    if rng.random() < 0.5:
        review_reply(review=review, actor=people.staff_for(venue), text=REVIEW_THANKS)
    return review


def load_reviews(visits: dict[str, Booking], people: People) -> int:
    """One review per demo visit, newest visit first (see _review)."""
    reviews = 0
    newest_first = sorted(visits.items(), key=lambda kv: kv[1].start, reverse=True)
    for visit_key, booking in newest_first:
        key = f"review:{visit_key}"
        made = demo_row(key, Review, partial(_review, key, booking, people))
        reviews += made is not None
    return reviews


def feedback_days(today: datetime.date) -> list[datetime.date]:
    days = (today - datetime.timedelta(days=n) for n in range(HISTORY_DAYS, 5, -1))
    return [day for day in days if day.toordinal() % 9 == 0]


def _answered(key: str, day: datetime.date, people: People, venues) -> Appeal:
    """Submitted on `day`, accepted the next day, answered in 3 days or 8 (late)."""
    rng = seeded(key)
    kind, text = rng.choice(APPEALS)
    venue = rng.choice(venues)
    return _handled(rng, day, people, venue, kind=kind, text=text, late_share=0.25)


def _handled(rng, day, people: People, venue: Venue, *, kind, text, late_share):
    staff = people.staff_for(venue)
    appeal = appeal_submit(
        user=rng.choice(people.residents), venue=venue, kind=kind, text=text
    )
    appeal = appeal_accept(appeal=appeal, actor=staff)
    appeal = appeal_resolve(appeal=appeal, actor=staff, reply=APPEAL_ANSWER)
    created = datetime.datetime.combine(
        day, datetime.time(9 + rng.randrange(8), rng.randrange(60)),
        tzinfo=timezone.get_default_timezone(),
    )  # fmt: skip
    late = rng.random() < late_share
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=created,
        accept_due=created + datetime.timedelta(days=2),
        resolve_due=created + datetime.timedelta(days=7),
        accepted_at=created + datetime.timedelta(days=1),
        resolved_at=created + datetime.timedelta(days=9 if late else 4),
    )
    return appeal


def _open(*, person, venue: Venue | None, kind: str, text: str, days_old: int = 0):
    appeal = appeal_submit(user=person, venue=venue, kind=kind, text=text)
    if days_old:
        created = timezone.now() - datetime.timedelta(days=days_old)
        Appeal.objects.filter(pk=appeal.pk).update(
            created_at=created,
            accept_due=created + datetime.timedelta(days=2),
            resolve_due=created + datetime.timedelta(days=7),
        )
    return appeal


def load_appeals(people: People, venues: dict[str, Venue]) -> int:
    published = list(
        Venue.objects.published().filter(pk__in=[v.pk for v in venues.values()])
    )
    count = 0
    for day in feedback_days(timezone.localdate()):
        key = f"appeal:{day}"
        demo_row(key, Appeal, partial(_answered, key, day, people, published))
        count += 1

    # The work to do now, renewed once someone has handled it.
    station = venues[PUGONG_STATION]
    residents = people.residents
    open_items = [
        ("todo:new", Appeal.OPEN, dict(person=residents[0], venue=station,
                                       kind=APPEALS[0][0], text=APPEALS[0][1])),
        ("todo:overdue", (Appeal.State.SUBMITTED,),
         dict(person=residents[1], venue=station, kind=APPEALS[3][0],
              text=APPEALS[3][1], days_old=3)),
        ("todo:district", Appeal.OPEN, dict(person=residents[2], venue=None,
                                            kind=APPEALS[1][0], text=APPEALS[1][1])),
    ]  # fmt: skip
    for key, still, fields in open_items:
        demo_row(
            key,
            Appeal,
            partial(_open, **fields),
            fresh=lambda appeal, still=still: appeal.state in still,
        )
        count += 1
    return count


def _regular_review(key: str, day: datetime.date, person, venue, regular, people):
    rng = seeded(key)
    rating = rng.choice(regular.ratings)
    try:
        review = review_create(
            user=person, venue=venue, rating=rating, text=rng.choice(SAYINGS[rating])
        )
    except ValidationError:  # the person reviewed it on their own lately
        return None
    created = datetime.datetime.combine(
        day, datetime.time(7 + rng.randrange(13), rng.randrange(60)),
        tzinfo=timezone.get_default_timezone(),
    )  # fmt: skip
    Review.objects.filter(pk=review.pk).update(created_at=created)
    if rating <= 3:
        review_reply(review=review, actor=people.staff_for(venue), text=REVIEW_SORRY)
    elif rng.random() < 0.3:
        review_reply(review=review, actor=people.staff_for(venue), text=REVIEW_THANKS)
    return review


def load_regulars(people: People, venues: dict[str, Venue]) -> dict:
    """The regulars' reviews and answered feedback (see the module's notes)."""
    today = timezone.localdate()
    first = last_complete_month(today)  # back to the first month indexed
    for _month in range(INDEX_MONTHS - 1):
        first = previous_month(first)
    days = [first + datetime.timedelta(days=n) for n in range((today - first).days)]
    # Not the worker, who logs in: their own reviews stay theirs to write.
    regulars = people.residents[1:]
    reviews = appeals = 0
    for name, regular in REGULARS.items():
        venue = venues[name]
        if venue.is_bookable:  # reviewed after booked visits, not walk-ins
            continue
        for day in days:
            ordinal = day.toordinal()
            if ordinal % 4 == regular.offset:
                key = f"regular-review:{name}:{day}"
                person = regulars[(ordinal // 4) % len(regulars)]
                made = demo_row(
                    key,
                    Review,
                    partial(_regular_review, key, day, person, venue, regular, people),
                )
                reviews += made is not None
            asked = ordinal % regular.asked == regular.offset
            if asked and (today - day).days >= ANSWERED_AFTER:
                key = f"regular-appeal:{name}:{day}"
                rng = seeded(key)
                kind, text = rng.choice(ASKS)
                demo_row(
                    key,
                    Appeal,
                    partial(
                        _handled, rng, day, people, venue,
                        kind=kind, text=text, late_share=regular.late,
                    ),
                )  # fmt: skip
                appeals += 1
    return {"regular_reviews": reviews, "regular_appeals": appeals}


def load_indexes() -> None:
    """The indexes of the last three complete months, from everything above."""
    period = last_complete_month(timezone.localdate())
    for _month in range(INDEX_MONTHS):
        compute_indexes(period)
        period = previous_month(period)
