"""Writes for activities: publishing them, and signing up with a waiting list.

Seats are guarded like a booking's slot: every change to `seats_taken` happens
with the activity row locked (`select_for_update`), re-checked, and written as
a conditional `F()` update under the CHECK constraint `seats_taken <= seats`.
Locks are always taken in the same order — activity first, then sign-ups in
waiting-list order — so two transactions never wait on each other in a circle.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from activities.audience import audience_label, must_declare, outside_audience
from activities.models import Activity, Series, SignUp
from bookings.services import check_in_opens, too_early_to_check_in
from qunxian.models import NotificationKind, User
from qunxian.roles import is_union_member
from qunxian.services import (
    REMINDER_HORIZON,
    audit_record,
    batches,
    notify,
    remind,
)
from qunxian.workflow import Refused, record_event, transition
from venues.demand import demand_record
from venues.models import DemandSource, Organization, Venue
from venues.permissions import check_organization_scope, check_scope
from venues.services import venue_count_activity_attendance

State = SignUp.State

#: Check-in at the door opens this long before the start.

EDITABLE_FIELDS = (
    "title",
    "description",
    "series",
    "place",
    "starts_at",
    "ends_at",
    "seats",
    "tags",
    "min_age",
    "max_age",
    "gender",
    "members_only",
)


def _check_fields(
    fields: dict, *, now: datetime.datetime, times_changed: bool = True
) -> None:
    if fields["ends_at"] <= fields["starts_at"]:
        raise Refused(_("The end must be after the start."), code="times")
    if times_changed and fields["starts_at"] <= now:
        raise Refused(_("The start must be in the future."), code="past")
    if fields["seats"] < 1:
        raise Refused(_("An activity needs at least one seat."), code="seats")
    low, high = fields.get("min_age"), fields.get("max_age")
    if low is not None and high is not None and low > high:
        raise Refused(
            _("The minimum age cannot be above the maximum age."), code="ages"
        )


def _message(activity: Activity) -> dict:
    return {
        "title": activity.title,
        "when": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
        "venue": activity.venue.name,
        "place": activity.place,
    }


def _tell(signup: SignUp, title: str) -> None:
    """Rendered in the user's language when they read it."""
    notify(
        user=signup.user,
        kind=NotificationKind.ACTIVITY,
        title=title,
        body=[gettext_noop("%(title)s, %(when)s, %(venue)s · %(place)s.")],
        params=_message(signup.activity),
        url=signup.activity.get_absolute_url(),
    )


def _lock(activity: Activity) -> Activity:
    # of=self: lock the activity row only, not its venue's.
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("venue")
        .get(pk=activity.pk)
    )


def _promote(activity: Activity, *, count: int) -> list[SignUp]:
    """Give up to `count` free seats to the first on the waiting list.

    The caller holds the activity's lock, so nobody joins or leaves meanwhile.
    """
    promoted = []
    waiting = (
        SignUp.objects.select_for_update(of=("self",))
        .filter(activity=activity)
        .waiting_in_order()
        .select_related("user")[:count]
    )
    for signup in waiting:
        Activity.objects.filter(pk=activity.pk).update(seats_taken=F("seats_taken") + 1)
        transition(signup, "promote", actor=None)
        signup.activity = activity
        _tell(signup, gettext_noop("A seat is yours: you are off the waiting list"))
        promoted.append(signup)
    return promoted


# -- Series and activities


@transaction.atomic
def series_create(
    *, actor: User, name: str, organization: Organization, description: str = ""
) -> Series:
    check_organization_scope(actor, organization)
    if Series.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A series with this name already exists.")})
    series = Series.objects.create(
        name=name, organization=organization, description=description
    )
    audit_record(actor=actor, action="series.create", subject=series)
    return series


