"""The steps of a congress's work: naming, the work log, proposals and honours.

Every step re-checks who may take it (`permissions`), refuses bad input with a
translated `Refused` before anything is written, is audited, and tells the
people it concerns (NotificationKind.PROPOSAL).
"""

import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qunxian.models import NotificationKind, User
from qunxian.roles import is_system_admin
from qunxian.services import audit_record, notify
from qunxian.workflow import Refused, record_event, transition
from representatives.models import (
    Congress,
    Cosigner,
    Department,
    LogEntry,
    Proposal,
    Rating,
    Representative,
    Session,
    Term,
    add_months,
)
from representatives.permissions import check_office, is_office
from venues.models import Organization

State = Proposal.State


def _tell(users: Iterable[User], **message) -> None:
    for user in {user.pk: user for user in users}.values():
        notify(user=user, kind=NotificationKind.PROPOSAL, **message)


# Naming: congresses, terms, sessions, representatives, departments, staff


@transaction.atomic
def congress_create(*, organization: Organization, actor: User, name: str) -> Congress:
    if not is_system_admin(actor):
        raise Refused(_("Only a system admin can do this."), code="out_of_scope")
    if organization.kind != Organization.Kind.UNION:
        raise Refused(_("A workers' congress belongs to a union."), code="kind")
    if not name.strip():
        raise Refused(_("Give the congress a name."), code="empty")
    congress = Congress.objects.create(organization=organization, name=name.strip())
    audit_record(actor=actor, action="congress.create", subject=congress)
    return congress


