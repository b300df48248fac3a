import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from bookings.availability import (
    cancel_deadline,
    nearest_free,
    problem_at,
    rules_for,
    seats_per_booking,
    slot_capacity,
    slot_grid,
)
from bookings.models import Booking, BookingSlot, Slot, SpaceRules
from qunxian.models import NotificationKind, User
from qunxian.roles import is_union_member
from qunxian.services import (
    REMINDER_HORIZON,
    audit_record,
    batches,
    notify,
    notify_handlers,
    remind,
)
from qunxian.workflow import Refused, record_event, transition
from venues import services as venue_services
from venues.demand import demand_record
from venues.models import Closure, DemandSource, Space, Venue
from venues.permissions import check_scope

State = Booking.State


def recent_no_shows(user: User, *, now: datetime.datetime) -> int:
    since = now - datetime.timedelta(days=settings.NO_SHOW_WINDOW_DAYS)
    return Booking.objects.filter(
        user=user, state=State.NO_SHOW, start__gte=since
    ).count()


def _check_request(
    *, user, space, start, slot_count, headcount, now
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The slots asked for, or Refused saying which rule they break."""
    rules = rules_for(space)
    if not Space.objects.bookable().filter(pk=space.pk).exists():
        raise Refused(_("This space does not take bookings."), code="not_bookable")
    if space.members_only and not is_union_member(user):
        raise Refused(
            _("This space is for union members: join the union to book it."),
            code="members_only",
        )
    if not 1 <= headcount <= space.capacity:
        raise Refused(
            _("The number of people must be between 1 and %(capacity)s.")
            % {"capacity": space.capacity},
            code="headcount",
        )
    if not 1 <= slot_count <= rules.max_slots_per_booking:
        raise Refused(
            _("You can book at most %(count)s consecutive slots.")
            % {"count": rules.max_slots_per_booking},
            code="slot_count",
        )
    grid = slot_grid(space, timezone.localdate(start))
    starts = [slot_start for slot_start, _end in grid]
    if start not in starts:
        raise Refused(
            _(
                "The venue does not offer a slot at this time: it is closed then, or "
                "the time does not match its slots."
            ),
            code="no_slot",
        )
    index = starts.index(start)
    wanted = grid[index : index + slot_count]
    contiguous = all(a[1] == b[0] for a, b in zip(wanted, wanted[1:], strict=False))
    if len(wanted) < slot_count or not contiguous:
        raise Refused(
            _("These slots do not follow one another within the opening hours."),
            code="no_slot",
        )
    if problem := problem_at(space, start, now):
        raise Refused(problem, code="timing")
    active = Booking.objects.filter(user=user, state__in=Booking.ACTIVE, end__gt=now)
    if active.count() >= rules.max_active_per_user:
        raise Refused(
            _("You already have %(count)s active bookings, the most allowed here.")
            % {"count": rules.max_active_per_user},
            code="user_limit",
        )
    return wanted


def booking_create(
    *,
    user: User,
    space: Space,
    start: datetime.datetime,
    slot_count: int = 1,
    headcount: int,
    purpose: str,
    contact_phone: str,
    now: datetime.datetime | None = None,
) -> Booking:
    now = now or timezone.now()
    wanted = _check_request(
        user=user,
        space=space,
        start=start,
        slot_count=slot_count,
        headcount=headcount,
        now=now,
    )
    seats = seats_per_booking(space, headcount)
    rules = rules_for(space)
    needs_approval = rules.approval == SpaceRules.Approval.MANUAL
    fair_use_hold = (
        not needs_approval and recent_no_shows(user, now=now) >= settings.NO_SHOW_LIMIT
    )
    try:
        booking = _book_seats(
            user=user,
            space=space,
            wanted=wanted,
            seats=seats,
            start=start,
            needs_approval=needs_approval,
            fair_use_hold=fair_use_hold,
            headcount=headcount,
            purpose=purpose,
            contact_phone=contact_phone,
        )
    except Refused as refusal:
        if refusal.code == "taken":  # unmet demand, counted after the rollback
            demand_record(
                source=DemandSource.BOOKING_REFUSED, venue=space.venue, moment=start
            )
        raise
    booking.fair_use_hold = fair_use_hold
    return booking


def _book_seats(
    *,
    user,
    space,
    wanted,
    seats,
    start,
    needs_approval,
    fair_use_hold,
    headcount,
    purpose,
    contact_phone,
) -> Booking:
    try:
        with transaction.atomic():
            Slot.objects.bulk_create(
                [
                    Slot(space=space, start=s, end=e, capacity=slot_capacity(space))
                    for s, e in wanted
                ],
                ignore_conflicts=True,
            )
            # Two requests for the same slots race here. Locking the slot rows
            # in start order makes the second wait for the first (no deadlock:
            # everyone locks in the same order), then re-read the seats.
            slots = list(
                Slot.objects.select_for_update()
                .filter(space=space, start__in=[s for s, _e in wanted])
                .order_by("start")
            )
            seats_left = min(slot.seats_left for slot in slots)
            if seats_left < seats:
                raise _not_enough_seats(space, start, seats, seats_left)
            # The CHECK constraint refuses this UPDATE if seats would run out,
            # whatever path led here.
            Slot.objects.filter(pk__in=[slot.pk for slot in slots]).update(
                seats_taken=F("seats_taken") + seats
            )
            booking = Booking.objects.create(
                user=user,
                space=space,
                start=wanted[0][0],
                end=wanted[-1][1],
                headcount=headcount,
                seats=seats,
                purpose=purpose,
                contact_phone=contact_phone,
                state=State.PENDING
                if needs_approval or fair_use_hold
                else State.APPROVED,
            )
            BookingSlot.objects.bulk_create(
                [BookingSlot(booking=booking, slot=slot, user=user) for slot in slots]
            )
            record_event(
                booking,
                actor=user,
                to_state=booking.state,
                reason=_fair_use_reason() if fair_use_hold else "",
            )
            if booking.state == State.APPROVED:
                _notify_decision(booking, gettext_noop("Booking confirmed"))
            else:
                _alert_managers(booking)
    except IntegrityError as error:
        if _holds_one_already(user, space, [s for s, _e in wanted]):
            raise Refused(
                _("You already have a booking for this time."), code="duplicate"
            ) from error
        left = Slot.objects.filter(
            space=space, start__in=[s for s, _e in wanted]
        ).aggregate(left=Min(F("capacity") - F("seats_taken")))["left"]
        raise _not_enough_seats(space, start, seats, left or 0) from error
    return booking


def _fair_use_reason() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Needs a manager's approval: %(count)s missed bookings in the last "
            "%(days)s days."
        ) % {"count": settings.NO_SHOW_LIMIT, "days": settings.NO_SHOW_WINDOW_DAYS}


def _holds_one_already(user, space, starts) -> bool:
    return BookingSlot.objects.filter(
        user=user, holds=True, slot__space=space, slot__start__in=starts
    ).exists()


def _not_enough_seats(space, start, seats, seats_left) -> Refused:
    """Full, or fewer seats left than asked: how many, and what else is free."""
    if seats_left <= 0:
        message = _("Sorry, this time is fully booked.")
    else:
        message = ngettext(
            "Sorry, only %(seats)s seat is left at this time: book for fewer "
            "people or pick another time.",
            "Sorry, only %(seats)s seats are left at this time: book for fewer "
            "people or pick another time.",
            seats_left,
        ) % {"seats": seats_left}
    return Refused(
        message,
        code="taken",
        alternatives=nearest_free(space, start, seats=seats),
    )


def _release_seats(booking: Booking) -> None:
    slot_ids = list(
        BookingSlot.objects.filter(booking=booking, holds=True).values_list(
            "slot_id", flat=True
        )
    )
    list(Slot.objects.select_for_update().filter(pk__in=slot_ids).order_by("start"))
    Slot.objects.filter(pk__in=slot_ids).update(
        seats_taken=F("seats_taken") - booking.seats
    )
    BookingSlot.objects.filter(booking=booking, slot_id__in=slot_ids).update(
        holds=False
    )


def _move(booking: Booking, action: str, *, actor: User | None, reason="") -> Booking:
    """The transition, and the seats back when the booking stops holding them.

    The booking's row is locked before its slots' rows, as everywhere else.
    """
    booking = transition(booking, action, actor=actor, reason=reason)
    if not booking.holds_seats:
        _release_seats(booking)
    return booking


def _message(booking: Booking) -> dict:
    """What each message about a booking says of it, as msgid parameters."""
    return {
        "venue": booking.space.venue.name,
        "space": booking.space.name,
        "when": timezone.localtime(booking.start).strftime("%Y-%m-%d %H:%M"),
    }


def _notify_decision(booking: Booking, title: str, reason: str = "") -> None:
    """Tell the user; the text is rendered in their language when they read it."""
    body = [gettext_noop("%(venue)s · %(space)s, %(when)s.")]
    if reason:
        body.append(gettext_noop("Reason: %(reason)s"))
    notify(
        user=booking.user,
        kind=NotificationKind.BOOKING,
        title=title,
        body=body,
        params={**_message(booking), "reason": reason},
        url=booking.get_absolute_url(),
    )


def _alert_managers(booking: Booking) -> None:
    """A request waits for the venue's managers to decide."""
    notify_handlers(
        venue=booking.space.venue,
        title=gettext_noop("New booking request"),
        body=[
            gettext_noop("%(venue)s · %(space)s, %(when)s."),
            gettext_noop("Requested by %(user)s for %(headcount)s people."),
        ],
        params={
            **_message(booking),
            "user": str(booking.user),
            "headcount": booking.headcount,
        },
        url=reverse("manage:booking_detail", args=[booking.pk]),
    )


@transaction.atomic
def booking_approve(*, booking: Booking, actor: User) -> Booking:
    check_scope(actor, booking.space.venue)
    booking = _move(booking, "approve", actor=actor)
    _notify_decision(booking, gettext_noop("Booking approved"))
    return booking


@transaction.atomic
def booking_reject(*, booking: Booking, actor: User, reason: str) -> Booking:
    if not reason.strip():
        raise Refused(_("Please give a reason."), code="reason")
    check_scope(actor, booking.space.venue)
    booking = _move(booking, "reject", actor=actor, reason=reason)
    _notify_decision(booking, gettext_noop("Booking not approved"), reason)
    return booking


@transaction.atomic
def booking_cancel(
    *,
    booking: Booking,
    actor: User,
    reason: str = "",
    by_venue: bool = False,
    now: datetime.datetime | None = None,
) -> Booking:
    """The user cancels before the cut-off; the venue may cancel at any time."""
    now = now or timezone.now()
    if by_venue or actor.pk != booking.user_id:
        check_scope(actor, booking.space.venue)
    if not by_venue:
        cutoff = cancel_deadline(booking)
        if now > cutoff:
            raise Refused(
                _("Cancellation closed at %(time)s; please call the venue.")
                % {"time": timezone.localtime(cutoff).strftime("%m-%d %H:%M")},
                code="cutoff",
            )
    booking = _move(booking, "cancel", actor=actor, reason=reason)
    if by_venue:
        _notify_decision(
            booking, gettext_noop("Booking cancelled by the venue"), reason
        )
    return booking


def check_in_opens() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES)


