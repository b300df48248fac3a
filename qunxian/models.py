from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
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

    REQUIRED_FIELDS = ["phone"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    def get_short_name(self):
        return str(self)


# What each kind of audited thing (`AuditEntry.subject_type`, the model's
# name) is called in the console; an unknown one shows as is.
AUDIT_SUBJECTS = {
    "user": _("Account"),
    "organization": _("Organisation"),
    "venue": _("Venue"),
    "space": _("Space"),
    "closure": _("Closure"),
    "venuephoto": _("Photo"),
    "booking": _("Booking"),
    "review": _("Review"),
    "appeal": _("Feedback"),
    "series": _("Activity series"),
    # "Activity" alone is the index's 活跃度.
    "activity": pgettext_lazy("audit subject", "Activity"),
    "signup": _("Sign-up"),
    "notice": _("Notice"),
}

# What each audit action is called in the console; an unknown code shows as is.
AUDIT_ACTIONS = {
    "venue.create": _("Venue created"),
    "venue.update": _("Venue edited"),
    "venue.suspend": _("Venue suspended"),
    "venue.reactivate": _("Venue reactivated"),
    "venue.add_manager": _("Manager assigned"),
    "venue.remove_manager": _("Manager unassigned"),
    "organization.create": _("Organisation created"),
    "organization.update": _("Organisation edited"),
    "venue.hours": _("Opening hours changed"),
    "closure.add": _("Closure added"),
    "closure.delete": _("Closure removed"),
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


class Notification(models.Model):
    """A message in a user's inbox (消息); also e-mailed when they have an address."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title