@transaction.atomic
def term_create(
    *,
    congress: Congress,
    actor: User,
    number: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Term:
    check_office(actor, congress)
    if ends_on <= starts_on:
        raise Refused(_("A term must end after it starts."), code="dates")
    if congress.terms.filter(number=number).exists():
        raise Refused(_("This congress already has that term."), code="duplicate")
    term = Term.objects.create(
        congress=congress, number=number, starts_on=starts_on, ends_on=ends_on
    )
    audit_record(actor=actor, action="term.create", subject=term)
    return term


@transaction.atomic
def session_create(
    *, term: Term, actor: User, number: int, held_on: datetime.date
) -> Session:
    check_office(actor, term.congress)
    if term.sessions.filter(number=number).exists():
        raise Refused(_("This term already has that session."), code="duplicate")
    session = Session.objects.create(term=term, number=number, held_on=held_on)
    audit_record(actor=actor, action="session.create", subject=session)
    return session


@transaction.atomic
def representative_name(
    *, term: Term, actor: User, user: User, constituency: str
) -> Representative:
    check_office(actor, term.congress)
    if not constituency.strip():
        raise Refused(_("Say which teams or constituency they cover."), code="empty")
    if term.representatives.filter(user=user).exists():
        raise Refused(
            _("%(name)s is already a representative of this term.") % {"name": user},
            code="duplicate",
        )
    representative = Representative.objects.create(
        term=term, user=user, constituency=constituency.strip()
    )
    audit_record(
        actor=actor,
        action="representative.name",
        subject=representative,
        details=f"{term}: {representative.constituency}",
    )
    notify(
        user=user,
        kind=NotificationKind.PROPOSAL,
        title=gettext_noop("You are a workers' representative of %(term)s"),
        body=[gettext_noop("Keep your work log and raise proposals from it here.")],
        params={"term": str(term)},
        url=reverse("representatives:home"),
    )
    return representative


@transaction.atomic
def department_create(
    *, congress: Congress, actor: User, name: str, contacts: Sequence[User]
) -> Department:
    check_office(actor, congress)
    if not name.strip() or not contacts:
        raise Refused(
            _("A department needs a name and at least one contact."), code="empty"
        )
    if congress.departments.filter(name=name.strip()).exists():
        raise Refused(_("This congress already has that department."), code="dup")
    department = Department.objects.create(congress=congress, name=name.strip())
    department.contacts.set(contacts)
    audit_record(actor=actor, action="department.create", subject=department)
    return department


@transaction.atomic
def congress_add_member(
    *, congress: Congress, actor: User, user: User, committee: bool
) -> None:
    """Names `user` to the congress's staff, or to its proposal committee."""
    check_office(actor, congress)
    (congress.committee if committee else congress.staff).add(user)
    audit_record(
        actor=actor,
        action="congress.add_committee" if committee else "congress.add_staff",
        subject=congress,
        details=str(user),
    )


# The work log


def _own(representative: Representative, actor: User) -> None:
    if representative.user_id != actor.pk:
        raise Refused(
            _("Only the representative can do this in their own name."),
            code="not_owner",
        )


@transaction.atomic
def log_entry_create(
    *,
    representative: Representative,
    actor: User,
    talked_on: datetime.date,
    worker_name: str,
    text: str,
    category: str,
    urgency: str,
) -> LogEntry:
    _own(representative, actor)
    if not text.strip():
        raise Refused(_("Write down what the worker said."), code="empty")
    entry = LogEntry.objects.create(
        representative=representative,
        talked_on=talked_on,
        worker_name=worker_name.strip(),
        text=text.strip(),
        category=category,
        urgency=urgency,
    )
    audit_record(actor=actor, action="logentry.create", subject=entry)
    return entry


@transaction.atomic
def suggestion_send(
    *, worker: User, representative: Representative, text: str, category: str
) -> LogEntry:
    """A worker's suggestion straight into their representative's log."""
    if not text.strip():
        raise Refused(_("Write your suggestion."), code="empty")
    if not Representative.objects.current().filter(pk=representative.pk).exists():
        raise Refused(_("Choose one of the current representatives."), code="stale")
    entry = LogEntry.objects.create(
        representative=representative,
        source=LogEntry.Source.SENT,
        talked_on=timezone.localdate(),
        worker=worker,
        worker_name=str(worker),
        text=text.strip(),
        category=category,
    )
    audit_record(actor=worker, action="logentry.send", subject=entry)
    notify(
        user=representative.user,
        kind=NotificationKind.PROPOSAL,
        title=gettext_noop("%(worker)s sent you a suggestion"),
        params={"worker": str(worker)},
        note=entry.text[:200],
        url=entry.get_absolute_url(),
    )
    return entry


# Proposals


def _people_told(proposal: Proposal) -> list[User]:
    """Who hears of each published step: the proposer, the co-signers, and the
    workers whose suggestions fed it."""
    users = [proposal.proposer.user]
    users += [
        cosigner.representative.user
        for cosigner in proposal.cosigners.select_related("representative__user")
    ]
    return users + _fed_workers(proposal)


def _fed_workers(proposal: Proposal) -> list[User]:
    return list(
        User.objects.filter(suggestions__proposals=proposal, is_active=True).distinct()
    )


def _office(proposal: Proposal) -> list[User]:
    congress = proposal.session.term.congress
    return [*congress.staff.all(), *congress.committee.all()]


def _step_message(proposal: Proposal, title: str, **extra) -> dict:
    return {
        "title": title,
        "params": {"title": proposal.title, **extra.pop("params", {})},
        "url": proposal.get_absolute_url(),
        **extra,
    }


@transaction.atomic
def proposal_create(
    *,
    proposer: Representative,
    actor: User,
    session: Session,
    title: str,
    reason: str,
    measures: str,
    category: str,
    entries: Sequence[LogEntry],
    cosigners: Sequence[Representative],
) -> Proposal:
    """A draft from the proposer's own log entries; the co-signers are invited."""
    _own(proposer, actor)
    if not entries:
        raise Refused(
            _("A proposal is raised from at least one entry of your work log."),
            code="no_entries",
        )
    if any(entry.representative_id != proposer.pk for entry in entries):
        raise Refused(_("Only entries of your own work log."), code="not_own_entry")
    if session.term_id != proposer.term_id or session.closed_at is not None:
        raise Refused(_("Choose an open session of your term."), code="session")
    if any(c.term_id != proposer.term_id or c.pk == proposer.pk for c in cosigners):
        raise Refused(
            _("Co-signers are other representatives of the same term."),
            code="cosigner",
        )
    if not (title.strip() and reason.strip() and measures.strip()):
        raise Refused(_("Give a title, the reason and the measures."), code="empty")
    proposal = Proposal.objects.create(
        session=session,
        proposer=proposer,
        title=title.strip(),
        reason=reason.strip(),
        measures=measures.strip(),
        category=category,
    )
    proposal.entries.set(entries)
    Cosigner.objects.bulk_create(
        Cosigner(proposal=proposal, representative=c) for c in cosigners
    )
    record_event(proposal, actor=actor, to_state=proposal.state)
    audit_record(actor=actor, action="proposal.create", subject=proposal)
    _tell(
        (c.user for c in cosigners),
        **_step_message(
            proposal,
            gettext_noop("%(proposer)s asks you to co-sign “%(title)s”"),
            params={"proposer": str(proposer)},
        ),
    )
    return proposal


@transaction.atomic
def cosigner_confirm(*, proposal: Proposal, actor: User) -> Cosigner:
    # Lock the proposal: a confirmation must not slip past its submission.
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    cosigner = proposal.cosigners.filter(representative__user=actor).first()
    if cosigner is None:
        raise Refused(_("You were not asked to co-sign this."), code="not_invited")
    if proposal.state != State.DRAFT:
        raise Refused(_("It was submitted already."), code="wrong_state")
    if cosigner.confirmed_at is not None:
        raise Refused(_("You co-signed it already."), code="duplicate")
    cosigner.confirmed_at = timezone.now()
    cosigner.save(update_fields=["confirmed_at"])
    audit_record(actor=actor, action="proposal.cosign", subject=proposal)
    _tell(
        [proposal.proposer.user],
        **_step_message(
            proposal,
            gettext_noop("%(name)s co-signed “%(title)s”"),
            params={"name": str(actor)},
        ),
    )
    return cosigner


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor: User) -> Proposal:
    _own(proposal.proposer, actor)
    needed = settings.PROPOSAL_MIN_COSIGNERS

    def enough_cosigners(locked: Proposal) -> None:
        confirmed = locked.cosigners.filter(confirmed_at__isnull=False).count()
        if confirmed < needed:
            raise Refused(
                _(
                    "It needs at least %(needed)s co-signers who confirmed; "
                    "%(confirmed)s have."
                )
                % {"needed": needed, "confirmed": confirmed},
                code="cosigners",
            )

    proposal = transition(
        proposal,
        "submit",
        actor=actor,
        check=enough_cosigners,
        fields={"submitted_at": timezone.now()},
    )
    _tell(
        _office(proposal),
        **_step_message(proposal, gettext_noop("A new proposal: “%(title)s”")),
    )
    _tell(
        _fed_workers(proposal),
        **_step_message(
            proposal,
            gettext_noop("Your suggestion was raised in the proposal “%(title)s”"),
        ),
    )
    return proposal


