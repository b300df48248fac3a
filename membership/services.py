"""Membership's writes: applying, the union's review, numbers, a membership's life.

Every step of an application or a membership goes through
`qunxian.workflow.transition`; the applicant or member is told of each
(NotificationKind.MEMBERSHIP) and the handlers are alerted of what waits for
them. Numbers come from a union's counter row, locked for the approval's
transaction: see `_next_number`.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from membership.deadlines import answer_due
from membership.models import (
    FastTrackEntry,
    FastTrackList,
    Membership,
    MembershipApplication,
    UnionCounter,
)
from membership.phones import phone_digest
from qunxian.models import NotificationKind, User
from qunxian.services import audit_record, notify, notify_handlers
from qunxian.workflow import Refused, record_event, transition
from venues.models import Organization, Town, Venue
from venues.permissions import check_scope

Application = MembershipApplication
State = MembershipApplication.State


def district_union() -> Organization | None:
    """The district's union (MEMBERSHIP_DISTRICT_UNION), or the first union."""
    unions = Organization.objects.filter(kind=Organization.Kind.UNION)
    return (
        unions.filter(name=settings.MEMBERSHIP_DISTRICT_UNION).first()
        or unions.order_by("pk").first()
    )


def union_venues():
    """The venues people may join a union at: active venues of a union."""
    return Venue.objects.published().filter(organization__kind=Organization.Kind.UNION)


def _handling_url(application: Application) -> str:
    if application.venue_id and application.escalated_at is None:
        return reverse("manage:membership_application", args=[application.pk])
    return reverse("console:membership_application", args=[application.pk])


def _tell_applicant(
    application: Application, title: str, *, note: str = "", params=None
) -> None:
    notify(
        user=application.user,
        kind=NotificationKind.MEMBERSHIP,
        title=title,
        params={"union": application.union.name, **(params or {})},
        note=note,
        url=application.get_absolute_url(),
    )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# -- Applying


def application_refusal(user: User) -> Refused | None:
    """Why `user` may not apply now, or None."""
    if not user.phone_verified:
        return Refused(
            _("Verify your mobile number before you apply."), code="phone_unverified"
        )
    if user.memberships.current().exists():
        return Refused(_("You are already a member of a union."), code="member")
    if user.membership_applications.open().exists():
        return Refused(
            _("You already have an application waiting for an answer."),
            code="duplicate",
        )
    return None


def current_fast_track_list(digest: str, today=None) -> FastTrackList | None:
    return (
        FastTrackList.objects.current(today)
        .filter(entries__phone_digest=digest)
        .order_by("-expires_on", "-pk")
        .first()
    )


@transaction.atomic
def application_submit(
    *,
    user: User,
    venue: Venue | None,
    name: str,
    employer: str,
    employer_name: str,
    occupation: str,
    town: Town,
    consent: bool,
) -> Application:
    if not consent:
        raise Refused(
            _("The union needs your consent to use these data."), code="consent"
        )
    if venue is not None and not union_venues().filter(pk=venue.pk).exists():
        raise Refused(_("This venue takes no membership applications."), code="venue")
    union = venue.organization if venue is not None else district_union()
    if union is None:
        raise Refused(_("No union takes applications yet."), code="no_union")
    refusal = application_refusal(user)
    if refusal:
        raise refusal
    now = timezone.now()
    digest = phone_digest(user.phone)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                user=user,
                union=union,
                venue=venue,
                name=name.strip(),
                employer=employer,
                employer_name=employer_name.strip(),
                occupation=occupation,
                town=town,
                consent=True,
                phone_digest=digest,
                fast_track_list=current_fast_track_list(digest),
                due_at=answer_due(now),
            )
            record_event(application, actor=user, to_state=application.state)
    except IntegrityError as error:  # a second open one, sent at the same time
        raise Refused(
            _("You already have an application waiting for an answer."),
            code="duplicate",
        ) from error
    _tell_applicant(
        application,
        gettext_noop("Your application to %(union)s was received"),
    )
    notify_handlers(
        venue=venue,
        title=gettext_noop("New membership application to answer by %(due)s"),
        params={"due": _local(application.due_at)},
        url=_handling_url(application),
    )
    return application


@transaction.atomic
def application_answer(*, application: Application, user: User, answer: str) -> None:
    if application.user_id != user.pk:
        raise Refused(_("Only the applicant can answer."), code="not_owner")
    answer = answer.strip()
    if not answer:
        raise Refused(_("Please write your answer."), code="answer")
    transition(
        application,
        "answer",
        actor=user,
        reason=answer,
        fields={"answer": answer, "due_at": answer_due(timezone.now())},
    )
    notify_handlers(
        venue=None if application.escalated_at else application.venue,
        title=gettext_noop("An applicant answered: answer by %(due)s"),
        params={"due": _local(application.due_at)},
        note=answer[:200],
        url=_handling_url(application),
    )


@transaction.atomic
def application_withdraw(*, application: Application, user: User) -> None:
    if application.user_id != user.pk:
        raise Refused(_("Only the applicant can withdraw."), code="not_owner")
    transition(application, "withdraw", actor=user)


# -- The union's review