def too_early_to_check_in() -> Refused:
    return Refused(
        _("Check-in opens %(minutes)s minutes before the start.")
        % {"minutes": settings.CHECK_IN_OPENS_MINUTES},
        code="too_early",
    )


@transaction.atomic
def booking_check_in(
    *, booking: Booking, actor: User, now: datetime.datetime | None = None
) -> Booking:
    now = now or timezone.now()
    check_scope(actor, booking.space.venue)
    if now < booking.start - check_in_opens():
        raise too_early_to_check_in()
    if now >= booking.end:
        raise Refused(_("This booking has already ended."), code="too_late")
    return _move(booking, "check_in", actor=actor)


@transaction.atomic
def booking_mark_no_show(
    *, booking: Booking, actor: User, now: datetime.datetime | None = None
) -> Booking:
    now = now or timezone.now()
    check_scope(actor, booking.space.venue)
    if now < booking.start:
        raise Refused(
            _("A booking can be marked as a no-show only after it starts."),
            code="too_early",
        )
    return _move(booking, "no_show", actor=actor)


def bookings_expire(*, now: datetime.datetime | None = None) -> int:
    """Pending requests whose start has passed expire; safe to run repeatedly."""
    now = now or timezone.now()
    expired = 0
    for booking in Booking.objects.filter(state=State.PENDING, start__lte=now):
        with transaction.atomic():
            try:
                booking = _move(booking, "expire", actor=None)
            except Refused:  # decided meanwhile
                continue
            _notify_decision(booking, gettext_noop("Booking request expired"))
            expired += 1
    return expired