@transaction.atomic
def proposal_decide(
    *,
    proposal: Proposal,
    actor: User,
    decision: str,
    reason: str,
    merged_into: Proposal | None = None,
) -> Proposal:
    """The committee's decision, not published yet: it may still change it."""
    check_office(actor, proposal.session.term.congress)
    Decision = Proposal.Decision
    if decision not in Decision.values:
        raise Refused(_("Choose a decision."), code="decision")
    if decision != Decision.REGISTER and not reason.strip():
        raise Refused(_("Give the reason for this decision."), code="reason")
    if decision == Decision.MERGE:
        if (
            merged_into is None
            or merged_into.pk == proposal.pk
            or merged_into.session_id != proposal.session_id
            or merged_into.state == State.DRAFT
        ):
            raise Refused(
                _("Choose the proposal of the same session it is merged into."),
                code="merged_into",
            )
    else:
        merged_into = None
    return transition(
        proposal,
        "decide",
        actor=actor,
        reason=reason.strip(),
        fields={
            "decision": decision,
            "decision_reason": reason.strip(),
            "merged_into": merged_into,
        },
    )


PUBLISHED_TITLES = {
    State.REGISTERED: gettext_noop("Your proposal “%(title)s” was registered (立案)"),
    State.MERGED: gettext_noop("Your proposal “%(title)s” was merged with another"),
    State.OPINION: gettext_noop("Your proposal “%(title)s” became an opinion"),
    State.NOT_ACCEPTED: gettext_noop("Your proposal “%(title)s” was not accepted"),
}


