"""The work inbox's cache version: bumped whenever anything it lists changes,
so a kept inbox never outlives the rows it was drawn from."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from qunxian.caching import bump_version

INBOX_VERSION = "dashboards:inbox-version"


def inbox_changed(**kwargs) -> None:
    bump_version(INBOX_VERSION)


def connect_signals() -> None:
    from dashboards.views import INBOX_SECTIONS

    for selectors in INBOX_SECTIONS.values():
        for model in selectors.INBOX_MODELS:
            uid = f"inbox-{model._meta.label}"
            if model._meta.auto_created:  # a through table: who manages a venue
                m2m_changed.connect(inbox_changed, sender=model, dispatch_uid=uid)
                continue
            post_save.connect(inbox_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(inbox_changed, sender=model, dispatch_uid=f"{uid}-d")
