import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunxian.models import Event
from venues.models import Organization, Town, Venue


class Employer(models.TextChoices):
    MEITUAN = "meituan", _("Meituan")
    ELEME = "eleme", _("Ele.me")
    SF = "sf", _("SF Express")
    DIDI = "didi", _("DiDi")
    OTHER = "other", _("Another employer")
    NONE = "none", _("None / self-employed")


class Occupation(models.TextChoices):
    RIDER = "rider", _("Food-delivery rider")
    COURIER = "courier", _("Courier")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")
    LORRY = "lorry", _("Lorry driver")
    SANITATION = "sanitation", _("Sanitation worker")
    DOMESTIC = "domestic", _("Domestic worker")
    OTHER = "other", _("Other occupation")


def union_choices():
    return {"kind": Organization.Kind.UNION}


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=MembershipApplication.OPEN)

    def overdue(self, now=None):
        return self.filter(
            state__in=MembershipApplication.WAITING_FOR_UNION,
            due_at__lt=now or timezone.now(),
        )

    def district_queue(self):
        """What the console handles: the district union's own, and escalations."""
        return self.filter(Q(venue__isnull=True) | Q(escalated_at__isnull=False))

    def handling_order(self, now=None):
        """Overdue first, then the earliest deadline; decided ones last."""
        now = now or timezone.now()
        waiting = Q(state__in=MembershipApplication.WAITING_FOR_UNION)
        return self.annotate(
            rank=models.Case(
                models.When(waiting & Q(due_at__lt=now), then=0),
                models.When(waiting, then=1),
                models.When(state=MembershipApplication.State.INFO_REQUESTED, then=2),
                default=3,
                output_field=models.IntegerField(),
            )
        ).order_by("rank", "due_at", "id")


class MembershipApplication(models.Model):
    """入会申请: a worker asks a union to take them as a member.

    submitted → approved | rejected by the union; the union may ask for more
    information (info_requested), the applicant answers (answered), and it is
    the union's turn again. The applicant may withdraw an open one. The union
    answers within `due_at` (working days); an overdue one addressed to a
    venue's union is escalated to the district union, which sees it in the
    console. One open application per person.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        INFO_REQUESTED = "info_requested", _("More information asked")
        ANSWERED = "answered", _("Answered")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    WAITING_FOR_UNION = (State.SUBMITTED, State.ANSWERED)
    OPEN = (*WAITING_FOR_UNION, State.INFO_REQUESTED)

    TRANSITIONS = {
        "approve": (WAITING_FOR_UNION, State.APPROVED),
        "reject": (OPEN, State.REJECTED),
        "request_info": (WAITING_FOR_UNION, State.INFO_REQUESTED),
        "answer": ((State.INFO_REQUESTED,), State.ANSWERED),
        "withdraw": (OPEN, State.WITHDRAWN),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership_applications",
    )
    union = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="membership_applications",
        limit_choices_to=union_choices,
        verbose_name=_("union"),
    )
    # Where they asked to join ("join here" on a venue's page); its managers
    # handle it. None: the district union, in the console.
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="membership_applications",
        verbose_name=_("venue"),
    )
    name = models.CharField(_("full name"), max_length=40)
    employer = models.CharField(
        _("employer or platform"), max_length=10, choices=Employer.choices
    )
    employer_name = models.CharField(
        _("name of the employer"), max_length=60, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=16, choices=Occupation.choices
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("where you work"),
    )
    consent = models.BooleanField(_("consent to the union's use of these data"))
    # The keyed hash of their mobile number when they applied: how a fast-track
    # list, which holds only such hashes, finds them.
    phone_digest = models.CharField(max_length=64, db_index=True)
    fast_track_list = models.ForeignKey(
        "FastTrackList",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    due_at = models.DateTimeField(_("answer by"))
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # The named person who follows it through (a fast-track one, say) and whom
    # the applicant sees as their contact.
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed by"),
    )
    question = models.TextField(_("question"), max_length=1000, blank=True)
    answer = models.TextField(_("answer"), max_length=1000, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["venue", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state__in=["submitted", "info_requested", "answered"]),
                name="membership_one_open_application",
            ),
            models.CheckConstraint(
                condition=Q(consent=True), name="membership_application_consent"
            ),
        ]

    def __str__(self):
        return _("Application #%(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("membership:application", args=[self.pk])

    @property
    def fast_track(self) -> bool:
        return self.fast_track_list_id is not None

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    @property
    def is_waiting(self) -> bool:
        """For the union to decide: submitted, or answered."""
        return self.state in self.WAITING_FOR_UNION

    @property
    def employer_label(self) -> str:
        if self.employer == Employer.OTHER and self.employer_name:
            return self.employer_name
        return self.get_employer_display()

    def is_overdue(self, now=None) -> bool:
        return self.state in self.WAITING_FOR_UNION and self.due_at < (
            now or timezone.now()
        )


class MembershipApplicationEvent(Event):
    """A step of an application; `reason` is the question, the answer or the
    reason for rejecting."""

    states = MembershipApplication.State

    application = models.ForeignKey(
        MembershipApplication, on_delete=models.CASCADE, related_name="events"
    )


def new_card_token() -> str:
    return secrets.token_urlsafe(18)


class MembershipQuerySet(models.QuerySet):
    def current(self):
        """A member's membership now: valid or lapsed."""
        return self.filter(status__in=Membership.CURRENT)

    def valid(self):
        return self.filter(status=Membership.Status.ACTIVE)


