"""Who sees and does what in a congress: anything outside is a 404.

A congress's office is its staff and its proposal committee, with the system
admins (the district union runs the district's congresses from the console):
they see its work logs and proposals and take the committee's steps. A
representative sees their own log and the proposals they raised or were asked
to co-sign; a department's contacts the proposals assigned to it; a worker the
suggestions they sent and, once submitted, the proposals those fed.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from qunxian.roles import is_system_admin
from qunxian.workflow import Refused
from representatives.models import Congress, LogEntry, Proposal


def office_congresses(user):
    if not user.is_authenticated:
        return Congress.objects.none()
    if is_system_admin(user):
        return Congress.objects.all()
    return Congress.objects.filter(
        pk__in=Congress.objects.filter(Q(staff=user) | Q(committee=user)).values("pk")
    )


def is_office(user, congress: Congress) -> bool:
    return office_congresses(user).filter(pk=congress.pk).exists()


def check_office(user, congress: Congress) -> None:
    if not is_office(user, congress):
        raise Refused(
            _("Only the congress's staff and proposal committee can do this."),
            code="out_of_scope",
        )


def visible_entries(user):
    if not user.is_authenticated:
        return LogEntry.objects.none()
    return LogEntry.objects.filter(
        Q(representative__user=user)
        | Q(worker=user)
        | Q(representative__term__congress__in=office_congresses(user))
    )


def visible_proposals(user):
    if not user.is_authenticated:
        return Proposal.objects.none()
    mine = Proposal.objects.filter(
        Q(proposer__user=user)
        | Q(cosigners__representative__user=user)
        | Q(department__contacts=user)
        | Q(session__term__congress__in=office_congresses(user))
    )
    fed = Proposal.objects.received().filter(entries__worker=user)
    return Proposal.objects.filter(
        Q(pk__in=mine.values("pk")) | Q(pk__in=fed.values("pk"))
    )