@transaction.atomic
def activity_create(
    *,
    actor: User,
    venue: Venue,
    title: str,
    place: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    seats: int,
    description: str = "",
    series: Series | None = None,
    other_venues: Iterable[Venue] = (),
    tags: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
    gender: str = "",
    members_only: bool = False,
    now: datetime.datetime | None = None,
) -> Activity:
    check_scope(actor, venue)
    fields = {
        "title": title,
        "description": description,
        "series": series,
        "place": place,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "seats": seats,
        "tags": tags,
        "min_age": min_age,
        "max_age": max_age,
        "gender": gender,
        "members_only": members_only,
    }
    _check_fields(fields, now=now or timezone.now())
    activity = Activity.objects.create(venue=venue, created_by=actor, **fields)
    activity.other_venues.set([v for v in other_venues if v.pk != venue.pk])
    audit_record(actor=actor, action="activity.create", subject=activity)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    actor: User,
    other_venues: Iterable[Venue] | None = None,
    now: datetime.datetime | None = None,
    **fields,
) -> Activity:
    """Change what the host's managers may change; more seats promote the waiting."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not an editable field: {', '.join(sorted(unknown))}")
    check_scope(actor, activity.venue)
    locked = _lock(activity)
    if locked.status != Activity.Status.PUBLISHED:
        raise Refused(_("A cancelled activity cannot be changed."), code="cancelled")
    merged = {name: fields.get(name, getattr(locked, name)) for name in EDITABLE_FIELDS}
    times_changed = (merged["starts_at"], merged["ends_at"]) != (
        locked.starts_at,
        locked.ends_at,
    )
    _check_fields(merged, now=now or timezone.now(), times_changed=times_changed)
    if merged["seats"] < locked.seats_taken:
        raise Refused(
            _(
                "%(taken)s seats are already taken; cancel sign-ups before "
                "lowering the seats below that."
            )
            % {"taken": locked.seats_taken},
            code="seats",
        )
    changed = [
        name for name in EDITABLE_FIELDS if getattr(locked, name) != merged[name]
    ]
    for name in changed:
        setattr(locked, name, merged[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if other_venues is not None:
        locked.other_venues.set([v for v in other_venues if v.pk != locked.venue_id])
    if "seats" in changed:
        _promote(locked, count=locked.seats - locked.seats_taken)
    audit_record(
        actor=actor,
        action="activity.update",
        subject=locked,
        details=", ".join(changed),
    )
    locked.refresh_from_db(fields=["seats_taken"])
    return locked


@transaction.atomic
def activity_cancel(*, activity: Activity, actor: User, reason: str = "") -> Activity:
    """Cancel the whole activity: every sign-up is cancelled and told."""
    check_scope(actor, activity.venue)
    activity = transition(
        activity, "cancel", actor=actor, reason=reason, fields={"seats_taken": 0}
    )
    # Then its sign-ups, in waiting-list order: the fixed lock order.
    signups = list(
        SignUp.objects.select_for_update(of=("self",))
        .filter(activity=activity, state__in=(State.CONFIRMED, State.WAITLISTED))
        .select_related("user")
        .order_by("created_at", "id")
    )
    for signup in signups:
        transition(signup, "cancel", actor=actor, audit=False)
        signup.activity = activity
        _tell(signup, gettext_noop("Activity cancelled"))
    return activity


# -- Sign-ups


def signup_create(
    *,
    activity: Activity,
    user: User,
    declared_in_audience: bool = False,
    now: datetime.datetime | None = None,
) -> SignUp:
    """A seat if one is free, else a place at the end of the waiting list.

    Only for the activity's audience: refused when the person's shared gender
    or age is outside it, and, when we may not use them, only if the person
    declares they belong (`declared_in_audience`).
    """
    now = now or timezone.now()
    if activity.members_only and not is_union_member(user):
        raise Refused(
            _("This activity is for union members: join the union to sign up."),
            code="members_only",
        )
    try:
        with transaction.atomic():
            # Many people race for the last seats here. The lock queues them on
            # this row; each then re-reads seats_taken, so only the ones that
            # find a free seat are confirmed and the rest join the waiting list
            # in the order the lock let them in.
            locked = _lock(activity)
            if locked.status != Activity.Status.PUBLISHED:
                raise Refused(_("This activity has been cancelled."), code="cancelled")
            if locked.starts_at <= now:
                raise Refused(_("This activity has already started."), code="started")
            outside = outside_audience(locked, user)
            if outside:
                raise Refused(outside, code="audience")
            declaring = must_declare(locked, user)
            if declaring and not declared_in_audience:
                raise Refused(
                    _(
                        "This activity is only for: %(audience)s. Confirm that "
                        "you belong to it to sign up."
                    )
                    % {"audience": audience_label(locked)},
                    code="declare",
                )
            if SignUp.objects.active().filter(activity=locked, user=user).exists():
                raise Refused(
                    _("You have already signed up for this activity."),
                    code="duplicate",
                )
            # The CHECK constraint refuses this UPDATE if it would oversell,
            # whatever path led here; 0 rows means the seats are gone.
            confirmed = (
                locked.seats_taken < locked.seats
                and Activity.objects.filter(
                    pk=locked.pk, seats_taken__lt=F("seats")
                ).update(seats_taken=F("seats_taken") + 1)
                == 1
            )
            signup = SignUp.objects.create(
                activity=locked,
                user=user,
                state=State.CONFIRMED if confirmed else State.WAITLISTED,
                declared_in_audience=declaring,
            )
            record_event(signup, actor=user, to_state=signup.state)
    except IntegrityError as error:  # the partial unique constraint
        raise Refused(
            _("You have already signed up for this activity."), code="duplicate"
        ) from error
    if signup.state == State.WAITLISTED:
        demand_record(
            source=DemandSource.WAITING_LIST,
            venue=activity.venue,
            moment=activity.starts_at,
        )
    return signup


@transaction.atomic
def signup_cancel(
    *, signup: SignUp, actor: User, now: datetime.datetime | None = None
) -> SignUp:
    """Give the place back; a freed seat goes to the first on the waiting list.

    The person who signed up cancels, or the host venue's managers do.
    """
    now = now or timezone.now()
    if actor.pk != signup.user_id:
        check_scope(actor, signup.activity.venue)
    activity = _lock(signup.activity)  # activity first: the fixed lock order

    def not_started(_signup: SignUp) -> None:
        if activity.starts_at <= now:
            raise Refused(_("This activity has already started."), code="started")

    signup = transition(signup, "cancel", actor=actor, check=not_started)
    signup.activity = activity
    if signup.previous_state == State.CONFIRMED:
        Activity.objects.filter(pk=activity.pk).update(seats_taken=F("seats_taken") - 1)
        _promote(activity, count=1)
    return signup


@transaction.atomic
def signup_check_in(
    *, signup: SignUp, actor: User, now: datetime.datetime | None = None
) -> SignUp:
    """At the door: a confirmed person attended; it counts for the host venue."""
    now = now or timezone.now()
    activity = Activity.objects.select_related("venue").get(pk=signup.activity_id)
    check_scope(actor, activity.venue)

    def door_open(_signup: SignUp) -> None:
        if activity.status != Activity.Status.PUBLISHED:
            raise Refused(_("This activity has been cancelled."), code="cancelled")
        if now < activity.starts_at - check_in_opens():
            raise too_early_to_check_in()
        if now >= activity.ends_at:
            raise Refused(_("This activity is over."), code="too_late")

    signup = transition(
        signup,
        "check_in",
        actor=actor,
        check=door_open,
        fields={"checked_in_at": now},
    )
    venue_count_activity_attendance(venue=activity.venue)
    return signup


def signup_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """The evening-before and hour-before reminders of confirmed sign-ups."""
    now = now or timezone.now()
    sent = 0
    upcoming = SignUp.objects.filter(
        state=State.CONFIRMED,
        activity__status=Activity.Status.PUBLISHED,
        activity__starts_at__gt=now,
        activity__starts_at__lte=now + REMINDER_HORIZON,
    ).select_related("activity__venue", "user")
    for batch in batches(list(upcoming)):
        with transaction.atomic():
            for signup in batch:
                activity = signup.activity
                sent += remind(
                    user=signup.user,
                    item=f"signup:{signup.pk}",
                    start=activity.starts_at,
                    since=signup.created_at,
                    now=now,
                    title=gettext_noop("Reminder: %(title)s at %(when)s"),
                    body=[gettext_noop("%(title)s, %(when)s, %(venue)s · %(place)s.")],
                    params=_message(activity),
                    url=activity.get_absolute_url(),
                    calendar_url=reverse("activities:ics", args=[activity.pk]),
                )
    return sent
