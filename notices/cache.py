"""The notices' cache version: bumped whenever a notice changes, so pages
that list the newest (the home) never outlive them."""

from django.db.models.signals import post_delete, post_save

from qunxian.caching import bump_version

NOTICES_VERSION = "notices:version"


def notices_changed(**kwargs) -> None:
    bump_version(NOTICES_VERSION)


def connect_signals() -> None:
    from notices.models import Notice

    post_save.connect(notices_changed, sender=Notice, dispatch_uid="notices-save")
    post_delete.connect(notices_changed, sender=Notice, dispatch_uid="notices-delete")
