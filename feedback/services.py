import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bookings.models import Booking
from feedback.models import Appeal, IndexWeights, Review, ReviewPhoto
from qunxian.caching import bump_version
from qunxian.models import NotificationKind, User
from qunxian.roles import is_system_admin
from qunxian.services import audit_record, notify, notify_handlers
from qunxian.workflow import Refused, record_event, transition
from venues.cache import DIRECTORY_VERSION
from venues.demand import demand_record
from venues.images import ProcessedImage
from venues.models import DemandSource, Venue
from venues.permissions import check_organization_scope, check_scope

MAX_REVIEW_PHOTOS = 3


# Reviews


def review_booking_for(*, user: User, venue: Venue, now=None) -> Booking | None:
    """The booking a new review would be about, or Refused saying why not.

    At a venue that takes bookings, each attended booking earns one review; at
    a walk-in venue anyone signed in may review once per 30 days.
    """
    now = now or timezone.now()
    if venue.is_bookable:
        booking = (
            Booking.objects.filter(
                user=user,
                space__venue=venue,
                state=Booking.State.ATTENDED,
                review__isnull=True,
            )
            .order_by("-start")
            .first()
        )
        if booking is None:
            raise Refused(
                _("You can review this venue after a visit you booked and attended."),
                code="not_attended",
            )
        return booking
    since = now - datetime.timedelta(days=settings.REVIEW_WALK_IN_INTERVAL_DAYS)
    if Review.objects.filter(user=user, venue=venue, created_at__gte=since).exists():
        raise Refused(
            _(
                "You reviewed this venue recently; you can review it again after "
                "%(days)s days."
            )
            % {"days": settings.REVIEW_WALK_IN_INTERVAL_DAYS},
            code="too_soon",
        )
    return None


def _refresh_venue_rating(venue: Venue) -> None:
    figures = (
        Review.objects.visible()
        .filter(venue=venue)
        .aggregate(
            count=Count("pk"),
            average=Avg("rating"),
            good=Count("pk", filter=Q(rating__gte=4)),
        )
    )
    bump_version(DIRECTORY_VERSION)  # the cards show the rating
    Venue.objects.filter(pk=venue.pk).update(
        review_count=figures["count"],
        review_average=figures["average"],
        good_review_count=figures["good"],
    )


@transaction.atomic
def review_create(
    *,
    user: User,
    venue: Venue,
    rating: int,
    text: str,
    photos: list[ProcessedImage] = (),
) -> Review:
    # Lock the venue row: two reviews at once must not both pass the 30-day check.
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    booking = review_booking_for(user=user, venue=venue)
    if not 1 <= rating <= 5:
        raise Refused(_("Choose from 1 to 5 stars."), code="rating")
    if len(photos) > MAX_REVIEW_PHOTOS:
        raise Refused(
            _("At most %(count)s photos.") % {"count": MAX_REVIEW_PHOTOS}, code="photos"
        )
    review = Review.objects.create(
        user=user, venue=venue, booking=booking, rating=rating, text=text.strip()
    )
    for photo in photos:
        ReviewPhoto.objects.create(
            review=review,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=photo.width,
            height=photo.height,
        )
    _refresh_venue_rating(venue)
    notify_handlers(
        venue=venue,
        title=gettext_noop("A review of %(venue)s is waiting for your reply"),
        body=[gettext_noop("%(rating)s stars from %(user)s.")],
        params={"venue": venue.name, "rating": rating, "user": str(user)},
        note=review.text[:200],
        url=reverse("manage:review_detail", args=[review.pk]),
    )
    return review


@transaction.atomic
def review_reply(*, review: Review, actor: User, text: str) -> Review:
    if not text.strip():
        raise Refused(_("Please write a reply."), code="empty")
    check_scope(actor, review.venue)
    review.reply = text.strip()
    review.replied_by = actor
    review.replied_at = timezone.now()
    review.save(update_fields=["reply", "replied_by", "replied_at"])
    notify(
        user=review.user,
        kind=NotificationKind.FEEDBACK,
        title=gettext_noop("%(venue)s replied to your review"),
        params={"venue": review.venue.name},
        note=review.reply,
        url=review.venue.get_absolute_url(),
    )
    return review


