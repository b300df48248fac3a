from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from feedback.periods import previous_month
from qunxian.models import Event
from qunxian.private_media import private_storage
from venues.models import Organization, Venue


class ReviewQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(state=Review.State.VISIBLE)

    def awaiting_reply(self):
        return self.visible().filter(reply="")


class Review(models.Model):
    """评价: stars and words about one visit, answered publicly by the venue.

    visible ⇄ hidden: an administrator hides it from the public pages, with a
    reason its author sees, and may show it again.
    """

    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden by an administrator")

    TRANSITIONS = {
        "hide": ((State.VISIBLE,), State.HIDDEN),
        "unhide": ((State.HIDDEN,), State.VISIBLE),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="reviews")
    booking = models.OneToOneField(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    text = models.TextField(_("review"), max_length=1000, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.VISIBLE)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    reply = models.TextField(_("reply from the venue"), max_length=1000, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            models.Index(fields=["venue", "state", "created_at"]),
            models.Index(fields=["user", "venue", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.venue} ★{self.rating}"

    @property
    def is_good(self) -> bool:
        return self.rating >= 4


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    # Private: a hidden review's photos must not stay public (feedback.views.photos).
    image = models.ImageField(upload_to="reviews/", storage=private_storage)
    thumbnail = models.ImageField(upload_to="reviews/", storage=private_storage)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.review_id} photo"


class AppealQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=Appeal.OPEN)

    def overdue(self, now=None):
        now = now or timezone.now()
        return self.filter(
            Q(state=Appeal.State.SUBMITTED, accept_due__lt=now)
            | Q(state=Appeal.State.ACCEPTED, resolve_due__lt=now)
        )

    def overdue_first(self, now=None):
        """Overdue items first, then the oldest deadline first."""
        now = now or timezone.now()
        late = Q(state=Appeal.State.SUBMITTED, accept_due__lt=now) | Q(
            state=Appeal.State.ACCEPTED, resolve_due__lt=now
        )
        return self.annotate(
            is_late=models.Case(
                models.When(late, then=0), default=1, output_field=models.IntegerField()
            )
        ).order_by("is_late", "created_at")


class Appeal(models.Model):
    """诉求 / 反馈, a closed loop with deadlines.

    submitted → accepted (受理) → resolved (办结, with a reply) → confirmed by the
    submitter. "Not satisfied" reopens it once (back to accepted); the second
    time it is closed and flagged. A handler may instead close an item that
    cannot be acted on, with a reason: closed is counted apart from resolved.
    """

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion")
        COMPLAINT = "complaint", _("Complaint")
        HELP = "help", _("Request for help")
        REPAIR = "repair", _("Broken facility")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RESOLVED = "resolved", _("Resolved")
        CONFIRMED = "confirmed", _("Confirmed")
        CLOSED = "closed", _("Closed")

    OPEN = (State.SUBMITTED, State.ACCEPTED)

    TRANSITIONS = {
        "accept": ((State.SUBMITTED,), State.ACCEPTED),
        "resolve": ((State.ACCEPTED,), State.RESOLVED),
        "close": (OPEN, State.CLOSED),
        # The submitter's verdict on a resolved item.
        "confirm": ((State.RESOLVED,), State.CONFIRMED),
        "reopen": ((State.RESOLVED,), State.ACCEPTED),
        "close_dissatisfied": ((State.RESOLVED,), State.CLOSED),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals"
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("venue"),
        help_text=_("Leave empty to address the district."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("what happened"), max_length=2000)
    photo = models.ImageField(
        _("photo"), upload_to="appeals/", storage=private_storage, blank=True
    )
    photo_thumbnail = models.ImageField(
        upload_to="appeals/", storage=private_storage, blank=True
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    accept_due = models.DateTimeField(_("accept by"))
    resolve_due = models.DateTimeField(_("resolve by"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("reply"), max_length=2000, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    reopened = models.BooleanField(default=False)
    satisfied = models.BooleanField(null=True, blank=True)
    flagged = models.BooleanField(
        default=False, help_text="Closed after the submitter was dissatisfied twice."
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        indexes = [
            models.Index(fields=["state", "accept_due"]),
            models.Index(fields=["state", "resolve_due"]),
            models.Index(fields=["venue", "created_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("feedback:detail", args=[self.pk])

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.state == self.State.SUBMITTED and self.accept_due < now) or (
            self.state == self.State.ACCEPTED and self.resolve_due < now
        )


class AppealEvent(Event):
    """One step of an appeal's timeline, shown to the submitter; `reason` is the
    note that came with it (the reply, the reason for closing, the verdict)."""

    states = Appeal.State

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")


class IndexWeightsQuerySet(models.QuerySet):
    def current(self) -> "IndexWeights":
        """The newest version; the first one (the defaults) if none was saved."""
        newest = self.order_by("-version").first()
        return newest or self.get_or_create(version=1)[0]


class IndexWeights(models.Model):
    """One version of the index's weights and prior, never edited in place.

    An admin's change is a new row with the next version, and every snapshot
    points at the version it was computed with, so history keeps its meaning.
    `prior_weight` is the Bayesian prior: the number of pseudo-observations at
    the district mean that every venue's review and handling rates start from.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    activity = models.FloatField(
        _("weight of activity"), default=0.4, validators=[MinValueValidator(0)]
    )
    good_review = models.FloatField(
        _("weight of the good-review rate"),
        default=0.3,
        validators=[MinValueValidator(0)],
    )
    handling = models.FloatField(
        _("weight of feedback handling"), default=0.3, validators=[MinValueValidator(0)]
    )
    views = models.FloatField(
        _("points per view"), default=1, validators=[MinValueValidator(0)]
    )
    navigations = models.FloatField(
        _("points per navigation"), default=3, validators=[MinValueValidator(0)]
    )
    attended = models.FloatField(
        _("points per attended booking"), default=5, validators=[MinValueValidator(0)]
    )
    activity_attendance = models.FloatField(
        _("points per person checked in at an activity"),
        default=5,
        validators=[MinValueValidator(0)],
    )
    prior_weight = models.FloatField(
        _("weight of the prior"),
        default=5,
        validators=[MinValueValidator(0)],
        help_text=_(
            "How many reviews or feedback items at the district mean each venue's "
            "rates start from."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IndexWeightsQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__gte=0, good_review__gte=0, handling__gte=0)
                & Q(views__gte=0, navigations__gte=0, attended__gte=0)
                & Q(activity_attendance__gte=0, prior_weight__gte=0),
                name="index_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(activity__gt=0) | Q(good_review__gt=0) | Q(handling__gt=0),
                name="index_weights_some_part",
            ),
        ]

    def __str__(self):
        return f"v{self.version}"

    @property
    def parts(self) -> dict[str, float]:
        return {
            "activity": self.activity,
            "good_review": self.good_review,
            "handling": self.handling,
        }


class IndexSnapshotQuerySet(models.QuerySet):
    def ranking(self, period):
        """The period's snapshots, best first, each with last month's composite."""
        before = IndexSnapshot.objects.filter(
            venue=OuterRef("venue"), period=previous_month(period)
        ).values("composite")[:1]
        return (
            self.filter(period=period)
            .select_related("venue__organization", "venue__town", "weights")
            .annotate(previous_composite=Subquery(before))
            .order_by("-composite", "venue__name")
        )

    def periods(self):
        """(period, provisional) of every computed month, newest first."""
        return self.order_by("-period").values_list("period", "provisional").distinct()


class HandlingFigures(models.Model):
    """How fast a month's feedback was handled: what both snapshots share."""

    appeal_count = models.PositiveIntegerField(default=0)
    appeals_accepted_in_time = models.PositiveIntegerField(default=0)
    appeals_handled_in_time = models.PositiveIntegerField(default=0)
    median_accept_hours = models.FloatField(null=True, blank=True)
    median_resolve_hours = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def accepted_in_time_rate(self) -> float | None:
        if not self.appeal_count:
            return None
        return self.appeals_accepted_in_time * 100 / self.appeal_count


class IndexSnapshot(HandlingFigures):
    """A venue's indexes for one period (a month), as computed then.

    Keeps the formula version and the weights it was computed with, so a change
    of weights never rewrites history silently; recomputing a period replaces
    it. A provisional snapshot is of a month that had not ended yet.

    The rates (`good_review_rate`, `handling_rate`) are the plain shares; the
    scores that enter the composite are the same shares pulled towards the
    district mean (`prior_*`) by `weights.prior_weight` pseudo-observations.
    """

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="indexes")
    period = models.DateField(help_text="First day of the month.")
    provisional = models.BooleanField(default=False)
    views = models.PositiveIntegerField(default=0)
    navigations = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    activity_attendance = models.PositiveIntegerField(default=0)
    activity_raw = models.FloatField(default=0)
    activity = models.FloatField(help_text="0–100, normalised across venues.")
    review_count = models.PositiveIntegerField(default=0)
    good_review_count = models.PositiveIntegerField(default=0)
    good_review_rate = models.FloatField(null=True, help_text="0–100; none: no reviews")
    good_review_score = models.FloatField(
        null=True, help_text="0–100, pulled to the prior; none: no reviews anywhere"
    )
    prior_good_review = models.FloatField(null=True, help_text="district mean, 0–100")
    appeals_closed = models.PositiveIntegerField(default=0)
    appeals_overdue = models.PositiveIntegerField(default=0)
    handling_rate = models.FloatField(null=True, help_text="0–100; none: no feedback")
    handling_score = models.FloatField(
        null=True, help_text="0–100, pulled to the prior; none: no feedback anywhere"
    )
    prior_handling = models.FloatField(null=True, help_text="district mean, 0–100")
    composite = models.FloatField(help_text="服务先锋指数, 0–100")
    formula_version = models.PositiveSmallIntegerField()
    weights = models.ForeignKey(
        IndexWeights, on_delete=models.PROTECT, related_name="snapshots"
    )
    computed_at = models.DateTimeField(auto_now=True)

    objects = IndexSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["period", "-composite"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "period"], name="index_venue_period"
            ),
        ]
        indexes = [models.Index(fields=["period", "composite"])]

    def __str__(self):
        return f"{self.venue} {self.period:%Y-%m}: {self.composite:.1f}"


class OrganizationIndexSnapshot(HandlingFigures):
    """An organisation's month (4+X league table): its venues' mean index and
    their feedback handling taken together."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="indexes"
    )
    period = models.DateField(help_text="First day of the month.")
    provisional = models.BooleanField(default=False)
    venue_count = models.PositiveIntegerField(default=0)
    activity = models.FloatField(default=0, help_text="mean of its venues'")
    composite = models.FloatField(default=0, help_text="mean of its venues'")
    review_count = models.PositiveIntegerField(default=0)
    good_review_count = models.PositiveIntegerField(default=0)
    weights = models.ForeignKey(
        IndexWeights, on_delete=models.PROTECT, related_name="organization_snapshots"
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "-composite"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period"], name="index_organization_period"
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.period:%Y-%m}: {self.composite:.1f}"

    @property
    def good_review_rate(self) -> float | None:
        if not self.review_count:
            return None
        return self.good_review_count * 100 / self.review_count

    @property
    def handling_rate(self) -> float | None:
        if not self.appeal_count:
            return None
        return self.appeals_handled_in_time * 100 / self.appeal_count
