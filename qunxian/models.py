from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

phone_validator = RegexValidator(
    r"^1[3-9]\d{9}$",
    _("Enter an 11-digit mainland mobile number starting with 13–19."),
    code="invalid_phone",
)


class User(AbstractUser):
    """A worker. Roles come from elsewhere: see `qunxian.roles`."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    phone = models.CharField(
        _("mobile number"), max_length=11, unique=True, validators=[phone_validator]
    )
    # False only while a number typed at sign-up waits for its SMS code: such
    # an account cannot log in until then. Numbers that an admin entered, and
    # those of accounts older than SMS codes, are taken as given.
    phone_verified = models.BooleanField(_("mobile number verified"), default=True)
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    gender = models.CharField(
        _("gender"), max_length=8, choices=Gender.choices, blank=True
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    # Gender and birth year are only used to tailor services with this consent.
    profile_consent = models.BooleanField(
        _("use my gender and age to suggest services"), default=False
    )
    # The language messages reach them in: the one they last used the site in,
    # recorded when they log in, switch language or save their details.
    language = models.CharField(max_length=10, blank=True)
    # What reaches them outside the inbox, per notification kind: see
    # `NotificationPrefs`. Empty: the defaults.
    notification_prefs = models.JSONField(default=dict, blank=True)

    REQUIRED_FIELDS = ["phone"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    def get_short_name(self):
        return str(self)

    @property
    def reader_language(self) -> str:
        """The language to write to them in; the district's until we know."""
        if self.language in dict(settings.LANGUAGES):
            return self.language
        return settings.LANGUAGE_CODE

    @property
    def prefs(self) -> "NotificationPrefs":
        return NotificationPrefs(self.notification_prefs)


