from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import new_check_in_code
from qunxian.models import Event
from venues.models import Organization, Venue


class Series(models.Model):
    """A brand of recurring activities, such as 亲子乐系列活动."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="activity_series",
        verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return self.name


class ActivityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Activity.Status.PUBLISHED)

    def upcoming(self, now=None):
        """Not over yet: an activity under way still shows."""
        return self.filter(ends_at__gt=now or timezone.now())

    def hosted_by(self, venues):
        return self.filter(venue__in=venues)

    def at_venue(self, venue):
        """Hosted or co-hosted by `venue`."""
        co_hosted = Activity.other_venues.through.objects.filter(venue=venue)
        return self.filter(Q(venue=venue) | Q(pk__in=co_hosted.values("activity_id")))


class Activity(models.Model):
    """An event at one host venue (optionally with co-hosts) with limited seats.

    The host venue's managers run it, and its attendance counts towards the host
    venue's activity index. `seats_taken` is the row that guards capacity: it is
    changed only under a lock on this row, and the CHECK constraint refuses any
    write that would oversell.

    published → cancelled, by its host's managers; every sign-up goes with it.
    """

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    STATE_FIELD = "status"
    TRANSITIONS = {"cancel": ((Status.PUBLISHED,), Status.CANCELLED)}

    class Gender(models.TextChoices):
        ANY = "", _("Everyone")
        FEMALE = "female", _("Women")
        MALE = "male", _("Men")

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    series = models.ForeignKey(
        Series,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("series"),
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("host venue"),
    )
    other_venues = models.ManyToManyField(
        Venue,
        blank=True,
        related_name="co_hosted_activities",
        verbose_name=_("co-hosting venues"),
    )
    place = models.CharField(
        _("place"), max_length=120, help_text=_("Where exactly, e.g. 2F activity room.")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    seats = models.PositiveSmallIntegerField(_("seats"))
    seats_taken = models.PositiveSmallIntegerField(_("seats taken"), default=0)
    tags = models.CharField(
        _("tags"), max_length=200, blank=True, help_text=_("Separated by commas.")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    gender = models.CharField(
        _("for"), max_length=8, choices=Gender.choices, blank=True, default=Gender.ANY
    )
    # Checked at sign-up through `qunxian.roles.is_union_member`.
    members_only = models.BooleanField(
        _("union members only"),
        default=False,
        help_text=_("On: only people with a valid union member card can sign up."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["status", "ends_at", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=1), name="activity_seats_positive"
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__gte=0, seats_taken__lte=F("seats")),
                name="activity_seats_taken_within_seats",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends"
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")),
                name="activity_age_range",
            ),
        ]

    def __str__(self):
        return f"{self.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("activities:detail", args=[self.pk])

    @property
    def seats_left(self) -> int:
        return self.seats - self.seats_taken

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.replace("，", ",").split(",") if tag]

    @property
    def is_targeted(self) -> bool:
        return bool(self.min_age is not None or self.max_age is not None or self.gender)


class SignUpQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(state=SignUp.State.CANCELLED)

    def waiting_in_order(self):
        return self.filter(state=SignUp.State.WAITLISTED).order_by("created_at", "id")


class SignUp(models.Model):
    """One person's place at an activity.

    confirmed (holds a seat) → attended (checked in; keeps the seat) |
    cancelled (gives it back); waitlisted → confirmed (promoted, first come
    first served by `created_at`, `id`) | cancelled. A person has at most one
    sign-up per activity that is not cancelled.
    """

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    HOLDING = (State.CONFIRMED, State.ATTENDED)

    TRANSITIONS = {
        "promote": ((State.WAITLISTED,), State.CONFIRMED),
        "cancel": ((State.CONFIRMED, State.WAITLISTED), State.CANCELLED),
        "check_in": ((State.CONFIRMED,), State.ATTENDED),
    }

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_signups",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # Set under the activity's row lock, so it orders the waiting list.
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    # Ticked by a person whose gender or age we may not use, for an activity
    # meant for some: they said they belong to its audience.
    declared_in_audience = models.BooleanField(
        _("declared to be in the audience"), default=False
    )
    # Shown as a QR code to the person and scanned or typed at the door, as a
    # booking's is.
    check_in_code = models.CharField(
        _("check-in code"), max_length=8, unique=True, default=new_check_in_code
    )

    objects = SignUpQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        indexes = [
            models.Index(fields=["activity", "state", "created_at"]),
            models.Index(fields=["user", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=~Q(state="cancelled"),
                name="one_active_signup_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.activity}"

    @property
    def holds_seat(self) -> bool:
        return self.state in self.HOLDING


class SignUpEvent(Event):
    """One transition of a sign-up: who, when, from what to what."""

    states = SignUp.State

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="events")


class ReachSnapshot(models.Model):
    """One month's count of a series' sign-ups in one group (an age band or a
    gender), as computed then by `compute_reach`. Counts only: who signed up is
    never stored here, and small groups are hidden when shown."""

    class Dimension(models.TextChoices):
        AGE = "age", _("Age")
        GENDER = "gender", _("Gender")

    period = models.DateField(help_text="First day of the month.")
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, related_name="reach"
    )
    dimension = models.CharField(max_length=6, choices=Dimension.choices)
    group = models.CharField(max_length=10)
    signups = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    attended_people = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "series", "dimension", "group"]
        indexes = [models.Index(fields=["dimension", "period"])]

    def __str__(self):
        return f"{self.series} {self.period:%Y-%m} {self.dimension}={self.group}"