def bookings_mark_no_shows(*, now: datetime.datetime | None = None) -> int:
    """Approved bookings whose check-in window closed unused become no-shows.

    The window closes at the booking's end (see `booking_check_in`); the
    system marks it, tells the user, and the fair-use rule counts it. Safe to
    run repeatedly.
    """
    now = now or timezone.now()
    marked = 0
    missed = Booking.objects.filter(state=State.APPROVED, end__lte=now).select_related(
        "space__venue", "user"
    )
    for booking in missed:
        with transaction.atomic():
            try:
                booking = _move(booking, "no_show", actor=None)
            except Refused:  # checked in or cancelled meanwhile
                continue
            notify(
                user=booking.user,
                kind=NotificationKind.BOOKING,
                title=gettext_noop("You missed a booking"),
                body=[
                    gettext_noop("%(venue)s · %(space)s, %(when)s."),
                    gettext_noop(
                        "Nobody checked in, so it counts as a no-show. After "
                        "%(limit)s no-shows in %(days)s days, your next bookings "
                        "need a manager's approval; please cancel in time when "
                        "you cannot come."
                    ),
                ],
                params={
                    **_message(booking),
                    "limit": settings.NO_SHOW_LIMIT,
                    "days": settings.NO_SHOW_WINDOW_DAYS,
                },
                url=booking.get_absolute_url(),
            )
        marked += 1
    return marked


