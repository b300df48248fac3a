"""志愿服务 and 码上都: help requests, volunteer teams, service orders, two
ledgers (points and hours) and the rewards points buy."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from qunxian.models import Event
from qunxian.private_media import private_storage
from venues.models import Organization, Venue

H3_RESOLUTION = 8  # cells of about 0.7 km²: a street corner, never a doorstep
# How far from its home venue a team sees orders: about 5 km each way.
TEAM_REACH_DEGREES = 0.05


class ServiceKind(models.TextChoices):
    REPAIR = "repair", _("E-bike repair")
    MEDICINE = "medicine", _("Medicine delivery")
    EMERGENCY = "emergency", _("Emergency duty")
    CITY_DUTY = "city_duty", _("City duty (城市值班员)")
    CLEAN_UP = "clean_up", _("Clean-up")
    TREES = "trees", _("Tree planting")
    OTHER = "other", _("Other service")


def new_code() -> str:
    """Six characters a person can read out at a counter: no 0/O, 1/I."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


# 码上都: help requests from a venue's poster


class HelpRequest(models.Model):
    """A rider's report from the QR poster of a venue or rest station.

    It goes to the venue's managers at once, with deadlines, and follows the
    feedback loop: submitted → accepted → handled (with a reply) → confirmed
    by the reporter. Staff may close one that cannot be acted on.
    """

    class Kind(models.TextChoices):
        BREAKDOWN = "breakdown", _("E-bike breakdown")
        INJURY = "injury", _("Injury")
        WAGES = "wages", _("Wage arrears")
        HARASSMENT = "harassment", _("Harassment")
        WEATHER = "weather", _("Bad weather")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        HANDLED = "handled", _("Handled")
        CONFIRMED = "confirmed", _("Confirmed")
        CLOSED = "closed", _("Closed")

    OPEN = (State.SUBMITTED, State.ACCEPTED)

    TRANSITIONS = {
        "accept": ((State.SUBMITTED,), State.ACCEPTED),
        "handle": ((State.ACCEPTED,), State.HANDLED),
        "close": (OPEN, State.CLOSED),
        "confirm": ((State.HANDLED,), State.CONFIRMED),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_requests"
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        related_name="help_requests",
        verbose_name=_("venue"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("what happened"), max_length=1000, blank=True)
    photo = models.ImageField(
        _("photo"), upload_to="help/", storage=private_storage, blank=True
    )
    photo_thumbnail = models.ImageField(
        upload_to="help/", storage=private_storage, blank=True
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    # The public map shows this cell, never the point.
    cell = models.CharField(max_length=16, db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    accept_due = models.DateTimeField(_("accept by"))
    handle_due = models.DateTimeField(_("handle by"))
    reply = models.TextField(_("reply"), max_length=1000, blank=True)
    me_too_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [models.Index(fields=["venue", "state", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("volunteering:request_detail", args=[self.pk])

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.state == self.State.SUBMITTED and self.accept_due < now) or (
            self.state == self.State.ACCEPTED and self.handle_due < now
        )


class HelpRequestEvent(Event):
    states = HelpRequest.State

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="events"
    )


class MeToo(models.Model):
    """遇到同样问题: one person meeting the same problem; once per request."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="me_toos"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["help_request", "user"], name="me_too_once"
            ),
        ]

    def __str__(self):
        return f"{self.help_request_id}: {self.user_id}"


# Teams


class TeamQuerySet(models.QuerySet):
    def led_by(self, user):
        return self.filter(
            members__user=user,
            members__role=TeamMember.Role.LEADER,
            members__state=TeamMember.State.ACTIVE,
        )

    def joined_by(self, user):
        return self.filter(
            members__user=user, members__state=TeamMember.State.ACTIVE
        ).distinct()


class Team(models.Model):
    """A volunteer team of an organisation, based at a home venue; it offers
    some kinds of service and sees the orders for them near its venue."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
        verbose_name=_("organisation"),
    )
    home_venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
        verbose_name=_("home venue"),
    )
    description = models.TextField(_("description"), max_length=1000, blank=True)
    # A deactivated team takes no new orders and no new members; its history stays.
    active = models.BooleanField(_("active"), default=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteering:team_detail", args=[self.pk])


class TeamService(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("kind"), max_length=12, choices=ServiceKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "kind"], name="team_kind_once"),
        ]

    def __str__(self):
        return f"{self.team}: {self.get_kind_display()}"


class TeamMember(models.Model):
    """A person in a team: asked to join (requested), taken in by a leader
    (active) or not (declined); an active member may leave, or a leader may
    remove them. Leaders are named in the console."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        MEMBER = "member", _("Member")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        ACTIVE = "active", _("Member")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left the team")
        REMOVED = "removed", _("Removed from the team")

    TRANSITIONS = {
        "accept": ((State.REQUESTED,), State.ACTIVE),
        "decline": ((State.REQUESTED,), State.DECLINED),
        "leave": ((State.ACTIVE,), State.LEFT),
        "remove": ((State.ACTIVE,), State.REMOVED),
    }

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    role = models.CharField(
        _("role"), max_length=8, choices=Role.choices, default=Role.MEMBER
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    # Whether the figures page may name them (志愿者风采); their choice.
    listed = models.BooleanField(_("show my name in the public figures"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "-role", "created_at"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_member_once"),
        ]

    def __str__(self):
        return f"{self.team}: {self.user}"


class TeamActivity(models.Model):
    """A volunteer activity: an activity of the activities app, run for a team.

    Sign-up, the waiting list and QR check-in are the activities app's own;
    checked-in volunteers' hours are posted from here.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="activities")
    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="volunteer_team"
    )
    kind = models.CharField(
        _("service"),
        max_length=12,
        choices=ServiceKind.choices,
        default=ServiceKind.OTHER,
    )
    hours_posted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.team}: {self.activity}"