@transaction.atomic
def proposal_publish(*, proposal: Proposal, actor: User) -> Proposal:
    check_office(actor, proposal.session.term.congress)
    action = Proposal.PUBLISHED.get(proposal.decision, "publish_registered")
    proposal = transition(
        proposal,
        action,
        actor=actor,
        reason=proposal.decision_reason,
        fields={"published_at": timezone.now()},
    )
    _tell(
        _people_told(proposal),
        note=proposal.decision_reason,
        **_step_message(proposal, PUBLISHED_TITLES[proposal.state]),
    )
    return proposal


@transaction.atomic
def proposal_assign(
    *, proposal: Proposal, actor: User, department: Department
) -> Proposal:
    congress = proposal.session.term.congress
    check_office(actor, congress)
    if department.congress_id != congress.pk:
        raise Refused(_("Choose one of this congress's departments."), code="dept")
    today = timezone.localdate()
    proposal = transition(
        proposal,
        "assign",
        actor=actor,
        reason=department.name,
        fields={
            "department": department,
            "assigned_on": today,
            "answer_due": add_months(today, settings.PROPOSAL_ANSWER_MONTHS),
            "extended": False,
        },
    )
    _tell(
        department.contacts.filter(is_active=True),
        **_step_message(
            proposal,
            gettext_noop("A proposal for %(department)s to answer by %(due)s"),
            params={"department": department.name, "due": str(proposal.answer_due)},
        ),
    )
    return proposal


def _check_contact(proposal: Proposal, actor: User) -> None:
    if (
        proposal.department_id is None
        or not proposal.department.contacts.filter(pk=actor.pk).exists()
    ):
        raise Refused(
            _("Only the contacts of the department it is assigned to can do this."),
            code="out_of_scope",
        )


@transaction.atomic
def proposal_send_back(*, proposal: Proposal, actor: User, reason: str) -> Proposal:
    """The department says it is not its own, within its days to say so."""
    _check_contact(proposal, actor)
    if not reason.strip():
        raise Refused(_("Say why it is not for your department."), code="reason")
    days = settings.PROPOSAL_SEND_BACK_DAYS

    def in_time(locked: Proposal) -> None:
        last = locked.assigned_on + datetime.timedelta(days=days)
        if locked.round > 1 or timezone.localdate() > last:
            raise Refused(
                _("A department can send a proposal back only within %(days)s days.")
                % {"days": days},
                code="too_late",
            )

    department = proposal.department
    proposal = transition(
        proposal,
        "send_back",
        actor=actor,
        reason=reason.strip(),
        check=in_time,
        fields={"department": None, "assigned_on": None, "answer_due": None},
    )
    _tell(
        _office(proposal),
        note=reason.strip(),
        **_step_message(
            proposal,
            gettext_noop("%(department)s sent back “%(title)s”"),
            params={"department": department.name},
        ),
    )
    return proposal