def _check_handler(actor: User, application: Application) -> None:
    # An escalated application is the district union's too, and so the console's.
    check_scope(actor, application.venue)


@transaction.atomic
def application_request_info(
    *, application: Application, actor: User, question: str
) -> None:
    question = question.strip()
    if not question:
        raise Refused(_("Please write what you need to know."), code="question")
    _check_handler(actor, application)
    transition(
        application,
        "request_info",
        actor=actor,
        reason=question,
        fields={"question": question},
    )
    _tell_applicant(
        application,
        gettext_noop("%(union)s asks for more information about your application"),
        note=question,
    )


@transaction.atomic
def application_reject(*, application: Application, actor: User, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise Refused(_("Please give a reason."), code="reason")
    _check_handler(actor, application)
    transition(
        application,
        "reject",
        actor=actor,
        reason=reason,
        fields={"reject_reason": reason, "decided_at": timezone.now()},
    )
    _tell_applicant(
        application,
        gettext_noop("Your application to %(union)s was not accepted"),
        note=reason,
    )


@transaction.atomic
def application_follow(*, application: Application, actor: User) -> None:
    """The handler names themselves the one who follows this application."""
    _check_handler(actor, application)
    if not application.is_open:
        raise Refused(_("This application has been decided."), code="decided")
    Application.objects.filter(pk=application.pk).update(follower=actor)
    application.follower = actor
    audit_record(
        actor=actor, action="membershipapplication.follow", subject=application
    )
    _tell_applicant(
        application,
        gettext_noop("%(follower)s of %(union)s follows your application"),
        params={"follower": str(actor)},
    )


def _next_number(union: Organization) -> int:
    """The union's next membership number, in the caller's transaction.

    Two approvals at once would both read the same last number. Locking the
    union's counter row queues them: each reads the number the previous one
    wrote, and a number once given is never given again, since the counter
    only goes up even when a membership later ends.
    """
    UnionCounter.objects.get_or_create(union=union)
    counter = UnionCounter.objects.select_for_update().get(union=union)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _start_membership(
    *,
    user: User,
    union: Organization,
    actor: User | None,
    occupation: str,
    town: Town,
    venue: Venue | None = None,
    application: Application | None = None,
    transferred_from: Membership | None = None,
) -> Membership:
    now = timezone.now()
    membership = Membership.objects.create(
        user=user,
        union=union,
        venue=venue,
        application=application,
        transferred_from=transferred_from,
        number=_next_number(union),
        occupation=occupation,
        town=town,
        started_at=now,
        active_since=now,
    )
    record_event(membership, actor=actor, to_state=membership.status)
    return membership


@transaction.atomic
def application_approve(*, application: Application, actor: User) -> Membership:
    """Approve: a membership of the application's union, with its next number."""
    _check_handler(actor, application)

    def not_a_member_yet(locked: Application) -> None:
        if Membership.objects.current().filter(user_id=locked.user_id).exists():
            raise Refused(
                _("This applicant is already a member of a union."), code="member"
            )

    transition(
        application,
        "approve",
        actor=actor,
        check=not_a_member_yet,
        fields={"decided_at": timezone.now()},
    )
    membership = _start_membership(
        user=application.user,
        union=application.union,
        venue=application.venue,
        application=application,
        actor=actor,
        occupation=application.occupation,
        town=application.town,
    )
    notify(
        user=application.user,
        kind=NotificationKind.MEMBERSHIP,
        title=gettext_noop("Welcome to %(union)s: your member number is %(number)s"),
        params={"union": application.union.name, "number": membership.card_number},
        url=reverse("membership:card"),
    )
    return membership


def applications_bulk_approve(
    *, applications: Iterable[Application], actor: User
) -> tuple[int, list[str]]:
    """Approve each fast-track application that can be; (how many, why not others).

    Each in its own transaction: one that was decided meanwhile does not undo
    the rest.
    """
    approved, problems = 0, []
    for application in applications:
        if not application.fast_track:
            problems.append(
                _("%(application)s is not on the fast track.")
                % {"application": application}
            )
            continue
        try:
            application_approve(application=application, actor=actor)
        except Refused as refused:
            problems.append(f"{application}: {refused.message}")
        else:
            approved += 1
    return approved, problems


def applications_escalate(*, now: datetime.datetime | None = None) -> int:
    """Hand each overdue application of a venue's union to the district union.

    The console's queue shows it from then on; the step is an event row in
    its timeline (its state does not change), and the admins and the venue's
    managers are alerted once.
    """
    now = now or timezone.now()
    overdue = list(
        Application.objects.overdue(now)
        .filter(venue__isnull=False, escalated_at__isnull=True)
        .select_related("venue")
    )
    for application in overdue:
        with transaction.atomic():
            updated = Application.objects.filter(
                pk=application.pk, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not updated:  # escalated by another run meanwhile
                continue
            application.escalated_at = now
            with translation.override(settings.LANGUAGE_CODE):
                reason = _("Overdue: escalated to the district union.")
            record_event(
                application,
                actor=None,
                from_state=application.state,
                to_state=application.state,
                reason=reason,
            )
            message = {
                "title": gettext_noop(
                    "A membership application is overdue and was escalated"
                ),
                "url": _handling_url(application),
                "key": f"membership-escalated:{application.pk}",
            }
            notify_handlers(venue=None, **message)
            notify_handlers(venue=application.venue, **message)
    return len(overdue)


# -- A membership's life


@transaction.atomic
def membership_leave(*, membership: Membership, user: User, reason: str = "") -> None:
    """退会: the member's own choice."""
    if membership.user_id != user.pk:
        raise Refused(_("Only the member can leave."), code="not_owner")
    transition(
        membership,
        "leave",
        actor=user,
        reason=reason.strip(),
        fields={"ended_at": timezone.now(), "end_reason": reason.strip()[:200]},
    )


@transaction.atomic
def membership_renew(*, membership: Membership, user: User) -> None:
    """A lapsed member says they are still here: valid again from now."""
    if membership.user_id != user.pk:
        raise Refused(_("Only the member can renew."), code="not_owner")
    transition(membership, "renew", actor=user, fields={"active_since": timezone.now()})


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise Refused(_("Please give a reason."), code="reason")
    check_scope(actor, None)
    transition(
        membership,
        "revoke",
        actor=actor,
        reason=reason,
        fields={"ended_at": timezone.now(), "end_reason": reason[:200]},
    )
    notify(
        user=membership.user,
        kind=NotificationKind.MEMBERSHIP,
        title=gettext_noop("Your membership of %(union)s was revoked"),
        params={"union": membership.union.name},
        note=reason,
        url=reverse("membership:card"),
    )


@transaction.atomic
def membership_transfer(
    *, membership: Membership, actor: User, union: Organization, reason: str = ""
) -> Membership:
    """会员关系随劳动关系转移: this membership ends as transferred and one in
    `union` starts, with that union's next number, pointing back to it."""
    check_scope(actor, None)
    if union.kind != Organization.Kind.UNION:
        raise Refused(_("Choose a union."), code="not_a_union")
    if union.pk == membership.union_id:
        raise Refused(_("The member is already in this union."), code="same_union")
    transition(
        membership,
        "transfer",
        actor=actor,
        reason=reason.strip() or union.name,
        fields={"ended_at": timezone.now(), "end_reason": union.name},
    )
    moved = _start_membership(
        user=membership.user,
        union=union,
        actor=actor,
        occupation=membership.occupation,
        town=membership.town,
        transferred_from=membership,
    )
    notify(
        user=membership.user,
        kind=NotificationKind.MEMBERSHIP,
        title=gettext_noop(
            "Your membership moved to %(union)s: your new number is %(number)s"
        ),
        params={"union": union.name, "number": moved.card_number},
        url=reverse("membership:card"),
    )
    return moved


def memberships_lapse(*, now: datetime.datetime | None = None) -> int:
    """Lapse the valid memberships without activity for MEMBERSHIP_LAPSE_DAYS.

    Activity is the member's last log-in or the start or renewal of the
    membership, whichever is later.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.MEMBERSHIP_LAPSE_DAYS)
    quiet = list(
        Membership.objects.valid()
        .alias(
            last_seen=Greatest(
                "active_since", Coalesce("user__last_login", "active_since")
            )
        )
        .filter(last_seen__lt=cutoff)
        .select_related("union", "user")
    )
    lapsed = 0
    for membership in quiet:
        try:
            transition(membership, "lapse", actor=None)
        except Refused:  # left or renewed meanwhile
            continue
        lapsed += 1
        notify(
            user=membership.user,
            kind=NotificationKind.MEMBERSHIP,
            title=gettext_noop(
                "Your membership of %(union)s has lapsed: renew it on your card"
            ),
            params={"union": membership.union.name},
            url=reverse("membership:card"),
            key=f"membership-lapsed:{membership.pk}:{membership.active_since:%Y%m%d}",
        )
    return lapsed


# -- The fast track


@transaction.atomic
def fast_track_import(
    *, actor: User, source: str, identified_on: datetime.date, digests: Iterable[str]
) -> FastTrackList:
    """A list of keyed hashes; open applications on it join the fast track."""
    digests = sorted(set(digests))
    if not digests:
        raise Refused(_("The list holds no mobile number."), code="empty")
    expires_on = identified_on + datetime.timedelta(
        days=settings.MEMBERSHIP_FAST_TRACK_DAYS
    )
    if expires_on < timezone.localdate():
        raise Refused(
            _("Data of that date would already have expired."), code="expired"
        )
    fast_track = FastTrackList.objects.create(
        source=source.strip(),
        identified_on=identified_on,
        expires_on=expires_on,
        entry_count=len(digests),
        uploaded_by=actor,
    )
    FastTrackEntry.objects.bulk_create(
        FastTrackEntry(list=fast_track, phone_digest=digest) for digest in digests
    )
    Application.objects.open().filter(phone_digest__in=digests).exclude(
        fast_track_list__expires_on__gte=timezone.localdate()
    ).update(fast_track_list=fast_track)
    audit_record(
        actor=actor,
        action="fasttracklist.import",
        subject=fast_track,
        details=str(len(digests)),
    )
    return fast_track
