"""The directory's cache version: bumped whenever anything a visitor sees of a
venue changes, so cached anonymous pages never outlive the data."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from qunxian.caching import bump_version

DIRECTORY_VERSION = "venues:directory-version"


def directory_changed(**kwargs) -> None:
    bump_version(DIRECTORY_VERSION)


def connect_signals() -> None:
    from venues import models

    for model in (
        models.Organization,
        models.Town,
        models.Facility,
        models.Venue,
        models.VenuePhoto,
        models.OpeningHours,
        models.Closure,
        models.PublicHoliday,
        models.Space,
    ):
        post_save.connect(directory_changed, sender=model, dispatch_uid=f"dir-{model}")
        post_delete.connect(
            directory_changed, sender=model, dispatch_uid=f"dir-d-{model}"
        )
    m2m_changed.connect(
        directory_changed,
        sender=models.Venue.facilities.through,
        dispatch_uid="dir-m2m",
    )