# 点单 → 接单: service orders


class ServiceOrderQuerySet(models.QuerySet):
    def visible_to_teams(self, teams):
        """Open orders of a kind the teams offer near their home venues, and
        the orders they took."""
        near = Q()
        for team in teams:
            box, venue = TEAM_REACH_DEGREES, team.home_venue
            near |= Q(
                kind__in=[s.kind for s in team.services.all()],
                lat__range=(venue.lat - box, venue.lat + box),
                lng__range=(venue.lng - box, venue.lng + box),
            )
        if not near:
            return self.none()
        return self.filter(
            (Q(state=ServiceOrder.State.OPEN) & near) | Q(team__in=teams)
        )


class ServiceOrder(models.Model):
    """群众点单 → 志愿服务队接单.

    open → accepted by one team's leader (the row lock in the transition and
    the CHECK below: an accepted order has exactly one team) → done by its
    assigned members, with a note and a photo → confirmed by the requester,
    with a rating, or by the system three days later. Open or accepted, the
    requester may cancel it.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a team")
        ACCEPTED = "accepted", _("Taken by a team")
        DONE = "done", _("Done, waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        "accept": ((State.OPEN,), State.ACCEPTED),
        "complete": ((State.ACCEPTED,), State.DONE),
        "confirm": ((State.DONE,), State.CONFIRMED),
        "cancel": ((State.OPEN, State.ACCEPTED), State.CANCELLED),
    }

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="service_orders",
    )
    kind = models.CharField(_("service"), max_length=12, choices=ServiceKind.choices)
    venue = models.ForeignKey(
        Venue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_orders",
        verbose_name=_("venue"),
    )
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    description = models.TextField(_("what is needed"), max_length=1000)
    photo = models.ImageField(
        _("photo"), upload_to="orders/", storage=private_storage, blank=True
    )
    help_request = models.OneToOneField(
        HelpRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_order",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("team"),
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(_("what was done"), max_length=1000, blank=True)
    done_photo = models.ImageField(
        _("photo of the work"), upload_to="orders/", storage=private_storage, blank=True
    )
    hours = models.DecimalField(
        _("hours of service"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    done_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, choices=[(n, str(n)) for n in range(1, 6)]
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True)

    objects = ServiceOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        indexes = [
            models.Index(fields=["state", "kind", "lat", "lng"]),
            models.Index(fields=["state", "done_at"]),
        ]
        constraints = [
            # One team, and only once taken: the database keeps the promise.
            models.CheckConstraint(
                condition=Q(state__in=["open", "cancelled"]) | Q(team__isnull=False),
                name="order_taken_has_team",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="order_window"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="order_rating_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("volunteering:order_detail", args=[self.pk])


class ServiceOrderEvent(Event):
    states = ServiceOrder.State

    order = models.ForeignKey(
        ServiceOrder, on_delete=models.CASCADE, related_name="events"
    )


class Assignment(models.Model):
    """A member a leader sent to do an order."""

    order = models.ForeignKey(
        ServiceOrder, on_delete=models.CASCADE, related_name="assignments"
    )
    member = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, related_name="assignments"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "member"], name="assignment_once"),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.member_id}"


# Points and hours: append-only ledgers


class AppendOnly(models.Model):
    """A ledger row: written once, never changed; a correction is a new row."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are never updated.")
        super().save(*args, **kwargs)


