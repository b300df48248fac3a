"""The writes of volunteering: each step checks who may take it, again."""

import datetime
import decimal
import secrets
from collections.abc import Iterable

import h3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from activities.models import Activity, SignUp
from qunxian.models import NotificationKind, User
from qunxian.roles import is_system_admin
from qunxian.services import audit_record, notify, notify_handlers
from qunxian.workflow import Refused, record_event, transition
from venues.images import ProcessedImage
from venues.models import Venue
from venues.permissions import check_scope
from volunteering.models import (
    H3_RESOLUTION,
    TEAM_REACH_DEGREES,
    Assignment,
    Certificate,
    HelpRequest,
    HoursEntry,
    MeToo,
    Outcome,
    PointsBalance,
    PointsEntry,
    PointsRule,
    PointsTable,
    Redemption,
    Reward,
    ServiceOrder,
    Team,
    TeamActivity,
    TeamMember,
    TeamService,
)

HELP_ACCEPT_WITHIN = datetime.timedelta(hours=2)
HELP_HANDLE_WITHIN = datetime.timedelta(hours=24)
AUTO_CONFIRM_AFTER = datetime.timedelta(days=3)
MAX_ORDER_DAYS_AHEAD = 60
MAX_HOURS = decimal.Decimal(24)
#: Earned points lapse this long after they were earned, if not spent first.
POINTS_VALID_FOR = datetime.timedelta(days=365)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# Places


def check_position(lat: float | None, lng: float | None) -> None:
    """Refuse a point outside the district (code "outside")."""
    if lat is None and lng is None:
        return
    (south, west), (north, east) = settings.DISTRICT_BOX
    if (
        lat is None
        or lng is None
        or not (south <= lat <= north and west <= lng <= east)
    ):
        raise Refused(
            _("This place is outside the district; pick a point in it."),
            code="outside",
        )


def cell_of(lat: float, lng: float) -> str:
    return h3.latlng_to_cell(lat, lng, H3_RESOLUTION)


# 码上都: help requests


HELP_STEP_TITLES = {
    HelpRequest.State.SUBMITTED: gettext_noop("We received your help request"),
    HelpRequest.State.ACCEPTED: gettext_noop("Your help request was accepted"),
    HelpRequest.State.HANDLED: gettext_noop("Your help request was handled"),
    HelpRequest.State.CONFIRMED: gettext_noop("Thank you for confirming"),
    HelpRequest.State.CLOSED: gettext_noop("Your help request was closed"),
}


def _tell_reporter(help_request: HelpRequest, *, note: str = "") -> None:
    notify(
        user=help_request.user,
        kind=NotificationKind.VOLUNTEERING,
        title=HELP_STEP_TITLES[help_request.state],
        note=note,
        url=help_request.get_absolute_url(),
    )


@transaction.atomic
def help_request_submit(
    *,
    user: User,
    venue: Venue,
    kind: str,
    text: str = "",
    photo: ProcessedImage | None = None,
    lat: float | None = None,
    lng: float | None = None,
) -> HelpRequest:
    check_position(lat, lng)
    if venue.status != Venue.Status.ACTIVE:
        raise Refused(_("This venue is not open."), code="venue_closed")
    now = timezone.now()
    help_request = HelpRequest(
        user=user,
        venue=venue,
        kind=kind,
        text=text.strip(),
        lat=lat,
        lng=lng,
        # Without a point of its own, the request is where the poster hangs.
        cell=cell_of(lat, lng) if lat is not None else cell_of(venue.lat, venue.lng),
        accept_due=now + HELP_ACCEPT_WITHIN,
        handle_due=now + HELP_HANDLE_WITHIN,
    )
    if photo:
        help_request.photo = photo.image
        help_request.photo_thumbnail = photo.thumbnail
    help_request.save()
    record_event(help_request, actor=user, to_state=help_request.state)
    _tell_reporter(help_request)
    notify_handlers(
        venue=venue,
        title=gettext_noop("Help request at %(venue)s: accept by %(due)s"),
        body=[gettext_noop("%(kind)s, from %(user)s.")],
        params={
            "venue": venue.name,
            "due": _local(help_request.accept_due),
            "kind": help_request.get_kind_display(),
            "user": str(user),
        },
        note=help_request.text[:200],
        url=reverse("manage:help_request_detail", args=[help_request.pk]),
    )
    return help_request


def _help_step(help_request, action, *, actor, note="", **fields) -> HelpRequest:
    check_scope(actor, help_request.venue)
    help_request = transition(
        help_request, action, actor=actor, reason=note, fields=fields
    )
    _tell_reporter(help_request, note=note)
    return help_request