@transaction.atomic
def review_hide(*, review: Review, actor: User, reason: str) -> Review:
    if not reason.strip():
        raise Refused(_("Please give a reason."), code="reason")
    # Moderation is the console's (its organisation's, or the district's), not
    # the venue's own managers'.
    check_organization_scope(actor, review.venue.organization)
    review = transition(
        review,
        "hide",
        actor=actor,
        reason=reason.strip(),
        fields={"hidden_reason": reason.strip()},
    )
    _refresh_venue_rating(review.venue)
    notify(
        user=review.user,
        kind=NotificationKind.FEEDBACK,
        title=gettext_noop("Your review of %(venue)s was hidden"),
        body=[
            gettext_noop(
                "An administrator hid it from the public pages; you still see it."
            ),
            gettext_noop("Reason: %(reason)s"),
        ],
        params={"venue": review.venue.name, "reason": reason.strip()},
        url=review.venue.get_absolute_url(),
    )
    return review


@transaction.atomic
def review_unhide(*, review: Review, actor: User) -> Review:
    check_organization_scope(actor, review.venue.organization)
    review = transition(review, "unhide", actor=actor, fields={"hidden_reason": ""})
    _refresh_venue_rating(review.venue)
    return review


# Appeals


STEP_TITLES = {
    Appeal.State.SUBMITTED: gettext_noop("We received your feedback"),
    Appeal.State.ACCEPTED: gettext_noop("Your feedback was accepted"),
    Appeal.State.RESOLVED: gettext_noop("Your feedback was answered"),
    Appeal.State.CONFIRMED: gettext_noop("Thank you for confirming"),
    Appeal.State.CLOSED: gettext_noop("Your feedback was closed"),
}


def _tell_submitter(appeal: Appeal, *, note: str = "") -> None:
    notify(
        user=appeal.user,
        kind=NotificationKind.FEEDBACK,
        title=STEP_TITLES[appeal.state],
        note=note,
        url=appeal.get_absolute_url(),
    )


def _handling_url(appeal: Appeal) -> str:
    """Where its handlers act on it: the venue's managers, or the console."""
    end = "manage" if appeal.venue_id else "console"
    return reverse(f"{end}:appeal_detail", args=[appeal.pk])


def _step(appeal: Appeal, action: str, *, actor: User, note="", **fields) -> Appeal:
    """One step of the loop; the submitter is told of each."""
    appeal = transition(appeal, action, actor=actor, reason=note, fields=fields)
    _tell_submitter(appeal, note=note)
    return appeal


@transaction.atomic
def appeal_submit(
    *,
    user: User,
    venue: Venue | None,
    kind: str,
    text: str,
    photo: ProcessedImage | None = None,
) -> Appeal:
    now = timezone.now()
    appeal = Appeal.objects.create(
        user=user,
        venue=venue,
        kind=kind,
        text=text.strip(),
        accept_due=now + datetime.timedelta(days=settings.APPEAL_ACCEPT_DAYS),
        resolve_due=now + datetime.timedelta(days=settings.APPEAL_RESOLVE_DAYS),
    )
    if photo:
        appeal.photo = photo.image
        appeal.photo_thumbnail = photo.thumbnail
        appeal.save(update_fields=["photo", "photo_thumbnail"])
    record_event(appeal, actor=user, to_state=appeal.state)
    if venue is not None and kind == Appeal.Kind.SUGGESTION:
        demand_record(source=DemandSource.FACILITY_REQUEST, venue=venue, moment=now)
    _tell_submitter(appeal)
    notify_handlers(
        venue=venue,
        title=gettext_noop("New feedback to accept by %(due)s"),
        params={"due": _local(appeal.accept_due)},
        note=appeal.text[:200],
        url=_handling_url(appeal),
    )
    return appeal


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def appeal_accept(*, appeal: Appeal, actor: User) -> Appeal:
    check_scope(actor, appeal.venue)
    return _step(appeal, "accept", actor=actor, accepted_at=timezone.now())


@transaction.atomic
def appeal_resolve(*, appeal: Appeal, actor: User, reply: str) -> Appeal:
    if not reply.strip():
        raise Refused(_("Please write what was done."), code="reply")
    check_scope(actor, appeal.venue)
    return _step(
        appeal,
        "resolve",
        actor=actor,
        note=reply.strip(),
        reply=reply.strip(),
        resolved_at=timezone.now(),
    )