@transaction.atomic
def proposal_extend(*, proposal: Proposal, actor: User, reason: str) -> Proposal:
    """The one extension of the deadline: the department takes it, or the
    office grants it (also once the deadline has passed)."""
    if not is_office(actor, proposal.session.term.congress):
        _check_contact(proposal, actor)
    if not reason.strip():
        raise Refused(_("Say why you need more time."), code="reason")

    def once(locked: Proposal) -> None:
        if locked.extended:
            raise Refused(_("The deadline was extended once already."), code="once")

    proposal = transition(
        proposal,
        "extend",
        actor=actor,
        reason=reason.strip(),
        check=once,
        fields={
            "extended": True,
            # None when it is with no department: the transition refuses then.
            "answer_due": proposal.answer_due
            and add_months(proposal.answer_due, settings.PROPOSAL_EXTENSION_MONTHS),
        },
    )
    _tell(
        [*_people_told(proposal), *_office(proposal)],
        note=reason.strip(),
        **_step_message(
            proposal,
            gettext_noop("The answer to “%(title)s” is now due by %(due)s"),
            params={"due": str(proposal.answer_due)},
        ),
    )
    return proposal


@transaction.atomic
def proposal_answer(
    *, proposal: Proposal, actor: User, answer: str, outcome: str
) -> Proposal:
    _check_contact(proposal, actor)
    if not answer.strip():
        raise Refused(_("Write the answer."), code="empty")
    if outcome not in Proposal.Outcome.values:
        raise Refused(_("Choose the outcome."), code="outcome")
    today = timezone.localdate()

    def by_deadline(locked: Proposal) -> None:
        if today > locked.answer_due:
            raise Refused(
                _(
                    "The deadline was %(due)s: it can no longer be answered here. "
                    "Ask the union's staff."
                )
                % {"due": locked.answer_due},
                code="late",
            )

    proposal = transition(
        proposal,
        "answer",
        actor=actor,
        reason=answer.strip(),
        check=by_deadline,
        fields={
            "answer": answer.strip(),
            "outcome": outcome,
            "answered_at": timezone.now(),
            # On time: the first answer, within the first deadline.
            "answered_on_time": (
                not proposal.extended
                if proposal.round == 1
                else proposal.answered_on_time
            ),
        },
    )
    _tell(
        _people_told(proposal),
        note=answer.strip()[:200],
        **_step_message(
            proposal, gettext_noop("“%(title)s” was answered: please rate the answer")
        ),
    )
    return proposal


@transaction.atomic
def proposal_rate(
    *, proposal: Proposal, actor: User, verdict: str, note: str = ""
) -> Rating:
    """The proposer's or a co-signer's rating of the current answer.

    The proposer's decides: "not satisfied" sends the first answer back for a
    second one; any other, or a second "not", closes it. The co-signers may
    rate while it is answered or closed; their ratings count in the figures.
    """
    # Lock the proposal: the proposer's rating moves it; a co-signer's must
    # see where it is now.
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    rater = (
        Representative.objects.filter(user=actor)
        .filter(pk=proposal.proposer_id)
        .first()
    )
    is_proposer = rater is not None
    if rater is None:
        cosigner = (
            proposal.cosigners.filter(
                representative__user=actor, confirmed_at__isnull=False
            )
            .select_related("representative")
            .first()
        )
        if cosigner is None:
            raise Refused(
                _("Only its proposer and co-signers rate the answer."),
                code="not_rater",
            )
        rater = cosigner.representative
    open_states = (State.ANSWERED,) if is_proposer else (State.ANSWERED, State.CLOSED)
    if proposal.state not in open_states:
        raise Refused(_("There is no answer to rate now."), code="wrong_state")
    if verdict not in Rating.Verdict.values:
        raise Refused(_("Choose how satisfied you are."), code="verdict")
    if proposal.ratings.filter(representative=rater, round=proposal.round).exists():
        raise Refused(_("You rated this answer already."), code="duplicate")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                proposal=proposal,
                representative=rater,
                round=proposal.round,
                verdict=verdict,
                note=note.strip(),
            )
    except IntegrityError as error:  # a second click, just ahead of this one
        raise Refused(_("You rated this answer already."), code="duplicate") from error
    audit_record(actor=actor, action="proposal.rate", subject=proposal, details=verdict)
    if not is_proposer:
        return rating
    if verdict == Rating.Verdict.NOT and proposal.round == 1:
        today = timezone.localdate()
        transition(
            proposal,
            "reopen",
            actor=actor,
            reason=note.strip(),
            fields={
                "round": 2,
                "answer_due": add_months(today, settings.PROPOSAL_EXTENSION_MONTHS),
            },
        )
        _tell(
            proposal.department.contacts.filter(is_active=True),
            note=note.strip(),
            **_step_message(
                proposal,
                gettext_noop("“%(title)s” needs a second answer by %(due)s"),
                params={"due": str(proposal.answer_due)},
            ),
        )
    else:
        transition(proposal, "close", actor=actor, reason=note.strip())
    return rating