@transaction.atomic
def help_request_accept(*, help_request: HelpRequest, actor: User) -> HelpRequest:
    return _help_step(help_request, "accept", actor=actor)


@transaction.atomic
def help_request_handle(
    *, help_request: HelpRequest, actor: User, reply: str
) -> HelpRequest:
    if not reply.strip():
        raise Refused(_("Please write what was done."), code="reply")
    return _help_step(
        help_request, "handle", actor=actor, note=reply.strip(), reply=reply.strip()
    )


@transaction.atomic
def help_request_close(
    *, help_request: HelpRequest, actor: User, reason: str
) -> HelpRequest:
    if not reason.strip():
        raise Refused(_("Please give a reason."), code="reason")
    return _help_step(
        help_request, "close", actor=actor, note=reason.strip(), reply=reason.strip()
    )


@transaction.atomic
def help_request_confirm(*, help_request: HelpRequest, user: User) -> HelpRequest:
    if help_request.user_id != user.pk:
        raise Refused(_("Only the reporter can confirm."), code="not_owner")
    return transition(help_request, "confirm", actor=user)


@transaction.atomic
def help_request_me_too(*, help_request: HelpRequest, user: User) -> bool:
    """遇到同样问题; True if it counted (once per person, never one's own)."""
    if help_request.user_id == user.pk:
        return False
    _me_too, created = MeToo.objects.get_or_create(help_request=help_request, user=user)
    if created:
        HelpRequest.objects.filter(pk=help_request.pk).update(
            me_too_count=F("me_too_count") + 1
        )
    return created


def help_requests_escalate(*, now: datetime.datetime | None = None) -> int:
    """Alert the district's admins of each open request past its deadline,
    once per request and deadline (the key), however often it runs."""
    now = now or timezone.now()
    overdue = HelpRequest.objects.filter(
        Q(state=HelpRequest.State.SUBMITTED, accept_due__lt=now)
        | Q(state=HelpRequest.State.ACCEPTED, handle_due__lt=now)
    ).select_related("venue")
    alerted = 0
    for help_request in overdue:
        due = (
            help_request.accept_due
            if help_request.state == HelpRequest.State.SUBMITTED
            else help_request.handle_due
        )
        alerted += bool(
            notify_handlers(
                venue=None,
                key=f"help-overdue-{help_request.pk}-{help_request.state}",
                title=gettext_noop("Overdue help request at %(venue)s: due %(due)s"),
                body=[gettext_noop("%(kind)s, still “%(state)s”.")],
                params={
                    "venue": help_request.venue.name,
                    "due": _local(due),
                    "kind": help_request.get_kind_display(),
                    "state": help_request.get_state_display(),
                },
                url=reverse("console:volunteer_requests"),
            )
        )
    return alerted