@transaction.atomic
def appeal_close(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """For items that cannot be acted on (duplicate, out of scope)."""
    if not reason.strip():
        raise Refused(_("Please give a reason."), code="reason")
    check_scope(actor, appeal.venue)
    return _step(
        appeal,
        "close",
        actor=actor,
        note=reason.strip(),
        close_reason=reason.strip(),
        closed_at=timezone.now(),
    )


@transaction.atomic
def appeal_confirm(
    *, appeal: Appeal, user: User, satisfied: bool, note: str = ""
) -> Appeal:
    """The submitter's verdict. Dissatisfied reopens once, then closes and flags."""
    if appeal.user_id != user.pk:
        raise Refused(_("Only the submitter can confirm."), code="not_owner")
    if satisfied:
        return _step(appeal, "confirm", actor=user, note=note, satisfied=True)
    if not appeal.reopened:
        now = timezone.now()
        return _step(
            appeal,
            "reopen",
            actor=user,
            note=note,
            satisfied=False,
            reopened=True,
            resolve_due=now + datetime.timedelta(days=settings.APPEAL_RESOLVE_DAYS),
        )
    return _step(
        appeal,
        "close_dissatisfied",
        actor=user,
        note=note,
        satisfied=False,
        flagged=True,
        closed_at=timezone.now(),
    )


#: Handlers are warned this long before an open item's deadline.
DEADLINE_WARNING = datetime.timedelta(hours=24)


def feedback_alerts_send(*, now: datetime.datetime | None = None) -> int:
    """Warn the handlers of each open item whose deadline is within 24 hours.

    Once per deadline: a reopened item has a new one and warns again.
    """
    now = now or timezone.now()
    soon = now + DEADLINE_WARNING
    sent = 0
    steps = (
        (
            Appeal.State.SUBMITTED,
            "accept_due",
            gettext_noop("Feedback #%(number)s must be accepted by %(due)s."),
        ),
        (
            Appeal.State.ACCEPTED,
            "resolve_due",
            gettext_noop("Feedback #%(number)s must be resolved by %(due)s."),
        ),
    )
    for state, deadline, sentence in steps:
        due = Appeal.objects.filter(
            state=state, **{f"{deadline}__gt": now, f"{deadline}__lte": soon}
        ).select_related("venue")
        for appeal in due:
            moment = getattr(appeal, deadline)
            sent += notify_handlers(
                venue=appeal.venue,
                title=gettext_noop("Feedback due within 24 hours"),
                body=[sentence],
                params={"number": appeal.pk, "due": _local(moment)},
                note=appeal.text[:200],
                url=_handling_url(appeal),
                key=f"appeal:{appeal.pk}:{deadline}:{moment:%Y%m%d%H%M}",
            )
    return sent


# -- The index's weights

WEIGHT_FIELDS = (
    "activity",
    "good_review",
    "handling",
    "prior_weight",
    "views",
    "navigations",
    "attended",
    "activity_attendance",
)


@transaction.atomic
def index_weights_change(*, actor: User, values: dict[str, float]) -> IndexWeights:
    """A new version of the weights; the old ones stay with their snapshots."""
    if not is_system_admin(actor):
        raise Refused(_("Only a district admin can change the weights."), code="role")
    # Two admins saving at once would both take the next version. The lock on
    # the newest row queues the second; once let in, it reads the newest again
    # (a new statement sees what the first committed) and takes the one after.
    newest = IndexWeights.objects.current()
    IndexWeights.objects.select_for_update().filter(pk=newest.pk).first()
    current = IndexWeights.objects.order_by("-version").first()
    changes = [
        f"{name}: {getattr(current, name):g} → {values[name]:g}"
        for name in WEIGHT_FIELDS
        if getattr(current, name) != values[name]
    ]
    if not changes:
        raise Refused(_("These are the weights already in use."), code="unchanged")
    weights = IndexWeights.objects.create(
        version=current.version + 1,
        created_by=actor,
        **{name: values[name] for name in WEIGHT_FIELDS},
    )
    audit_record(
        actor=actor, action="index.weights", subject=weights, details="; ".join(changes)
    )
    return weights