class UserSession(AbstractBaseSession):
    """A browser's session, with the account it is signed in to as a column,
    so that one query reads both (qunxian/sessions.py)."""

    user = models.ForeignKey(
        User, null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "qunxian_session"

    @classmethod
    def get_session_store_class(cls):
        from qunxian.sessions import SessionStore

        return SessionStore


# What each kind of audited thing (`AuditEntry.subject_type`, the model's
# name) is called in the console; an unknown one shows as is.
AUDIT_SUBJECTS = {
    "user": _("Account"),
    "organization": _("Organisation"),
    "venue": _("Venue"),
    "space": _("Space"),
    "closure": _("Closure"),
    "publicholiday": _("Public holiday"),
    "venuephoto": _("Photo"),
    "booking": _("Booking"),
    "review": _("Review"),
    "appeal": _("Feedback"),
    "series": _("Activity series"),
    # "Activity" alone is the index's 活跃度.
    "activity": pgettext_lazy("audit subject", "Activity"),
    "signup": _("Sign-up"),
    "notice": _("Notice"),
    "membershipapplication": _("Membership application"),
    "membership": _("Membership"),
    "fasttracklist": _("Fast-track list"),
    "helprequest": _("Help request"),
    "teammember": _("Team member"),
    "serviceorder": _("Service order"),
    "redemption": _("Reward redemption"),
    "pointstable": _("Points table"),
    "indexweights": _("Index weights"),
    "team": _("Volunteer team"),
    "reward": _("Reward"),
    "congress": _("Workers' congress"),
    "term": _("Congress term"),
    "session": _("Congress session"),
    "representative": _("Representative"),
    "department": _("Department"),
    "logentry": _("Work log entry"),
    "proposal": _("Proposal"),
    "demandcount": _("Demand"),
    "candidatesite": _("Candidate site"),
}

# What each audit action is called in the console; an unknown code shows as is.
AUDIT_ACTIONS = {
    "venue.create": _("Venue created"),
    "demand.upload": _("Demand uploaded"),
    "candidate.add": _("Candidate site added"),
    "candidate.remove": _("Candidate site removed"),
    "venue.update": _("Venue edited"),
    "venue.suspend": _("Venue suspended"),
    "venue.reactivate": _("Venue reactivated"),
    "venue.add_manager": _("Manager assigned"),
    "venue.remove_manager": _("Manager unassigned"),
    "organization.create": _("Organisation created"),
    "organization.update": _("Organisation edited"),
    "organization.add_admin": _("Organisation admin named"),
    "organization.remove_admin": _("Organisation admin removed"),
    "venue.hours": _("Opening hours changed"),
    "closure.add": _("Closure added"),
    "closure.delete": _("Closure removed"),
    "holiday.add": _("Public holiday added"),
    "holiday.delete": _("Public holiday removed"),
    "space.add": _("Space added"),
    "space.update": _("Space edited"),
    "space.deactivate": _("Space closed for booking"),
    "photo.add": _("Photo added"),
    "photo.move": _("Photo moved"),
    "photo.caption": _("Photo caption changed"),
    "photo.delete": _("Photo removed"),
    "user.create": _("Account created"),
    "user.deactivate": _("Account deactivated"),
    "user.make_admin": _("Made a system admin"),
    "index.weights": _("Index weights changed"),
    "space.rules": _("Booking rules changed"),
    "review.hide": _("Review hidden"),
    "review.unhide": _("Review shown again"),
    "notice.create": _("Notice published"),
    "notice.update": _("Notice edited"),
    "notice.delete": _("Notice deleted"),
    "series.create": _("Activity series created"),
    "activity.create": _("Activity created"),
    "activity.update": _("Activity edited"),
    "activity.cancel": _("Activity cancelled"),
    # The staff's decisions and the users' own steps, through qunxian.workflow.
    "booking.approve": _("Booking approved"),
    "booking.reject": _("Booking rejected"),
    "booking.cancel": _("Booking cancelled"),
    "booking.check_in": _("Booking checked in"),
    "booking.no_show": _("Booking marked as a no-show"),
    "appeal.accept": _("Feedback accepted"),
    "appeal.resolve": _("Feedback resolved"),
    "appeal.close": _("Feedback closed"),
    "appeal.confirm": _("Feedback confirmed by its submitter"),
    "appeal.reopen": _("Feedback reopened by its submitter"),
    "appeal.close_dissatisfied": _("Feedback closed: its submitter was not satisfied"),
    "signup.cancel": _("Sign-up cancelled"),
    "signup.check_in": _("Sign-up checked in"),
    "delivery.resend": _("Failed message sent again"),
    "membershipapplication.approve": _("Membership application approved"),
    "membershipapplication.reject": _("Membership application rejected"),
    "membershipapplication.request_info": _("More information asked of an applicant"),
    "membershipapplication.answer": _("Applicant answered"),
    "membershipapplication.withdraw": _("Membership application withdrawn"),
    "membershipapplication.follow": _("Follower of a membership application named"),
    "membership.renew": _("Membership renewed"),
    "membership.transfer": _("Membership transferred"),
    "membership.leave": _("Member left the union"),
    "membership.revoke": _("Membership revoked"),
    "fasttracklist.import": _("Fast-track list uploaded"),
    "helprequest.accept": _("Help request accepted"),
    "helprequest.handle": _("Help request handled"),
    "helprequest.close": _("Help request closed"),
    "helprequest.confirm": _("Help request confirmed by its reporter"),
    "teammember.request": _("Asked to join a team"),
    "teammember.accept": _("Taken into a team"),
    "teammember.decline": _("Not taken into a team"),
    "teammember.leave": _("Left a team"),
    "teammember.remove": _("Removed from a team"),
    "team.create": _("Volunteer team created"),
    "team.update": _("Volunteer team edited"),
    "team.add_leader": _("Team leader named"),
    "team.remove_leader": _("Team leader stepped down"),
    "team.deactivate": _("Volunteer team deactivated"),
    "reward.create": _("Reward created"),
    "reward.update": _("Reward edited"),
    "reward.stock": _("Reward stock adjusted"),
    "reward.deactivate": _("Reward taken off the catalogue"),
    "serviceorder.create": _("Service ordered"),
    "serviceorder.accept": _("Service order taken by a team"),
    "serviceorder.assign": _("Members sent to a service order"),
    "serviceorder.complete": _("Service order done"),
    "serviceorder.confirm": _("Service order confirmed"),
    "serviceorder.cancel": _("Service order cancelled"),
    "serviceorder.dispute": _("Points of a service order reversed"),
    "points.adjust": _("Points adjusted"),
    "pointstable.create": _("Points table changed"),
    "redemption.create": _("Reward redeemed"),
    "redemption.pick_up": _("Reward picked up"),
    "redemption.cancel": _("Reward redemption cancelled"),
    "teamactivity.create": _("Activity given to a volunteer team"),
    "teamactivity.hours": _("Volunteer hours posted for an activity"),
    "congress.create": _("Workers' congress created"),
    "congress.add_staff": _("Named to a congress's staff"),
    "congress.add_committee": _("Named to a proposal committee"),
    "term.create": _("Congress term added"),
    "session.create": _("Congress session added"),
    "session.close": _("Session closed with its honours"),
    "representative.name": _("Representative named"),
    "department.create": _("Department added"),
    "logentry.create": _("Work log entry written"),
    "logentry.send": _("Suggestion sent to a representative"),
    "proposal.create": _("Proposal drafted"),
    "proposal.cosign": _("Proposal co-signed"),
    "proposal.submit": _("Proposal submitted"),
    "proposal.decide": _("Committee decision taken"),
    "proposal.publish_registered": _("Proposal registered (立案)"),
    "proposal.publish_merged": _("Proposal merged"),
    "proposal.publish_opinion": _("Proposal turned into an opinion"),
    "proposal.publish_not_accepted": _("Proposal not accepted"),
    "proposal.assign": _("Proposal assigned to a department"),
    "proposal.send_back": _("Proposal sent back by its department"),
    "proposal.extend": _("Proposal deadline extended"),
    "proposal.answer": _("Proposal answered"),
    "proposal.rate": _("Answer rated"),
    "proposal.reopen": _("Proposal sent back for a second answer"),
    "proposal.close": _("Proposal closed"),
}


class AuditEntry(models.Model):
    """Who did what in the admin ends; written by services, never edited."""

    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=60)
    subject_type = models.CharField(_("subject type"), max_length=40)
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    subject_label = models.CharField(_("subject"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return f"{self.action} {self.subject_label}"

    @property
    def action_label(self):
        return AUDIT_ACTIONS.get(self.action, self.action)

    @property
    def subject_type_label(self):
        return AUDIT_SUBJECTS.get(self.subject_type, self.subject_type)


class Event(models.Model):
    """One transition of an object with states: who, when, from what to what, why.

    An app's event table derives from this and adds its foreign key to the
    object (`related_name="events"`) and `states`, the object's TextChoices;
    `qunxian.workflow` writes the rows.
    """

    states: type[models.TextChoices]

    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_state or '·'} → {self.to_state}"

    def _label(self, value: str) -> str:
        return dict(self.states.choices).get(value, value)

    # Named as Django names them for a field with choices, which these are not:
    # the choices are the object's, and differ by table.
    def get_from_state_display(self) -> str:
        return self._label(self.from_state)

    def get_to_state_display(self) -> str:
        return self._label(self.to_state)


class NotificationKind(models.TextChoices):
    """What a message is about; each user chooses its channels per kind."""

    BOOKING = "booking", _("Booking updates")
    REMINDER = "reminder", _("Reminders")
    FEEDBACK = "feedback", _("Replies to my feedback and reviews")
    ACTIVITY = "activity", _("Activity news")
    MEMBERSHIP = "membership", _("My union membership")
    VOLUNTEERING = "volunteer", _("Help requests, service orders and points")
    PROPOSAL = "proposal", _("Suggestions and proposals")
    # For venue managers and admins: what waits for them to act on.
    ALERT = "alert", _("New requests and feedback to handle")
    DIGEST = "digest", _("Daily digest")


class Channel(models.TextChoices):
    """Where a message goes besides the inbox, which always has it."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class ReminderTime(models.TextChoices):
    EVENING = "evening", _("The evening before, at 18:00")
    HOUR = "hour", _("An hour before")


class NotificationPrefs:
    """A user's choices, read from `User.notification_prefs`.

    {"channels": {kind: [channel, ...]}, "reminders": [time, ...],
    "digest": bool}. A kind never chosen goes by e-mail, as every message did
    before the choice existed; text messages only ever go to who opted in. A
    manager's digest gathers their alerts into one message a day, on the
    channels chosen for alerts.
    """

    def __init__(self, data: dict | None):
        self.data = data or {}

    def channels(self, kind: str) -> list[str]:
        if kind == NotificationKind.DIGEST:
            kind = NotificationKind.ALERT
        chosen = self.data.get("channels", {}).get(kind)
        if chosen is None:
            return [Channel.EMAIL]
        return [channel for channel in chosen if channel in Channel.values]

    @property
    def reminders(self) -> list[str]:
        chosen = self.data.get("reminders")
        if chosen is None:
            return list(ReminderTime.values)
        return [time for time in chosen if time in ReminderTime.values]

    @property
    def digest(self) -> bool:
        return bool(self.data.get("digest", False))

    @staticmethod
    def build(*, channels: dict[str, list[str]], reminders, digest: bool) -> dict:
        return {
            "channels": {kind: sorted(chosen) for kind, chosen in channels.items()},
            "reminders": sorted(reminders),
            "digest": digest,
        }


class Notification(models.Model):
    """A message in a user's inbox (消息), and on the channels they chose.

    The text is kept as its English msgids (`msgid` the title, `body_msgids`
    the sentences of the body) with their `params`, and is rendered when read
    or sent, in the reader's language; `note` is a person's own words (a
    reason, a reply), shown as written. `title` and `body` are the text in the
    district's language when it was made (the only text of older messages).
    `key`, when set, makes the message once-only for its user: a reminder or
    an alert that a periodic job may meet again.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("message"), blank=True)
    msgid = models.CharField(max_length=200, blank=True)
    body_msgids = models.JSONField(default=list, blank=True)
    params = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "kind", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~Q(key=""),
                name="notification_once_per_key",
            ),
        ]

    def __str__(self):
        return self.title

    def render(self) -> tuple[str, str]:
        """Title and body in the active language."""
        if not self.msgid:
            return self.title, self.body
        title = translation.gettext(self.msgid) % self.params
        parts = [translation.gettext(msgid) % self.params for msgid in self.body_msgids]
        if self.note:
            parts.append(self.note)
        return title, " ".join(parts)

    @property
    def display_title(self) -> str:
        return self.render()[0]

    @property
    def display_body(self) -> str:
        return self.render()[1]


def absolute_url(path: str) -> str:
    """A link that works outside the site, in a mail client: from SITE_URL."""
    if not path or "://" in path:
        return path
    return settings.SITE_URL.rstrip("/") + path


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(state=Delivery.State.QUEUED, next_attempt_at__lte=now)

    def failed(self):
        return self.filter(state=Delivery.State.FAILED)


class Delivery(models.Model):
    """One notification on one channel: sent by a task, retried until it goes.

    A task claims the row by moving `next_attempt_at` a lease ahead, sends,
    then records the outcome; a failure waits longer each time and after
    DELIVERY_MAX_ATTEMPTS becomes failed, for the console to resend. A row
    whose task was lost (a worker that died, a queue that restarted) is due
    again after its lease, and the periodic sweep queues it anew.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The last task queued for it, to tell a waiting task from a lost one.
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_per_channel"
            ),
        ]

    def __str__(self):
        return f"{self.notification_id}/{self.channel}: {self.state}"