@transaction.atomic
def help_request_to_order(
    *,
    help_request: HelpRequest,
    actor: User,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> ServiceOrder:
    """Staff turn a report into an order for a team, on the reporter's behalf."""
    check_scope(actor, help_request.venue)
    if help_request.state == HelpRequest.State.SUBMITTED:
        help_request = _help_step(help_request, "accept", actor=actor)
    if help_request.state != HelpRequest.State.ACCEPTED:
        raise Refused(
            _("Only an open help request can become a service order."),
            code="not_open",
        )
    if ServiceOrder.objects.filter(help_request=help_request).exists():
        raise Refused(
            _("This help request already has a service order."), code="has_order"
        )
    venue = help_request.venue
    order = order_create(
        requester=help_request.user,
        kind=kind,
        venue=venue,
        lat=help_request.lat if help_request.lat is not None else venue.lat,
        lng=help_request.lng if help_request.lng is not None else venue.lng,
        starts_at=starts_at,
        ends_at=ends_at,
        description=help_request.text or help_request.get_kind_display(),
        help_request=help_request,
        made_by=actor,
    )
    if help_request.photo:
        order.photo = help_request.photo.name
        order.save(update_fields=["photo"])
    return order


# Teams


def check_leader(user: User, team: Team) -> None:
    if not Team.objects.led_by(user).filter(pk=team.pk).exists():
        raise Refused(_("Only a leader of this team can do this."), code="not_leader")


def _leaders(team: Team):
    return User.objects.filter(
        team_memberships__team=team,
        team_memberships__role=TeamMember.Role.LEADER,
        team_memberships__state=TeamMember.State.ACTIVE,
        is_active=True,
    )


@transaction.atomic
def team_join(*, team: Team, user: User) -> TeamMember:
    if not team.active:
        raise Refused(_("This team no longer takes members."), code="inactive")
    member, created = TeamMember.objects.get_or_create(team=team, user=user)
    if not created:
        raise Refused(
            _("You have already asked to join this team."), code="already_asked"
        )
    audit_record(actor=user, action="teammember.request", subject=member)
    for leader in _leaders(team):
        notify(
            user=leader,
            kind=NotificationKind.VOLUNTEERING,
            title=gettext_noop("%(user)s asks to join %(team)s"),
            params={"user": str(user), "team": team.name},
            url=reverse("volunteering:team_detail", args=[team.pk]),
        )
    return member


@transaction.atomic
def team_member_decide(*, member: TeamMember, actor: User, accept: bool) -> TeamMember:
    check_leader(actor, member.team)
    member = transition(member, "accept" if accept else "decline", actor=actor)
    notify(
        user=member.user,
        kind=NotificationKind.VOLUNTEERING,
        title=(
            gettext_noop("Welcome to %(team)s")
            if accept
            else gettext_noop("%(team)s did not take you in this time")
        ),
        params={"team": member.team.name},
        url=reverse("volunteering:team_detail", args=[member.team_id]),
    )
    return member


def _active_leaders(team: Team):
    return TeamMember.objects.filter(
        team=team, role=TeamMember.Role.LEADER, state=TeamMember.State.ACTIVE
    )


def _not_last_leader(member: TeamMember) -> None:
    """A team keeps at least one leader.

    Two leaders going at once queue on the team's row (each holds only its
    own member row before it), so the second counts after the first is gone.
    """
    if member.role != TeamMember.Role.LEADER:
        return
    Team.objects.select_for_update().filter(pk=member.team_id).get()
    if not _active_leaders(member.team).exclude(pk=member.pk).exists():
        raise Refused(
            _("The team's last leader cannot go; name another leader first."),
            code="last_leader",
        )


@transaction.atomic
def team_member_leave(*, member: TeamMember, user: User) -> TeamMember:
    if member.user_id != user.pk:
        raise Refused(_("Only the member can leave."), code="not_owner")
    member = transition(member, "leave", actor=user, check=_not_last_leader)
    for leader in _leaders(member.team):
        notify(
            user=leader,
            kind=NotificationKind.VOLUNTEERING,
            title=gettext_noop("%(user)s left %(team)s"),
            params={"user": str(user), "team": member.team.name},
            url=reverse("volunteering:team_detail", args=[member.team_id]),
        )
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, actor: User) -> TeamMember:
    check_leader(actor, member.team)
    member = transition(member, "remove", actor=actor, check=_not_last_leader)
    notify(
        user=member.user,
        kind=NotificationKind.VOLUNTEERING,
        title=gettext_noop("You are no longer a member of %(team)s"),
        params={"team": member.team.name},
        url=reverse("volunteering:team_detail", args=[member.team_id]),
    )
    return member


# Teams in the console


def _check_admin(actor: User) -> None:
    if not is_system_admin(actor):
        raise Refused(
            _("Only an administrator can manage teams and rewards."),
            code="not_admin",
        )


@transaction.atomic
def team_save(*, actor: User, team: Team, kinds: Iterable[str], created: bool) -> Team:
    """A new team, or an edited one, with the service kinds it offers."""
    _check_admin(actor)
    team.save()
    kinds = set(kinds)
    team.services.exclude(kind__in=kinds).delete()
    have = set(team.services.values_list("kind", flat=True))
    TeamService.objects.bulk_create(
        TeamService(team=team, kind=kind) for kind in sorted(kinds - have)
    )
    audit_record(
        actor=actor, action="team.create" if created else "team.update", subject=team
    )
    return team


@transaction.atomic
def team_add_leader(*, actor: User, team: Team, user: User) -> TeamMember:
    """Make an existing account a leader: a member already, or taken in now."""
    _check_admin(actor)
    member, _created = TeamMember.objects.select_for_update().get_or_create(
        team=team, user=user
    )
    if member.role == TeamMember.Role.LEADER and member.state == (
        TeamMember.State.ACTIVE
    ):
        raise Refused(_("This person already leads the team."), code="already_leader")
    member.role = TeamMember.Role.LEADER
    member.state = TeamMember.State.ACTIVE
    member.save(update_fields=["role", "state"])
    audit_record(actor=actor, action="team.add_leader", subject=team, details=str(user))
    notify(
        user=user,
        kind=NotificationKind.VOLUNTEERING,
        title=gettext_noop("You now lead %(team)s"),
        params={"team": team.name},
        url=reverse("volunteering:team_detail", args=[team.pk]),
    )
    return member


