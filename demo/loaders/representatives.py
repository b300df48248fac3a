"""The district union's workers' congress: a term under way, its session,
representatives (one a demo account), two departments, some work log entries
and one proposal in progress, raised from the demo worker's suggestion.

Set-up rows are found by their natural keys; the log entries and the proposal
are demo rows made through the services, as people would.
"""

import datetime
from functools import partial

from django.utils import timezone

from demo.loaders import demo_row
from demo.loaders.accounts import STAFF, People
from qunxian.models import User
from representatives import services
from representatives.models import (
    Congress,
    Department,
    LogEntry,
    Proposal,
    Representative,
    Session,
    Term,
)
from venues.models import Organization

UNION = "普陀区总工会"
CONGRESS = "普陀区总工会职工代表大会"

ACCOUNT = {
    "role": "representative",
    "username": "representative",
    "phone": "13800000004",
    "display_name": "陈代表",
    "password": "representative-demo-2026",  # noqa: S105 - published demo password
}
# username → teams covered; the demo account first.
REPRESENTATIVES = {
    "representative": "供水一班、供水二班",
    "demo_chen": "管网维修班",
    "demo_wang": "客服中心",
    "demo_zhao": "水质检测班",
}
DEPARTMENTS = {"后勤保障处": "manager", "人力资源处": "admin"}
TALKS = [
    ("周大姐", "pay", "normal", "夜班津贴多年没有调整，希望按物价调整。"),
    ("", "safety", "urgent", "管网抢修时反光背心不够，夜里看不清。"),
    ("吴师傅", "training", "normal", "希望开设水质检测新设备的操作培训。"),
]
SUGGESTION = "夜班食堂没有热饭，希望晚上留一个窗口。"


def _account() -> User:
    """Reset on every run, so the printed password always works."""
    user, _ = User.objects.get_or_create(
        username=ACCOUNT["username"],
        defaults={"phone": ACCOUNT["phone"], "display_name": ACCOUNT["display_name"]},
    )
    user.phone = ACCOUNT["phone"]
    user.display_name = ACCOUNT["display_name"]
    user.is_active = True
    user.set_password(ACCOUNT["password"])
    user.save()
    return user


def _suggestion(people: People, rep: Representative) -> LogEntry:
    return services.suggestion_send(
        worker=people.worker, representative=rep, text=SUGGESTION, category="canteen"
    )


def _proposal(people, rep, session, entry, cosigners, department) -> Proposal:
    admin = people.admin
    proposal = services.proposal_create(
        proposer=rep,
        actor=rep.user,
        session=session,
        title="夜班食堂供应热饭",
        reason="夜班职工反映食堂晚上没有热饭，只能吃冷食。",
        measures="食堂夜间保留一个窗口，供应热饭热菜。",
        category="canteen",
        entries=[entry],
        cosigners=cosigners,
    )
    for cosigner in cosigners:
        services.cosigner_confirm(proposal=proposal, actor=cosigner.user)
    services.proposal_submit(proposal=proposal, actor=rep.user)
    services.proposal_decide(
        proposal=proposal, actor=admin, decision="register", reason=""
    )
    services.proposal_publish(proposal=proposal, actor=admin)
    return services.proposal_assign(
        proposal=proposal, actor=admin, department=department
    )


def load_representatives(people: People) -> dict:
    today = timezone.localdate()
    union = Organization.objects.get(name=UNION)
    congress, _ = Congress.objects.get_or_create(organization=union, name=CONGRESS)
    staff = User.objects.get(username=STAFF[UNION][0])
    congress.staff.add(staff)
    congress.committee.add(staff)
    term, _ = Term.objects.get_or_create(
        congress=congress,
        number=5,
        defaults={
            "starts_on": datetime.date(today.year - 1, 1, 1),
            "ends_on": datetime.date(today.year + 3, 12, 31),
        },
    )
    session, _ = Session.objects.get_or_create(
        term=term, number=2, defaults={"held_on": datetime.date(today.year, 1, 15)}
    )
    users = {"representative": _account()}
    users |= {user.username: user for user in people.residents}
    reps = {
        username: Representative.objects.get_or_create(
            term=term, user=users[username], defaults={"constituency": teams}
        )[0]
        for username, teams in REPRESENTATIVES.items()
    }
    contacts = {"manager": people.manager, "admin": people.admin}
    departments = {}
    for name, contact in DEPARTMENTS.items():
        departments[name], _ = Department.objects.get_or_create(
            congress=congress, name=name
        )
        departments[name].contacts.add(contacts[contact])

    rep = reps["representative"]
    for n, (worker, category, urgency, text) in enumerate(TALKS):
        demo_row(
            f"logentry:{n}",
            LogEntry,
            partial(
                services.log_entry_create,
                representative=rep,
                actor=rep.user,
                talked_on=today - datetime.timedelta(days=3 + 5 * n),
                worker_name=worker,
                text=text,
                category=category,
                urgency=urgency,
            ),
        )
    entry = demo_row("logentry:suggestion", LogEntry, partial(_suggestion, people, rep))
    demo_row(
        "proposal:canteen",
        Proposal,
        partial(
            _proposal,
            people,
            rep,
            session,
            entry,
            [reps["demo_chen"], reps["demo_wang"]],
            departments["后勤保障处"],
        ),
    )
    return {"representatives": len(reps), "proposals": session.proposals.count()}


def printed_account() -> dict[str, str]:
    return {k: ACCOUNT[k] for k in ("role", "username", "phone", "password")}
