"""Uploads that belong to a person or to an item not everyone may see.

They live under PRIVATE_MEDIA_ROOT (the "private" storage), which no URL maps
to. Each app serves them through its own view: the view first finds the item
in a queryset scoped to the viewer (a 404 outside it), then answers with
`serve_private`. Public uploads (venue photos) stay in the default storage
under MEDIA_ROOT.
"""

import mimetypes
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header

# The viewer's browser may keep a copy for a while; shared caches never may.
BROWSER_CACHE_SECONDS = 3600


class PrivateMediaStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT; they have no URL of their own."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        # A template asking for `.url` would publish the file: fail loudly.
        raise ValueError(
            f"{name} is private: link to the view that serves it, not to a URL."
        )


def private_storage() -> Storage:
    """For a FileField's `storage=`: a callable, so tests can swap the setting."""
    return storages["private"]


def serve_private(
    file: FieldFile,
    *,
    filename: str = "",
    as_attachment: bool = False,
    content_type: str = "",
) -> HttpResponse:
    """The file, to a viewer the calling view has already let through.

    With PRIVATE_MEDIA_ACCEL_PREFIX set, the front proxy (nginx) sends the
    bytes: the answer is empty and names the file in X-Accel-Redirect, under
    the prefix of an `internal` location aliased to PRIVATE_MEDIA_ROOT.
    Otherwise (development) Django streams the file itself.
    """
    if not file:
        raise Http404
    filename = filename or posixpath.basename(file.name)
    content_type = (
        content_type
        or mimetypes.guess_type(filename)[0]
        or mimetypes.guess_type(file.name)[0]
        or "application/octet-stream"
    )
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix}/{quote(file.name)}"
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment, filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=BROWSER_CACHE_SECONDS)
    return response


def move_files(rows, fields: list[str], *, source: str, target: str) -> int:
    """Move the rows' files between two storages, keeping their names.

    For data migrations: a row whose file is already at the target (or lost)
    is left alone, so running twice is harmless. Returns how many moved.
    """
    source_storage, target_storage = storages[source], storages[target]
    moved = 0
    for row in rows.iterator():
        for field in fields:
            name = getattr(row, field).name
            if not name or target_storage.exists(name):
                continue
            if not source_storage.exists(name):
                continue
            with source_storage.open(name, "rb") as content:
                saved = target_storage.save(name, content)
            if saved != name:  # the row would point at nothing: undo, stop
                target_storage.delete(saved)
                raise RuntimeError(f"{name} could not keep its name in {target}")
            source_storage.delete(name)
            moved += 1
    return moved