@transaction.atomic
def team_remove_leader(*, actor: User, member: TeamMember) -> TeamMember:
    """A leader steps down to an ordinary member; the team stays theirs."""
    _check_admin(actor)
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if member.role != TeamMember.Role.LEADER:
        raise Refused(_("This person does not lead the team."), code="not_leader")
    member.role = TeamMember.Role.MEMBER
    member.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="team.remove_leader",
        subject=member.team,
        details=str(member.user),
    )
    return member


@transaction.atomic
def team_deactivate(*, actor: User, team: Team) -> Team:
    _check_admin(actor)
    if not Team.objects.filter(pk=team.pk, active=True).update(active=False):
        raise Refused(_("This team is already inactive."), code="inactive")
    team.active = False
    audit_record(actor=actor, action="team.deactivate", subject=team)
    return team


@transaction.atomic
def team_member_set_listed(*, member: TeamMember, user: User, listed: bool) -> None:
    if member.user_id != user.pk:
        raise Refused(_("Only the member can choose this."), code="not_owner")
    TeamMember.objects.filter(pk=member.pk).update(listed=listed)


# 点单 → 接单: service orders


def teams_for_order(order: ServiceOrder):
    """The teams that may take it: they offer its kind and are near it."""
    box = TEAM_REACH_DEGREES
    return Team.objects.filter(
        active=True,
        services__kind=order.kind,
        home_venue__lat__range=(order.lat - box, order.lat + box),
        home_venue__lng__range=(order.lng - box, order.lng + box),
    )


def _order_url(order: ServiceOrder) -> str:
    return reverse("volunteering:order_detail", args=[order.pk])


def _tell_requester(order: ServiceOrder, title: str, note: str = "") -> None:
    notify(
        user=order.requester,
        kind=NotificationKind.VOLUNTEERING,
        title=title,
        params={"order": str(order), "team": str(order.team or "")},
        note=note,
        url=_order_url(order),
    )


@transaction.atomic
def order_create(
    *,
    requester: User,
    kind: str,
    venue: Venue | None,
    lat: float | None,
    lng: float | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    description: str,
    photo: ProcessedImage | None = None,
    help_request: HelpRequest | None = None,
    made_by: User | None = None,
) -> ServiceOrder:
    if venue is not None and (lat is None or lng is None):
        lat, lng = venue.lat, venue.lng
    if lat is None or lng is None:
        raise Refused(_("Pick the place on the map, or a venue."), code="no_place")
    check_position(lat, lng)
    now = timezone.now()
    if ends_at <= starts_at:
        raise Refused(_("The end must be after the start."), code="window")
    if ends_at <= now or starts_at > now + datetime.timedelta(
        days=MAX_ORDER_DAYS_AHEAD
    ):
        raise Refused(
            _("Choose a time from now to %(days)s days ahead.")
            % {"days": MAX_ORDER_DAYS_AHEAD},
            code="window",
        )
    order = ServiceOrder(
        requester=requester,
        kind=kind,
        venue=venue,
        lat=lat,
        lng=lng,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description.strip(),
        help_request=help_request,
    )
    if photo:
        order.photo = photo.image
    order.save()
    actor = made_by or requester
    record_event(order, actor=actor, to_state=order.state)
    audit_record(actor=actor, action="serviceorder.create", subject=order)
    leaders = User.objects.filter(
        team_memberships__team__in=teams_for_order(order),
        team_memberships__role=TeamMember.Role.LEADER,
        team_memberships__state=TeamMember.State.ACTIVE,
        is_active=True,
    ).distinct()
    for leader in leaders:
        notify(
            user=leader,
            kind=NotificationKind.VOLUNTEERING,
            title=gettext_noop("A new service order near your team: %(order)s"),
            params={"order": str(order)},
            note=order.description[:200],
            url=_order_url(order),
        )
    return order


@transaction.atomic
def order_accept(*, order: ServiceOrder, team: Team, actor: User) -> ServiceOrder:
    check_leader(actor, team)
    if not teams_for_order(order).filter(pk=team.pk).exists():
        raise Refused(
            _("This team does not offer this service here."), code="not_offered"
        )

    try:
        order = transition(
            order,
            "accept",
            actor=actor,
            fields={"team": team, "accepted_at": timezone.now()},
        )
    except Refused as refused:
        # Two leaders at once: the transition's row lock lets one in, and the
        # other finds the order no longer open.
        if refused.code == "wrong_state":
            raise Refused(
                _("This order is no longer waiting for a team."), code="taken"
            ) from None
        raise
    _tell_requester(order, gettext_noop("%(team)s took your order %(order)s"))
    return order