class PointsTable(models.Model):
    """One version of the points per service kind and outcome; the newest rules.

    An admin's edit writes a new version: what was posted stays explained by
    the version it was posted under.
    """

    version = models.PositiveIntegerField(unique=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"

    @classmethod
    def current(cls) -> "PointsTable | None":
        return cls.objects.prefetch_related("rules").first()

    def points_for(self, kind: str, outcome: str) -> int:
        for rule in self.rules.all():
            if rule.kind == kind and rule.outcome == outcome:
                return rule.points
        return 0


class Outcome(models.TextChoices):
    PRAISED = "praised", _("Confirmed with 4 or 5 stars")
    CONFIRMED = "confirmed", _("Confirmed")
    AUTO = "auto", _("Confirmed automatically")


class PointsRule(models.Model):
    table = models.ForeignKey(
        PointsTable, on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(max_length=12, choices=ServiceKind.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    points = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["table", "kind", "outcome"], name="points_rule_once"
            ),
        ]

    def __str__(self):
        return f"{self.kind}/{self.outcome}: {self.points}"


class PointsBalance(models.Model):
    """The sum of a person's points entries, kept in the same transaction.

    The row that guards spending, as seats guard an activity: the CHECK
    refuses any write that would take it below zero.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points"
    )
    balance = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="points_balance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.balance}"


class PointsEntry(AppendOnly):
    """One move of points, with where it came from."""

    class Reason(models.TextChoices):
        EARN = "earn", _("Earned")
        SPEND = "spend", _("Redeemed")
        REFUND = "refund", _("Redemption cancelled")
        ADJUST = "adjust", _("Adjusted")
        REVERSE = "reverse", _("Reversed")
        EXPIRE = "expire", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="points_entries",
    )
    amount = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=8, choices=Reason.choices)
    order = models.ForeignKey(
        ServiceOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    redemption = models.ForeignKey(
        "Redemption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_entries",
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    table = models.ForeignKey(
        PointsTable, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        constraints = [
            # An order earns each member its points once.
            models.UniqueConstraint(
                fields=["user", "order"],
                condition=Q(reason="earn"),
                name="points_earned_once_per_order",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.amount:+d}"


class HoursEntry(AppendOnly):
    """Service hours, what a 志愿服务记录证明 attests: who, what, when, how long."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hours_entries"
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    kind = models.CharField(_("service"), max_length=12, choices=ServiceKind.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    served_on = models.DateField(_("date"))
    order = models.ForeignKey(
        ServiceOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["served_on", "id"]
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "order"],
                condition=Q(order__isnull=False, reverses__isnull=True),
                name="hours_once_per_order",
            ),
            models.UniqueConstraint(
                fields=["user", "activity"],
                condition=Q(activity__isnull=False, reverses__isnull=True),
                name="hours_once_per_activity",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.hours}h"


class Certificate(models.Model):
    """A downloaded 志愿服务记录证明: the total it attested, found by its code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(max_length=32, unique=True)
    hours = models.DecimalField(max_digits=7, decimal_places=1)
    services = models.PositiveIntegerField()
    issued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("volunteering:certificate_verify", args=[self.code])


# 积分兑换: rewards


class RewardQuerySet(models.QuerySet):
    def on_offer(self):
        return self.filter(active=True)


class Reward(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="rewards",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    points = models.PositiveIntegerField(_("points"))
    stock = models.IntegerField(_("in stock"))
    pickup_venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        related_name="rewards",
        verbose_name=_("pick up at"),
    )
    photo = models.ImageField(_("photo"), upload_to="rewards/", blank=True)
    active = models.BooleanField(_("on offer"), default=True)

    objects = RewardQuerySet.as_manager()

    class Meta:
        ordering = ["points", "name"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__gte=0), name="reward_stock_not_negative"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="reward_costs"),
        ]

    def __str__(self):
        return self.name


class Redemption(models.Model):
    """A reward taken for points: reserved until picked up with its code at
    the pick-up venue; cancelled, it gives back both points and stock."""

    class State(models.TextChoices):
        RESERVED = "reserved", _("To pick up")
        PICKED_UP = "picked_up", _("Picked up")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        "pick_up": ((State.RESERVED,), State.PICKED_UP),
        "cancel": ((State.RESERVED,), State.CANCELLED),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions"
    )
    reward = models.ForeignKey(
        Reward, on_delete=models.PROTECT, related_name="redemptions"
    )
    points = models.PositiveIntegerField(_("points"))
    code = models.CharField(_("pick-up code"), max_length=6, default=new_code)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RESERVED
    )
    picked_up_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(state="reserved"),
                name="redemption_code_unique_while_reserved",
            ),
        ]

    def __str__(self):
        return f"{self.reward} #{self.pk}"


class RedemptionEvent(Event):
    states = Redemption.State

    redemption = models.ForeignKey(
        Redemption, on_delete=models.CASCADE, related_name="events"
    )