# The end of a session


@transaction.atomic
def session_close(
    *,
    session: Session,
    actor: User,
    proposals: Sequence[Proposal],
    representatives: Sequence[Representative],
) -> Session:
    """Ends the session with the committee's honours: 优秀提案 and 优秀职工代表."""
    check_office(actor, session.term.congress)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.closed_at is not None:
        raise Refused(_("This session is closed already."), code="closed")
    if any(
        p.session_id != session.pk or p.state not in Proposal.VALID for p in proposals
    ):
        raise Refused(
            _("Excellent proposals are registered proposals of this session."),
            code="proposal",
        )
    if any(r.term_id != session.term_id for r in representatives):
        raise Refused(
            _("Excellent representatives are representatives of this term."),
            code="representative",
        )
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(is_excellent=True)
    session.excellent_representatives.set(representatives)
    session.closed_at = timezone.now()
    session.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        action="session.close",
        subject=session,
        details=", ".join(str(p) for p in proposals),
    )
    url = reverse("representatives:congress", args=[session.term.congress_id])
    for proposal in proposals:
        _tell(
            [proposal.proposer.user],
            **_step_message(
                proposal, gettext_noop("“%(title)s” was named an excellent proposal")
            ),
        )
    _tell(
        (r.user for r in representatives),
        title=gettext_noop("You were named an excellent representative of %(session)s"),
        params={"session": str(session)},
        url=url,
    )
    return session


# Deadlines

#: A department is warned this many days before a proposal's deadline.
DEADLINE_WARNING_DAYS = 7


def proposal_alerts_send(*, now: datetime.datetime | None = None) -> int:
    """Warn a department of each answer due within the week, and the office of
    each one past its deadline; once per deadline (an extension warns again)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    assigned = Proposal.objects.filter(state=State.ASSIGNED).select_related(
        "department", "session__term__congress"
    )
    sent = 0
    soon = assigned.filter(
        answer_due__gte=today,
        answer_due__lte=today + datetime.timedelta(days=DEADLINE_WARNING_DAYS),
    ).prefetch_related("department__contacts")
    for proposal in soon:
        for user in proposal.department.contacts.all():
            sent += bool(
                notify(
                    user=user,
                    kind=NotificationKind.PROPOSAL,
                    key=f"proposal:{proposal.pk}:due:{proposal.answer_due}",
                    **_step_message(
                        proposal,
                        gettext_noop("The answer to “%(title)s” is due by %(due)s"),
                        params={"due": str(proposal.answer_due)},
                    ),
                )
            )
    late = assigned.filter(answer_due__lt=today).prefetch_related(
        "session__term__congress__staff", "session__term__congress__committee"
    )
    for proposal in late:
        for user in {user.pk: user for user in _office(proposal)}.values():
            sent += bool(
                notify(
                    user=user,
                    kind=NotificationKind.PROPOSAL,
                    key=f"proposal:{proposal.pk}:late:{proposal.answer_due}",
                    **_step_message(
                        proposal,
                        gettext_noop(
                            "“%(title)s” is past its deadline of %(due)s: "
                            "%(department)s has not answered"
                        ),
                        params={
                            "due": str(proposal.answer_due),
                            "department": proposal.department.name,
                        },
                    ),
                )
            )
    return sent