@transaction.atomic
def order_assign(
    *, order: ServiceOrder, actor: User, members: Iterable[TeamMember]
) -> int:
    if order.team_id is None:
        raise Refused(_("No team has taken this order yet."), code="no_team")
    check_leader(actor, order.team)
    if order.state != ServiceOrder.State.ACCEPTED:
        raise Refused(_("Members can be sent only before it is done."), code="state")
    members = list(members)
    if not members or any(
        m.team_id != order.team_id or m.state != TeamMember.State.ACTIVE
        for m in members
    ):
        raise Refused(_("Choose members of the team."), code="not_member")
    added = 0
    for member in members:
        _assignment, created = Assignment.objects.get_or_create(
            order=order, member=member
        )
        if created:
            added += 1
            notify(
                user=member.user,
                kind=NotificationKind.VOLUNTEERING,
                title=gettext_noop("You were sent to do %(order)s"),
                params={"order": str(order)},
                note=order.description[:200],
                url=_order_url(order),
            )
    audit_record(
        actor=actor,
        action="serviceorder.assign",
        subject=order,
        details=", ".join(str(m.user) for m in members),
    )
    return added


def _doer(order: ServiceOrder, user: User) -> TeamMember | None:
    return TeamMember.objects.filter(
        team_id=order.team_id, user=user, state=TeamMember.State.ACTIVE
    ).first()


@transaction.atomic
def order_complete(
    *,
    order: ServiceOrder,
    actor: User,
    note: str,
    hours: decimal.Decimal,
    photo: ProcessedImage | None = None,
) -> ServiceOrder:
    member = _doer(order, actor) if order.team_id else None
    assigned = member and order.assignments.filter(member=member).exists()
    if member is None or not (assigned or member.role == TeamMember.Role.LEADER):
        raise Refused(
            _("Only a member sent to this order can mark it done."), code="not_doer"
        )
    if not note.strip():
        raise Refused(_("Please write what was done."), code="note")
    if not decimal.Decimal("0.5") <= hours <= MAX_HOURS:
        raise Refused(_("Hours go from 0.5 to 24."), code="hours")
    fields = {"done_note": note.strip(), "hours": hours, "done_at": timezone.now()}
    if photo:
        fields["done_photo"] = photo.image
    order = transition(
        order, "complete", actor=actor, reason=note.strip(), fields=fields
    )
    if not assigned:  # a leader who did it themselves earns for it too
        Assignment.objects.create(order=order, member=member)
    _tell_requester(
        order, gettext_noop("Your order %(order)s is done: please confirm it"), note
    )
    return order


@transaction.atomic
def order_confirm(
    *, order: ServiceOrder, user: User, rating: int | None
) -> ServiceOrder:
    if order.requester_id != user.pk:
        raise Refused(_("Only who ordered it can confirm."), code="not_owner")
    if rating is not None and not 1 <= rating <= 5:
        raise Refused(_("Choose from 1 to 5 stars."), code="rating")
    order = transition(
        order,
        "confirm",
        actor=user,
        fields={"rating": rating, "confirmed_at": timezone.now()},
    )
    outcome = Outcome.PRAISED if rating and rating >= 4 else Outcome.CONFIRMED
    _credit(order, outcome)
    return order


@transaction.atomic
def order_cancel(*, order: ServiceOrder, user: User) -> ServiceOrder:
    if order.requester_id != user.pk:
        raise Refused(_("Only who ordered it can cancel."), code="not_owner")
    order = transition(order, "cancel", actor=user)
    if order.team_id:
        for leader in _leaders(order.team):
            notify(
                user=leader,
                kind=NotificationKind.VOLUNTEERING,
                title=gettext_noop("%(order)s was cancelled by who ordered it"),
                params={"order": str(order)},
                url=_order_url(order),
            )
    return order


def orders_auto_confirm(*, now: datetime.datetime | None = None) -> int:
    """Confirm the orders done three days ago that nobody confirmed."""
    now = now or timezone.now()
    due = ServiceOrder.objects.filter(
        state=ServiceOrder.State.DONE, done_at__lt=now - AUTO_CONFIRM_AFTER
    ).values_list("pk", flat=True)
    confirmed = 0
    for pk in list(due):
        with transaction.atomic():
            order = ServiceOrder.objects.select_related("team").get(pk=pk)
            try:
                order = transition(
                    order,
                    "confirm",
                    actor=None,
                    reason="auto",
                    fields={"confirmed_at": now},
                )
            except Refused:  # confirmed by its requester meanwhile
                continue
            _credit(order, Outcome.AUTO)
            _tell_requester(
                order, gettext_noop("Your order %(order)s was confirmed automatically")
            )
            confirmed += 1
    return confirmed


