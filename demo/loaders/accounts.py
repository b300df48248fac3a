"""The four demo accounts people log in with, and the demo's other people.

The accounts are matched on username and reset on every run (password, phone,
name, roles), so the printed passwords always work; what their owners added
(an e-mail address, more managed venues) stays. Each organisation has a staff
member who runs its venues, so every venue's bookings and feedback are decided
by someone who manages it; the women's federation's is also its organisation
admin, one of the accounts, with the federation's own console. The other
people cannot log in: the other staff, and residents who book, review and
sign up.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from django.contrib.auth.models import Group

from qunxian.models import User
from qunxian.roles import SYSTEM_ADMIN_GROUP
from venues.models import Organization, Venue

# The manager runs the 普工@家 station and two Shenjiamen venues.
WOMEN_FEDERATION = "普陀区妇女联合会"
PUGONG_STATION = "普工@家·黄杨尖户外劳动者驿站"
MANAGED_VENUES = [PUGONG_STATION, "沈家门街道职工之家", "沈家门渔港环卫工人爱心驿站"]

DEMO_ACCOUNTS: list[dict[str, str]] = [
    {
        "role": "worker",
        "username": "worker",
        "phone": "13800000001",
        "display_name": "李师傅",
        "password": "worker-demo-2026",  # noqa: S105 - published demo password
    },
    {
        "role": "manager",
        "username": "manager",
        "phone": "13800000002",
        "display_name": "张站长",
        "password": "manager-demo-2026",  # noqa: S105 - published demo password
    },
    {
        "role": "system_admin",
        "username": "admin",
        "phone": "13800000003",
        "display_name": "区总工会管理员",
        "password": "admin-demo-2026",  # noqa: S105 - published demo password
    },
    {
        # The women's federation's staff member (see STAFF), who runs its console.
        "role": "organization_admin",
        "username": "demo_staff_women",
        "phone": "13700000103",
        "display_name": "区妇联阵地专员",
        "password": "women-demo-2026",  # noqa: S105 - published demo password
    },
]

# How messages reach each demo account besides its inbox (it can change them).
DEMO_PREFS = {
    "worker": {"channels": {"booking": ["sms"], "reminder": ["sms"]}},
    "manager": {"channels": {"alert": ["sms"]}},
    "system_admin": {"channels": {"alert": ["sms"]}},
    "organization_admin": {"channels": {"alert": ["sms"]}},
}

# (username, phone, display name)
RESIDENTS = [
    ("demo_chen", "13700000001", "陈师傅"),
    ("demo_wang", "13700000002", "王阿姨"),
    ("demo_zhao", "13700000003", "赵小哥"),
    ("demo_sun", "13700000004", "孙老师"),
    ("demo_zhou", "13700000005", "周大姐"),
    ("demo_wu", "13700000006", "吴师傅"),
    ("demo_zheng", "13700000007", "郑同学"),
    ("demo_lin", "13700000008", "林船长"),
]

# Organisation → (username, phone, display name) of its staff member.
STAFF = {
    "普陀区总工会": ("demo_staff_union", "13700000101", "区总工会阵地专员"),
    "共青团普陀区委": ("demo_staff_youth", "13700000102", "团区委阵地专员"),
    WOMEN_FEDERATION: ("demo_staff_women", "13700000103", "区妇联阵地专员"),
    "普陀区科学技术协会": ("demo_staff_science", "13700000104", "区科协阵地专员"),
    "普陀区残疾人联合会": ("demo_staff_disabled", "13700000105", "区残联阵地专员"),
    "普陀区工商业联合会": ("demo_staff_commerce", "13700000106", "区工商联阵地专员"),
}


@dataclass
class People:
    worker: User
    manager: User
    admin: User
    residents: list[User]  # the worker first, then the demo's residents
    staff: dict[int, User]  # venue id → who decides there

    def staff_for(self, venue: Venue | None) -> User:
        """Who acts for `venue`: a manager of it, or the admin for the district."""
        return self.admin if venue is None else self.staff[venue.pk]


def _person(username: str, **fields) -> User:
    user, _ = User.objects.update_or_create(username=username, defaults=fields)
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def load_accounts(venues: dict[str, Venue], hashes: dict[str, Future]) -> People:
    admins, _ = Group.objects.get_or_create(name=SYSTEM_ADMIN_GROUP)
    accounts = {}
    for spec in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=spec["username"],
            defaults={"phone": spec["phone"], "display_name": spec["display_name"]},
        )
        user.phone = spec["phone"]
        user.display_name = spec["display_name"]
        user.is_active = True
        user.is_superuser = False
        user.is_staff = False
        # Reset every run, so the printed passwords always work.
        user.password = hashes[spec["username"]].result()
        if not user.notification_prefs:
            # Text messages (the console under `make run`) show the alerts.
            user.notification_prefs = DEMO_PREFS[spec["role"]]
        user.save()
        accounts[spec["role"]] = user
    manager = accounts["manager"]
    manager.managed_venues.add(*(venues[name] for name in MANAGED_VENUES))
    accounts["system_admin"].groups.add(admins)

    residents = [accounts["worker"]] + [
        _person(username, phone=phone, display_name=name)
        for username, phone, name in RESIDENTS
    ]
    by_org = {
        org: _person(username, phone=phone, display_name=name)
        for org, (username, phone, name) in STAFF.items()
        if org != WOMEN_FEDERATION
    }
    # The federation's staff member logs in, and runs its console too.
    women_admin = accounts["organization_admin"]
    by_org[WOMEN_FEDERATION] = women_admin
    Organization.objects.get(name=WOMEN_FEDERATION).admins.add(women_admin)
    staff = {}
    for name, venue in venues.items():
        if name in MANAGED_VENUES:
            staff[venue.pk] = manager
        else:
            staff[venue.pk] = by_org[venue.organization.name]
            staff[venue.pk].managed_venues.add(venue)
    return People(
        worker=accounts["worker"],
        manager=manager,
        admin=accounts["system_admin"],
        residents=residents,
        staff=staff,
    )


def printed_accounts() -> list[dict[str, str]]:
    return [
        {k: spec[k] for k in ("role", "username", "phone", "password")}
        for spec in DEMO_ACCOUNTS
    ]
