"""职工代表: a union's workers' congress, its representatives and their proposals.

A union organisation (the district union, or an enterprise union) holds a
workers' congress (职代会). The congress elects representatives for a term
(届) and meets in sessions (次会议); proposals (提案) are raised to a session.
Its staff (工会工作人员) run it, its proposal committee (提案委员会) decides on
proposals and the departments (承办部门) answer them, each through the people
named on it: scoping is by these relations, not by a global role.
"""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunxian.models import Event
from venues.models import Organization


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day if it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class Congress(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="congresses",
        limit_choices_to={"kind": Organization.Kind.UNION},
        verbose_name=_("union"),
    )
    name = models.CharField(_("name"), max_length=100)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="congresses_staffed",
        blank=True,
        verbose_name=_("union staff"),
    )
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="proposal_committees",
        blank=True,
        verbose_name=_("proposal committee"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("workers' congress")
        verbose_name_plural = _("workers' congresses")

    def __str__(self):
        return self.name


class Term(models.Model):
    """届: the representatives are elected for one term."""

    congress = models.ForeignKey(
        Congress, on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("term"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))

    class Meta:
        ordering = ["congress", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="term_once"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="term_ends_after"
            ),
        ]

    def __str__(self):
        return _("%(congress)s, term %(number)s") % {
            "congress": self.congress,
            "number": self.number,
        }


class Session(models.Model):
    """次会议: one meeting of a term's congress; proposals are raised to it.

    Closing it is the end of the session: the committee's honours (优秀提案,
    优秀职工代表) are given then and shown on the union's page.
    """

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session"))
    held_on = models.DateField(_("held on"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    excellent_representatives = models.ManyToManyField(
        "Representative",
        related_name="honours",
        blank=True,
        verbose_name=_("excellent representatives"),
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_once"),
        ]

    def __str__(self):
        return _("%(term)s, session %(number)s") % {
            "term": self.term,
            "number": self.number,
        }


class RepresentativeQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)

    def current(self, today=None):
        """Of the terms under way today."""
        today = today or timezone.localdate()
        return self.filter(term__starts_on__lte=today, term__ends_on__gte=today)


class Representative(models.Model):
    """A worker elected for a term; covers teams (班组) or a constituency."""

    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="representatives"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="representative_terms",
    )
    constituency = models.CharField(_("teams or constituency"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        ordering = ["term", "user__display_name", "id"]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "user"], name="representative_once_per_term"
            ),
        ]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("representatives:representative", args=[self.pk])


class Department(models.Model):
    """承办部门: answers the proposals assigned to it, through its contacts."""

    congress = models.ForeignKey(
        Congress, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="proposal_departments",
        verbose_name=_("contacts"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "name"], name="department_name_once"
            ),
        ]

    def __str__(self):
        return self.name


class Category(models.TextChoices):
    PAY = "pay", _("Pay and benefits")
    SAFETY = "safety", _("Safety")
    TRAINING = "training", _("Training")
    WELFARE = "welfare", _("Welfare")
    CANTEEN = "canteen", _("Canteen")
    ACTIVITIES = "activities", _("Activities")
    OTHER = "other", _("Other")