def _credit(order: ServiceOrder, outcome: str) -> None:
    """Hours and points for each member who did a confirmed order."""
    table = PointsTable.current()
    points = table.points_for(order.kind, outcome) if table else 0
    served_on = timezone.localdate(order.done_at or timezone.now())
    team = order.team
    for assignment in order.assignments.select_related("member__user"):
        user = assignment.member.user
        HoursEntry.objects.create(
            user=user,
            hours=order.hours or 0,
            kind=order.kind,
            organization_id=team.organization_id,
            team=team,
            served_on=served_on,
            order=order,
        )
        if points:
            points_post(
                user=user,
                amount=points,
                reason=PointsEntry.Reason.EARN,
                order=order,
                table=table,
                expires_on=timezone.localdate() + POINTS_VALID_FOR,
            )
            notify(
                user=user,
                kind=NotificationKind.VOLUNTEERING,
                title=gettext_noop("%(points)s points for %(order)s"),
                params={"points": points, "order": str(order)},
                url=reverse("volunteering:points"),
            )


# Ledgers


def points_post(*, user: User, amount: int, reason: str, **source) -> PointsEntry:
    """Append an entry and move the balance with it, in one transaction.

    The balance moves by one UPDATE … SET balance = balance + amount: two at
    once queue on the row, and the second sees the first's result. The CHECK
    refuses a balance below zero; that refusal, not a read before, is what
    stops two spends of the last points.
    """
    with transaction.atomic():
        if amount >= 0:
            PointsBalance.objects.get_or_create(user=user)
        try:
            with transaction.atomic():
                moved = PointsBalance.objects.filter(user=user).update(
                    balance=F("balance") + amount
                )
        except IntegrityError:
            moved = 0
        if not moved:
            raise Refused(_("You do not have enough points."), code="points")
        return PointsEntry.objects.create(
            user=user, amount=amount, reason=reason, **source
        )


def balance_of(user: User) -> int:
    row = PointsBalance.objects.filter(user=user).values_list("balance", flat=True)
    return row.first() or 0


@transaction.atomic
def points_adjust(*, user: User, amount: int, note: str, actor: User) -> PointsEntry:
    if not is_system_admin(actor):
        raise Refused(_("Only an administrator can adjust points."), code="not_admin")
    if not amount or not note.strip():
        raise Refused(_("Give a number of points and a reason."), code="adjust")
    entry = points_post(
        user=user,
        amount=amount,
        reason=PointsEntry.Reason.ADJUST,
        made_by=actor,
        note=note.strip(),
    )
    audit_record(
        actor=actor, action="points.adjust", subject=user, details=f"{amount}: {note}"
    )
    return entry


@transaction.atomic
def order_dispute(*, order: ServiceOrder, actor: User, reason: str) -> int:
    """A confirmed order found wrong: reversing entries for its points and hours."""
    if not is_system_admin(actor):
        raise Refused(_("Only an administrator can reverse points."), code="not_admin")
    if not reason.strip():
        raise Refused(_("Please give a reason."), code="reason")
    reversed_count = 0
    earned = PointsEntry.objects.filter(
        order=order, reason=PointsEntry.Reason.EARN, reversal__isnull=True
    )
    for entry in earned:
        points_post(
            user=entry.user,
            amount=-entry.amount,
            reason=PointsEntry.Reason.REVERSE,
            order=order,
            reverses=entry,
            made_by=actor,
            note=reason.strip(),
        )
        reversed_count += 1
    for hours in HoursEntry.objects.filter(
        order=order, reverses__isnull=True, reversal__isnull=True
    ):
        HoursEntry.objects.create(
            user=hours.user,
            hours=-hours.hours,
            kind=hours.kind,
            organization_id=hours.organization_id,
            team_id=hours.team_id,
            served_on=hours.served_on,
            order=order,
            reverses=hours,
            made_by=actor,
        )
    audit_record(
        actor=actor, action="serviceorder.dispute", subject=order, details=reason
    )
    return reversed_count


