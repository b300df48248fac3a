import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import Booking
from feedback.models import Appeal, AppealEvent, Review, ReviewPhoto
from qunxian.caching import bump_version
from qunxian.models import User
from qunxian.services import audit_record, notify
from venues.cache import DIRECTORY_VERSION
from venues.images import ProcessedImage
from venues.models import Venue

MAX_REVIEW_PHOTOS = 3


class FeedbackRefused(ValidationError):
    def __init__(self, message, *, code="refused"):
        super().__init__(message, code=code)


# Reviews


def review_booking_for(*, user: User, venue: Venue, now=None) -> Booking | None:
    """The booking a new review would be about, or FeedbackRefused saying why not.

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
            raise FeedbackRefused(
                _("You can review this venue after a visit you booked and attended."),
                code="not_attended",
            )
        return booking
    since = now - datetime.timedelta(days=settings.REVIEW_WALK_IN_INTERVAL_DAYS)
    if Review.objects.filter(user=user, venue=venue, created_at__gte=since).exists():
        raise FeedbackRefused(
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
        raise FeedbackRefused(_("Choose from 1 to 5 stars."), code="rating")
    if len(photos) > MAX_REVIEW_PHOTOS:
        raise FeedbackRefused(
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
    return review


@transaction.atomic
def review_reply(*, review: Review, actor: User, text: str) -> Review:
    if not text.strip():
        raise FeedbackRefused(_("Please write a reply."), code="empty")
    review.reply = text.strip()
    review.replied_by = actor
    review.replied_at = timezone.now()
    review.save(update_fields=["reply", "replied_by", "replied_at"])
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(venue)s replied to your review") % {"venue": review.venue.name}
    notify(
        user=review.user,
        title=title,
        body=review.reply,
        url=review.venue.get_absolute_url(),
    )
    return review


@transaction.atomic
def review_hide(*, review: Review, actor: User, reason: str) -> Review:
    if not reason.strip():
        raise FeedbackRefused(_("Please give a reason."), code="reason")
    review.state = Review.State.HIDDEN
    review.hidden_reason = reason.strip()
    review.save(update_fields=["state", "hidden_reason"])
    audit_record(actor=actor, action="review.hide", subject=review, details=reason)
    _refresh_venue_rating(review.venue)
    return review


@transaction.atomic
def review_unhide(*, review: Review, actor: User) -> Review:
    review.state = Review.State.VISIBLE
    review.hidden_reason = ""
    review.save(update_fields=["state", "hidden_reason"])
    audit_record(actor=actor, action="review.unhide", subject=review)
    _refresh_venue_rating(review.venue)
    return review


# Appeals


STEP_TITLES = {
    Appeal.State.SUBMITTED: gettext_lazy("We received your feedback"),
    Appeal.State.ACCEPTED: gettext_lazy("Your feedback was accepted"),
    Appeal.State.RESOLVED: gettext_lazy("Your feedback was answered"),
    Appeal.State.CONFIRMED: gettext_lazy("Thank you for confirming"),
    Appeal.State.CLOSED: gettext_lazy("Your feedback was closed"),
}


def _step(appeal: Appeal, *, to: str, allowed_from: tuple, actor, note="", **fields):
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if locked.state not in allowed_from:
        raise FeedbackRefused(
            _("This item is already “%(state)s”; it cannot become “%(to)s”.")
            % {"state": locked.get_state_display(), "to": Appeal.State(to).label},
            code="wrong_state",
        )
    from_state = locked.state
    locked.state = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["state", *fields])
    AppealEvent.objects.create(
        appeal=locked, actor=actor, from_state=from_state, to_state=to, note=note
    )
    with translation.override(settings.LANGUAGE_CODE):
        title = str(STEP_TITLES[to])
    notify(user=locked.user, title=title, body=note, url=locked.get_absolute_url())
    return locked


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
    AppealEvent.objects.create(appeal=appeal, actor=user, to_state=appeal.state)
    with translation.override(settings.LANGUAGE_CODE):
        title = str(STEP_TITLES[Appeal.State.SUBMITTED])
    notify(user=user, title=title, url=appeal.get_absolute_url())
    return appeal


@transaction.atomic
def appeal_accept(*, appeal: Appeal, actor: User) -> Appeal:
    return _step(
        appeal,
        to=Appeal.State.ACCEPTED,
        allowed_from=(Appeal.State.SUBMITTED,),
        actor=actor,
        accepted_at=timezone.now(),
    )


@transaction.atomic
def appeal_resolve(*, appeal: Appeal, actor: User, reply: str) -> Appeal:
    if not reply.strip():
        raise FeedbackRefused(_("Please write what was done."), code="reply")
    return _step(
        appeal,
        to=Appeal.State.RESOLVED,
        allowed_from=(Appeal.State.ACCEPTED,),
        actor=actor,
        note=reply.strip(),
        reply=reply.strip(),
        resolved_at=timezone.now(),
    )


@transaction.atomic
def appeal_close(*, appeal: Appeal, actor: User, reason: str) -> Appeal:
    """For items that cannot be acted on (duplicate, out of scope)."""
    if not reason.strip():
        raise FeedbackRefused(_("Please give a reason."), code="reason")
    return _step(
        appeal,
        to=Appeal.State.CLOSED,
        allowed_from=Appeal.OPEN,
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
        raise FeedbackRefused(_("Only the submitter can confirm."), code="not_owner")
    if satisfied:
        return _step(
            appeal,
            to=Appeal.State.CONFIRMED,
            allowed_from=(Appeal.State.RESOLVED,),
            actor=user,
            note=note,
            satisfied=True,
        )
    if not appeal.reopened:
        now = timezone.now()
        return _step(
            appeal,
            to=Appeal.State.ACCEPTED,
            allowed_from=(Appeal.State.RESOLVED,),
            actor=user,
            note=note,
            satisfied=False,
            reopened=True,
            resolve_due=now + datetime.timedelta(days=settings.APPEAL_RESOLVE_DAYS),
        )
    return _step(
        appeal,
        to=Appeal.State.CLOSED,
        allowed_from=(Appeal.State.RESOLVED,),
        actor=user,
        note=note,
        satisfied=False,
        flagged=True,
        closed_at=timezone.now(),
    )