class LogEntry(models.Model):
    """工作日志: a worker's suggestion or worry, as a representative heard it.

    Private to the representative and the union's staff; a worker who sent it
    from the user end (`worker`) sees their own, and the proposals it fed. A
    talk is recorded with the worker's name, or anonymously (no name).
    """

    class Urgency(models.TextChoices):
        LOW = "low", _("Can wait")
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Source(models.TextChoices):
        TALK = "talk", _("A talk with the representative")
        SENT = "sent", _("Sent by the worker")

    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="log_entries"
    )
    source = models.CharField(max_length=4, choices=Source.choices, default=Source.TALK)
    talked_on = models.DateField(_("date"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    worker_name = models.CharField(
        _("worker"),
        max_length=40,
        blank=True,
        help_text=_("Leave empty if the worker wants to stay anonymous."),
    )
    text = models.TextField(_("suggestion or problem"), max_length=2000)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    urgency = models.CharField(
        _("urgency"), max_length=6, choices=Urgency.choices, default=Urgency.NORMAL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-talked_on", "-id"]
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log entries")

    def __str__(self):
        return _("Log entry #%(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("representatives:entry", args=[self.pk])


class ProposalQuerySet(models.QuerySet):
    def received(self):
        """Submitted to the committee, whatever became of them since."""
        return self.exclude(state=Proposal.State.DRAFT)

    def valid(self):
        """立案: accepted by the committee and published."""
        return self.filter(state__in=Proposal.VALID)


class Proposal(models.Model):
    """提案: a representative's proposal to a session, from their log entries.

    draft → submitted, once at least PROPOSAL_MIN_COSIGNERS representatives
    confirmed their 附议. The committee decides (decided; it may change its
    decision until it publishes it), then publishes it: registered (立案),
    merged into a similar one, turned into an opinion (转为意见建议) or not
    accepted, with a reason. A registered proposal is assigned to a department
    with a deadline (assigned); within PROPOSAL_SEND_BACK_DAYS the department
    may send it back as not its own (registered again); it may take one
    extension; it answers by the deadline (answered). The proposer's rating
    decides what follows (the co-signers' are counted in the figures): "not
    satisfied" sends it back for a second answer once (assigned, round 2);
    otherwise it is closed (办结). The outcome grade is kept apart.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        DECIDED = "decided", _("Decided, not yet published")
        REGISTERED = "registered", _("Registered (立案)")
        MERGED = "merged", _("Merged with a similar proposal")
        OPINION = "opinion", _("Turned into an opinion")
        NOT_ACCEPTED = "rejected", _("Not accepted")
        ASSIGNED = "assigned", _("With a department")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Decision(models.TextChoices):
        REGISTER = "register", _("Accept (立案)")
        MERGE = "merge", _("Merge with a similar proposal")
        OPINION = "opinion", _("Turn into an opinion")
        NOT_ACCEPTED = "reject", _("Not accept")

    class Outcome(models.TextChoices):
        IMPLEMENTED = "implemented", _("Implemented")
        PARTLY = "partly", _("Partly implemented")
        PLANNED = "planned", _("Planned")
        EXPLAINED = "explained", _("Explained")

    VALID = (State.REGISTERED, State.ASSIGNED, State.ANSWERED, State.CLOSED)
    #: What the published decision makes of it.
    PUBLISHED = {
        Decision.REGISTER: "publish_registered",
        Decision.MERGE: "publish_merged",
        Decision.OPINION: "publish_opinion",
        Decision.NOT_ACCEPTED: "publish_not_accepted",
    }

    TRANSITIONS = {
        "submit": ((State.DRAFT,), State.SUBMITTED),
        "decide": ((State.SUBMITTED, State.DECIDED), State.DECIDED),
        "publish_registered": ((State.DECIDED,), State.REGISTERED),
        "publish_merged": ((State.DECIDED,), State.MERGED),
        "publish_opinion": ((State.DECIDED,), State.OPINION),
        "publish_not_accepted": ((State.DECIDED,), State.NOT_ACCEPTED),
        "assign": ((State.REGISTERED,), State.ASSIGNED),
        "send_back": ((State.ASSIGNED,), State.REGISTERED),
        "extend": ((State.ASSIGNED,), State.ASSIGNED),
        "answer": ((State.ASSIGNED,), State.ANSWERED),
        "reopen": ((State.ANSWERED,), State.ASSIGNED),
        "close": ((State.ANSWERED,), State.CLOSED),
    }

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="proposals"
    )
    proposer = models.ForeignKey(
        Representative, on_delete=models.PROTECT, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=120)
    reason = models.TextField(_("reason (案由)"), max_length=3000)
    measures = models.TextField(_("suggested measures"), max_length=3000)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    entries = models.ManyToManyField(
        LogEntry, related_name="proposals", verbose_name=_("log entries")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    decision = models.CharField(
        _("decision"), max_length=8, choices=Decision.choices, blank=True
    )
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("department"),
    )
    assigned_on = models.DateField(null=True, blank=True)
    answer_due = models.DateField(_("answer by"), null=True, blank=True)
    extended = models.BooleanField(default=False)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Whether every answer so far came by its deadline: the session's figure.
    answered_on_time = models.BooleanField(null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    #: 1 for the first answer, 2 for the second, after a "not satisfied".
    round = models.PositiveSmallIntegerField(default=1)
    is_excellent = models.BooleanField(_("excellent proposal"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["session", "state"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("representatives:proposal", args=[self.pk])


class ProposalEvent(Event):
    states = Proposal.State

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="events"
    )


class Cosigner(models.Model):
    """附议: a representative of the same term invited to co-sign; counts once
    they confirm."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="cosigners"
    )
    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="cosigned"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "representative"], name="cosigner_once"
            ),
        ]

    def __str__(self):
        return f"{self.representative} → {self.proposal_id}"


class Rating(models.Model):
    """The proposer's or a co-signer's verdict on one answer; one each per round."""

    class Verdict(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        NOT = "not", _("Not satisfied")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="ratings"
    )
    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="ratings"
    )
    round = models.PositiveSmallIntegerField()
    verdict = models.CharField(_("rating"), max_length=10, choices=Verdict.choices)
    note = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "representative", "round"],
                name="rating_once_per_round",
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id}/{self.round}: {self.verdict}"