@transaction.atomic
def points_table_save(
    *, actor: User, points: dict[tuple[str, str], int]
) -> PointsTable:
    """A new version of the points table; the old ones stay as they were."""
    if not is_system_admin(actor):
        raise Refused(
            _("Only an administrator can change the points."), code="not_admin"
        )
    if any(value < 0 for value in points.values()):
        raise Refused(_("Points cannot be negative."), code="negative")
    latest = PointsTable.objects.select_for_update().aggregate(v=Max("version"))["v"]
    table = PointsTable.objects.create(version=(latest or 0) + 1, made_by=actor)
    PointsRule.objects.bulk_create(
        PointsRule(table=table, kind=kind, outcome=outcome, points=value)
        for (kind, outcome), value in points.items()
    )
    audit_record(actor=actor, action="pointstable.create", subject=table)
    return table


def points_expire(*, today: datetime.date | None = None) -> int:
    """Post an expiry entry for the earned points past their date, unspent.

    Spending takes the oldest points first, so what lapsed unspent is what
    was earned up to today less everything taken out since the start (spent,
    reversed, expired before, adjusted down), never more than the balance.
    """
    today = today or timezone.localdate()
    users = (
        PointsEntry.objects.filter(
            reason=PointsEntry.Reason.EARN, expires_on__lte=today
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    expired = 0
    for user_id in list(users):
        with transaction.atomic():
            balance = PointsBalance.objects.select_for_update().get(user_id=user_id)
            entries = PointsEntry.objects.filter(user_id=user_id)
            lapsed = entries.filter(
                reason=PointsEntry.Reason.EARN, expires_on__lte=today
            ).aggregate(total=Sum("amount"))["total"]
            taken = -(
                entries.filter(amount__lt=0).aggregate(total=Sum("amount"))["total"]
                or 0
            )
            returned = (
                entries.filter(reason=PointsEntry.Reason.REFUND).aggregate(
                    total=Sum("amount")
                )["total"]
                or 0
            )
            unspent = min(lapsed - (taken - returned), balance.balance)
            if unspent > 0:
                points_post(
                    user=balance.user,
                    amount=-unspent,
                    reason=PointsEntry.Reason.EXPIRE,
                    note=today.isoformat(),
                )
                expired += 1
    return expired


# 积分兑换: rewards


@transaction.atomic
def redemption_create(*, reward: Reward, user: User) -> Redemption:
    """Takes a unit of stock and the points together, or neither.

    The stock moves first, then the points, for everyone: one order of locks,
    no deadlock. Each UPDATE is refused by its CHECK, never by a stale read.
    """
    try:
        with transaction.atomic():
            taken = Reward.objects.filter(pk=reward.pk, active=True).update(
                stock=F("stock") - 1
            )
    except IntegrityError:
        taken = 0
    if not taken:
        raise Refused(_("This reward is out of stock."), code="stock")
    redemption = Redemption.objects.create(
        user=user, reward=reward, points=reward.points
    )
    points_post(
        user=user,
        amount=-reward.points,
        reason=PointsEntry.Reason.SPEND,
        redemption=redemption,
    )
    record_event(redemption, actor=user, to_state=redemption.state)
    audit_record(actor=user, action="redemption.create", subject=redemption)
    notify(
        user=user,
        kind=NotificationKind.VOLUNTEERING,
        title=gettext_noop("%(reward)s: pick it up at %(venue)s with code %(code)s"),
        params={
            "reward": reward.name,
            "venue": reward.pickup_venue.name,
            "code": redemption.code,
        },
        url=reverse("volunteering:points"),
    )
    return redemption


@transaction.atomic
def reward_save(
    *, actor: User, reward: Reward, photo: ProcessedImage | None, created: bool
) -> Reward:
    """A new reward or an edited one; its pick-up venue is its organisation's."""
    _check_admin(actor)
    if reward.pickup_venue.organization_id != reward.organization_id:
        raise Refused(
            _("Pick a venue of the reward's organisation."), code="pickup_venue"
        )
    if photo:
        reward.photo = photo.image
    reward.save()
    audit_record(
        actor=actor,
        action="reward.create" if created else "reward.update",
        subject=reward,
    )
    return reward


@transaction.atomic
def reward_adjust_stock(
    *, actor: User, reward: Reward, change: int, reason: str
) -> Reward:
    """Stock counted in or written off: one UPDATE, refused by its CHECK below 0."""
    _check_admin(actor)
    if not change or not reason.strip():
        raise Refused(_("Give a change of stock and a reason."), code="stock_change")
    try:
        with transaction.atomic():
            Reward.objects.filter(pk=reward.pk).update(stock=F("stock") + change)
    except IntegrityError:
        raise Refused(
            _("The stock cannot go below zero."), code="stock_negative"
        ) from None
    reward.refresh_from_db(fields=["stock"])
    audit_record(
        actor=actor,
        action="reward.stock",
        subject=reward,
        details=f"{change:+d}: {reason.strip()}",
    )
    return reward


@transaction.atomic
def reward_deactivate(*, actor: User, reward: Reward) -> Reward:
    """Off the catalogue; what was reserved can still be picked up."""
    _check_admin(actor)
    if not Reward.objects.filter(pk=reward.pk, active=True).update(active=False):
        raise Refused(_("This reward is already off the catalogue."), code="inactive")
    reward.active = False
    audit_record(actor=actor, action="reward.deactivate", subject=reward)
    return reward


@transaction.atomic
def redemption_cancel(*, redemption: Redemption, actor: User) -> Redemption:
    if redemption.user_id != actor.pk:
        check_scope(actor, redemption.reward.pickup_venue)
    redemption = transition(redemption, "cancel", actor=actor)
    Reward.objects.filter(pk=redemption.reward_id).update(stock=F("stock") + 1)
    points_post(
        user=redemption.user,
        amount=redemption.points,
        reason=PointsEntry.Reason.REFUND,
        redemption=redemption,
    )
    return redemption


@transaction.atomic
def redemption_pick_up(*, venue: Venue, code: str, actor: User) -> Redemption:
    check_scope(actor, venue)
    redemption = (
        Redemption.objects.filter(
            code=code.strip().upper(),
            state=Redemption.State.RESERVED,
            reward__pickup_venue=venue,
        )
        .select_related("reward", "user")
        .first()
    )
    if redemption is None:
        raise Refused(_("No reward waits here with this code."), code="no_such_code")
    return transition(
        redemption, "pick_up", actor=actor, fields={"picked_up_at": timezone.now()}
    )


# Volunteer activities: the activities app's, run for a team


@transaction.atomic
def team_activity_link(
    *, team: Team, activity: Activity, kind: str, actor: User
) -> TeamActivity:
    """The host venue's staff say an activity is a team's volunteer service."""
    check_scope(actor, activity.venue)
    if activity.status != Activity.Status.PUBLISHED:
        raise Refused(_("This activity was cancelled."), code="cancelled")
    if TeamActivity.objects.filter(activity=activity).exists():
        raise Refused(
            _("This activity already belongs to a team."), code="already_linked"
        )
    link = TeamActivity.objects.create(team=team, activity=activity, kind=kind)
    audit_record(
        actor=actor, action="teamactivity.create", subject=activity, details=team.name
    )
    return link


def activity_hours(activity: Activity) -> decimal.Decimal:
    """Its length, in half hours, at most a day."""
    seconds = (activity.ends_at - activity.starts_at).total_seconds()
    half_hours = max(1, round(seconds / 1800))
    return min(decimal.Decimal(half_hours) / 2, MAX_HOURS)


@transaction.atomic
def team_activity_post_hours(*, link: TeamActivity, actor: User) -> int:
    """Service hours for everyone checked in, once the activity is over."""
    activity = link.activity
    check_scope(actor, activity.venue)
    if activity.ends_at > timezone.now():
        raise Refused(_("Hours are posted once the activity is over."), code="not_over")
    link = TeamActivity.objects.select_for_update().get(pk=link.pk)
    if link.hours_posted_at is not None:
        raise Refused(_("The hours were posted already."), code="posted")
    hours = activity_hours(activity)
    attended = activity.signups.filter(state=SignUp.State.ATTENDED)
    HoursEntry.objects.bulk_create(
        HoursEntry(
            user_id=signup.user_id,
            hours=hours,
            kind=link.kind,
            organization_id=link.team.organization_id,
            team_id=link.team_id,
            served_on=timezone.localdate(activity.starts_at),
            activity=activity,
            made_by=actor,
        )
        for signup in attended
    )
    TeamActivity.objects.filter(pk=link.pk).update(hours_posted_at=timezone.now())
    audit_record(actor=actor, action="teamactivity.hours", subject=activity)
    return attended.count()


# Certificates


@transaction.atomic
def certificate_issue(*, user: User) -> Certificate:
    """A new record of the hours so far; the PDF and the check read it later."""
    if not HoursEntry.objects.filter(user=user).exists():
        raise Refused(_("No service hours yet."), code="no_hours")
    totals = HoursEntry.objects.filter(user=user).aggregate(hours=Sum("hours"))
    services = HoursEntry.objects.filter(
        user=user, reverses__isnull=True, reversal__isnull=True
    ).count()
    return Certificate.objects.create(
        user=user,
        code=secrets.token_urlsafe(16),
        hours=totals["hours"] or 0,
        services=services,
    )