class Membership(models.Model):
    """会员关系: a person's membership of one union, with its number and card.

    active → lapsed after a set time without activity (union rules), back to
    active when they renew; active | lapsed → left (退会, their choice) or
    revoked (by the union). A transfer (会员关系随劳动关系转移) ends this one as
    transferred and starts one in the new union, with a number of that union,
    pointing back to this: the person's history stays one chain. A number is
    never given again, not even after the membership ends.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Valid")
        LAPSED = "lapsed", _("Lapsed")
        TRANSFERRED = "transferred", _("Transferred")
        LEFT = "left", _("Left the union")
        REVOKED = "revoked", _("Revoked")

    CURRENT = (Status.ACTIVE, Status.LAPSED)

    STATE_FIELD = "status"
    TRANSITIONS = {
        "lapse": ((Status.ACTIVE,), Status.LAPSED),
        "renew": ((Status.LAPSED,), Status.ACTIVE),
        "transfer": (CURRENT, Status.TRANSFERRED),
        "leave": (CURRENT, Status.LEFT),
        "revoke": (CURRENT, Status.REVOKED),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    union = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("union"),
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("joined at"),
    )
    application = models.OneToOneField(
        MembershipApplication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="membership",
    )
    transferred_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_to",
    )
    number = models.PositiveIntegerField(_("membership number"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    # Copied from the application, so a transfer keeps them: the figures.
    occupation = models.CharField(
        _("occupation"), max_length=16, choices=Occupation.choices
    )
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="+", verbose_name=_("town")
    )
    # What the QR code on the card carries: not the number, not the pk.
    card_token = models.CharField(max_length=32, unique=True, default=new_card_token)
    started_at = models.DateTimeField(_("member since"), default=timezone.now)
    # Since when it counts as active: its start, or when it was renewed.
    active_since = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["union", "number"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["union", "number"], name="membership_number_per_union"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["active", "lapsed"]),
                name="membership_one_current",
            ),
        ]

    def __str__(self):
        return f"{self.union} {self.card_number}"

    @property
    def card_number(self) -> str:
        return f"{self.number:06d}"

    @property
    def verdict(self) -> str:
        """What the public check of the card says: valid, lapsed or revoked."""
        if self.status in (self.Status.ACTIVE, self.Status.LAPSED):
            return self.status
        return self.Status.REVOKED


class MembershipEvent(Event):
    states = Membership.Status

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="events"
    )


class UnionCounter(models.Model):
    """The last membership number a union gave: locked to give the next."""

    union = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.union}: {self.last_number}"


class FastTrackListQuerySet(models.QuerySet):
    def current(self, today=None):
        return self.filter(expires_on__gte=today or timezone.localdate())


class FastTrackList(models.Model):
    """快速通道名单: people a partner's data identified (swaps of batteries, say),
    kept as keyed hashes of their mobile numbers, never the numbers, until it
    expires."""

    source = models.CharField(_("source"), max_length=60)
    identified_on = models.DateField(_("date of the data"))
    expires_on = models.DateField(_("expires"))
    entry_count = models.PositiveIntegerField(_("numbers"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = FastTrackListQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("fast-track list")
        verbose_name_plural = _("fast-track lists")

    def __str__(self):
        return f"{self.source} ({self.identified_on:%Y-%m-%d})"

    def is_current(self, today=None) -> bool:
        return self.expires_on >= (today or timezone.localdate())


class FastTrackEntry(models.Model):
    list = models.ForeignKey(
        FastTrackList, on_delete=models.CASCADE, related_name="entries"
    )
    phone_digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["list", "phone_digest"], name="fast_track_entry_once"
            ),
        ]

    def __str__(self):
        return self.phone_digest[:12]
