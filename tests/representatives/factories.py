"""A congress with its office, representatives and a department, for the tests."""

import datetime

from django.utils import timezone

from representatives.models import (
    Congress,
    Department,
    LogEntry,
    Representative,
    Session,
    Term,
)
from tests.factories import OrganizationFactory, UserFactory


def congress_setup(*, representative_user=None, office_user=None, reps=3) -> dict:
    """The district union's congress: a term under way, an open session, a
    staff member, a committee member, a department with a contact, and
    representatives (the first one `representative_user` if given)."""
    today = timezone.localdate()
    congress = Congress.objects.create(
        organization=OrganizationFactory(), name="普陀区总工会职工代表大会"
    )
    staff = office_user or UserFactory(display_name="工会干事")
    committee = UserFactory(display_name="提案委员")
    congress.staff.add(staff)
    congress.committee.add(committee)
    term = Term.objects.create(
        congress=congress,
        number=5,
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=800),
    )
    session = Session.objects.create(term=term, number=2, held_on=today)
    contact = UserFactory(display_name="后勤处联系人")
    department = Department.objects.create(congress=congress, name="后勤保障处")
    department.contacts.add(contact)
    users = [representative_user] if representative_user else []
    users += [UserFactory() for _ in range(reps - len(users))]
    representatives = [
        Representative.objects.create(term=term, user=user, constituency=f"班组{n}")
        for n, user in enumerate(users, 1)
    ]
    return {
        "congress": congress,
        "term": term,
        "session": session,
        "staff": staff,
        "committee": committee,
        "department": department,
        "contact": contact,
        "representatives": representatives,
        "representative": representatives[0],
    }


def log_entry(representative, **fields) -> LogEntry:
    return LogEntry.objects.create(
        representative=representative,
        talked_on=fields.pop("talked_on", timezone.localdate()),
        text=fields.pop("text", "食堂晚班没有热饭。"),
        category=fields.pop("category", "canteen"),
        **fields,
    )


def a_proposal(**fields):
    """A draft of a new congress's first representative."""
    from representatives.models import Proposal

    made = congress_setup()
    rep = made["representative"]
    proposal = Proposal.objects.create(
        session=made["session"],
        proposer=rep,
        title=fields.pop("title", "夜班热饭"),
        reason="夜班吃不上热饭。",
        measures="留一个窗口。",
        category="canteen",
        **fields,
    )
    proposal.entries.add(log_entry(rep))
    return proposal
