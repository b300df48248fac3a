import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunxian.models import Event
from venues.models import Space

# No 0/O, 1/I/L: the code is read aloud and typed at the door.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class SpaceRules(models.Model):
    """How a space is booked; a space without a row uses the defaults."""

    class Approval(models.TextChoices):
        AUTOMATIC = "auto", _("Automatic")
        MANUAL = "manual", _("By a manager")

    space = models.OneToOneField(
        Space, on_delete=models.CASCADE, primary_key=True, related_name="rules"
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=60,
        choices=[(m, m) for m in (30, 60, 90, 120, 180, 240)],
    )
    advance_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=14
    )
    min_notice_minutes = models.PositiveSmallIntegerField(
        _("minimum notice (minutes)"), default=120
    )
    max_slots_per_booking = models.PositiveSmallIntegerField(
        _("most consecutive slots per booking"), default=2
    )
    max_active_per_user = models.PositiveSmallIntegerField(
        _("most active bookings per person"), default=3
    )
    cancel_cutoff_minutes = models.PositiveSmallIntegerField(
        _("cancellation allowed until (minutes before start)"), default=120
    )
    approval = models.CharField(
        _("approval"), max_length=8, choices=Approval.choices, default=Approval.MANUAL
    )

    class Meta:
        verbose_name = _("booking rules")
        verbose_name_plural = _("booking rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(advance_days__gte=1, advance_days__lte=90),
                name="rules_advance_days",
            ),
            models.CheckConstraint(
                condition=Q(max_slots_per_booking__gte=1, max_active_per_user__gte=1),
                name="rules_limits_positive",
            ),
        ]

    def __str__(self):
        return str(self.space)


class Slot(models.Model):
    """The seats of one space at one slot start: the row that guards capacity.

    Created on first booking, locked and updated in the booking's transaction;
    the CHECK constraint makes overbooking impossible whatever the code does.
    """

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField()
    end = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    seats_taken = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["space", "start"]
        constraints = [
            models.UniqueConstraint(fields=["space", "start"], name="slot_space_start"),
            models.CheckConstraint(
                condition=Q(seats_taken__gte=0, seats_taken__lte=F("capacity")),
                name="slot_seats_within_capacity",
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="slot_ends"),
        ]

    def __str__(self):
        return f"{self.space} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


class BookingQuerySet(models.QuerySet):
    def holding_seats(self):
        return self.filter(state__in=Booking.HOLDING)

    def active(self):
        return self.filter(state__in=Booking.ACTIVE)

    def for_venues(self, venues):
        return self.filter(space__venue__in=venues)


class Booking(models.Model):
    """A request for consecutive slots of one space.

    pending → approved | rejected; pending | approved → cancelled;
    approved → attended | no_show; pending past its start → expired.
    Pending and approved hold their seats; leaving them gives the seats back.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")
        EXPIRED = "expired", _("Expired")

    # Attended and no-show keep their seats: that time was theirs.
    HOLDING = (State.PENDING, State.APPROVED, State.ATTENDED, State.NO_SHOW)
    ACTIVE = (State.PENDING, State.APPROVED)

    TRANSITIONS = {
        "approve": ((State.PENDING,), State.APPROVED),
        "reject": ((State.PENDING,), State.REJECTED),
        "cancel": (ACTIVE, State.CANCELLED),
        "check_in": ((State.APPROVED,), State.ATTENDED),
        "no_show": ((State.APPROVED,), State.NO_SHOW),
        "expire": ((State.PENDING,), State.EXPIRED),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    space = models.ForeignKey(
        Space,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("space"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    headcount = models.PositiveSmallIntegerField(_("number of people"))
    seats = models.PositiveSmallIntegerField(
        help_text="Seats held in each slot: the headcount, or 1 in an exclusive space."
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    check_in_code = models.CharField(
        _("check-in code"), max_length=8, unique=True, default=new_check_in_code
    )
    slots = models.ManyToManyField(Slot, through="BookingSlot", related_name="bookings")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["state", "start"]),
            models.Index(fields=["user", "state"]),
            models.Index(fields=["space", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="booking_ends"
            ),
            models.CheckConstraint(
                condition=Q(headcount__gte=1, seats__gte=1), name="booking_headcount"
            ),
        ]

    def __str__(self):
        return f"{self.space} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("bookings:detail", args=[self.pk])

    def get_state_display(self):
        """Django's builds a dict of every choice on each call (24 µs); a list
        of bookings draws one a row."""
        return str(self.State(self.state).label)

    @property
    def holds_seats(self) -> bool:
        return self.state in self.HOLDING


class BookingSlot(models.Model):
    """Which slots a booking holds; `holds` goes false when it gives them back.

    The partial unique constraint stops one person holding the same slot twice.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE)
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    holds = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "slot"], name="booking_slot"),
            models.UniqueConstraint(
                fields=["user", "slot"],
                condition=Q(holds=True),
                name="one_place_per_person_per_slot",
            ),
        ]

    def __str__(self):
        return f"{self.booking_id}@{self.slot_id}"


class BookingEvent(Event):
    """One transition of a booking: who, when, from what to what, and why."""

    states = Booking.State

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="events"
    )
