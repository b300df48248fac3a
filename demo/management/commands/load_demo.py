"""``manage.py load_demo``: the Putuo demo in every app; prints the accounts."""

from django.core.management.base import BaseCommand

from demo.load import load_demo

ROLE_LABELS = {
    "worker": "职工 worker",
    "manager": "场所管理员 venue manager",
    "system_admin": "系统管理员 system admin",
    "representative": "职工代表 workers' representative",
    "organization_admin": "区妇联管理员 women's federation admin",
}
URLS = [
    ("用户端 user end", "http://127.0.0.1:8000/"),
    ("场所管理端 venue-manager end", "http://127.0.0.1:8000/manage/"),
    ("系统管理端 system-admin end", "http://127.0.0.1:8000/console/"),
]


class Command(BaseCommand):
    help = (
        "Load the Putuo District demo data. Safe to run again: it keeps what "
        "people did and sends no e-mail."
    )

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 2
        summary = load_demo(say=self.stdout.write if verbose else None)

        out = self.stdout.write
        out(
            self.style.SUCCESS(
                f"演示数据已加载 Demo data loaded in {summary['seconds']} s: "
                f"{summary['venues']} 个场所 venues "
                f"({summary['union_venues']} 个工会 union, "
                f"{summary['bookable_venues']} 个可预约 bookable), "
                f"{summary['spaces']} 个空间 spaces, "
                f"{summary['photos']} 张照片 photos "
                f"({summary['photos_created']} new), "
                f"{summary['daily_stats']} 条每日统计 daily stats."
            )
        )
        out(
            f"演示活动 Demo activity: {summary['visits']} 次到访 visits, "
            f"{summary['reviews']} 条评价 reviews, "
            f"{summary['appeals']} 条诉求 feedback items, "
            f"{summary['pending_requests']} 个待审核预约 requests awaiting approval; "
            f"{summary['activities']} 场活动 activities in "
            f"{summary['series']} 个系列 series; "
            f"{summary['notice']} 条通知 notices, {summary['policy']} 条政策法规 "
            "policies; "
            f"{summary['representatives']} 名职工代表 representatives, "
            f"{summary['proposals']} 件提案 proposals; "
            "近三个月指数已计算 indexes of the last three months computed."
        )
        out("")
        out("演示账号 Demo accounts:")
        rows = [("role", "username", "phone", "password")] + [
            (ROLE_LABELS.get(a["role"], a["role"]), a["username"], a["phone"],
             a["password"])
            for a in summary["accounts"]
        ]  # fmt: skip
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        for n, row in enumerate(rows):
            out(
                "  "
                + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True))
            )
            if n == 0:
                out("  " + "  ".join("-" * w for w in widths))
        out("")
        for label, url in URLS:
            out(f"  {url:<34} {label}")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