def booking_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """The evening-before and hour-before reminders of approved bookings."""
    now = now or timezone.now()
    sent = 0
    upcoming = Booking.objects.filter(
        state=State.APPROVED, start__gt=now, start__lte=now + REMINDER_HORIZON
    ).select_related("space__venue", "user")
    for batch in batches(list(upcoming)):
        with transaction.atomic():
            for booking in batch:
                sent += remind(
                    user=booking.user,
                    item=f"booking:{booking.pk}",
                    start=booking.start,
                    since=booking.created_at,
                    now=now,
                    title=gettext_noop("Reminder: your booking at %(when)s"),
                    body=[
                        gettext_noop("%(venue)s · %(space)s, %(when)s."),
                        gettext_noop("Your check-in code is %(code)s."),
                    ],
                    params={**_message(booking), "code": booking.check_in_code},
                    url=booking.get_absolute_url(),
                    calendar_url=reverse("bookings:ics", args=[booking.pk]),
                )
    return sent


@transaction.atomic
def bookings_cancel_for_closure(*, closure: Closure, actor: User) -> int:
    """Cancel the active bookings a new closure falls on, telling each user."""
    zone = timezone.get_default_timezone()
    if closure.is_timed:
        first = datetime.datetime.combine(
            closure.start_date, closure.start_time, tzinfo=zone
        )
        after = datetime.datetime.combine(
            closure.start_date, closure.end_time, tzinfo=zone
        )
    else:
        first = datetime.datetime.combine(
            closure.start_date, datetime.time(), tzinfo=zone
        )
        after = datetime.datetime.combine(
            closure.end_date + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
        )
    hit = Booking.objects.active().filter(
        space__venue=closure.venue_id, start__lt=after, end__gt=first
    )
    if closure.space_id:
        hit = hit.filter(space=closure.space_id)
    count = 0
    for booking in hit:
        booking_cancel(
            booking=booking, actor=actor, reason=closure.reason, by_venue=True
        )
        count += 1
    return count


def seat_drift(*, repair: bool = False) -> list[tuple[Slot, int]]:
    """Slots whose seats_taken differs from what their bookings hold."""
    held = dict(
        BookingSlot.objects.filter(holds=True)
        .values("slot_id")
        .annotate(seats=Sum("booking__seats"))
        .values_list("slot_id", "seats")
    )
    drift = [
        (slot, held.get(slot.pk, 0))
        for slot in Slot.objects.select_related("space").iterator()
        if slot.seats_taken != held.get(slot.pk, 0)
    ]
    if repair:
        with transaction.atomic():
            for slot, seats in drift:
                Slot.objects.filter(pk=slot.pk).update(seats_taken=seats)
    return drift


RULES_FIELDS = (
    "slot_minutes",
    "advance_days",
    "min_notice_minutes",
    "max_slots_per_booking",
    "max_active_per_user",
    "cancel_cutoff_minutes",
    "approval",
)


@transaction.atomic
def space_rules_update(*, space: Space, actor: User, **fields) -> SpaceRules:
    """Set a space's booking rules, creating its row on first save."""
    unknown = set(fields) - set(RULES_FIELDS)
    if unknown:
        raise TypeError(f"Not a booking rule: {', '.join(sorted(unknown))}")
    rules, created = SpaceRules.objects.select_for_update().get_or_create(space=space)
    changed = [name for name, value in fields.items() if getattr(rules, name) != value]
    if "slot_minutes" in changed:
        # Slot rows are keyed by start: a new length lays a new grid whose
        # slots overlap the old ones without sharing their seats, so booked
        # seats would stop guarding capacity. Refuse while any are upcoming.
        upcoming = Booking.objects.active().filter(space=space, end__gt=timezone.now())
        if count := upcoming.count():
            raise Refused(
                _(
                    "The slot length cannot change while the space has upcoming "
                    "bookings (%(count)s). Change it when they are over."
                )
                % {"count": count},
                code="slot_minutes",
            )
    if not changed and not created:
        return rules
    for name in changed:
        setattr(rules, name, fields[name])
    # The form checked these; this keeps any other caller inside the choices and
    # the CHECK constraints too.
    rules.full_clean(exclude=["space"])
    if changed:
        rules.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="space.rules",
        subject=space.venue,
        details=f"{space.name}: "
        + (", ".join(f"{name}={fields[name]}" for name in changed) or "-"),
    )
    return rules


@transaction.atomic
def closure_add_cancelling_bookings(
    *,
    venue: Venue,
    actor: User,
    start_date: datetime.date,
    end_date: datetime.date,
    reason: str,
    space: Space | None = None,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
) -> int:
    """Add a closure and cancel, with its reason, the bookings it falls on."""
    added = venue_services.closure_add(
        venue=venue,
        actor=actor,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        space=space,
        start_time=start_time,
        end_time=end_time,
    )
    return bookings_cancel_for_closure(closure=added, actor=actor)
