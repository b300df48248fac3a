"""Check an uploaded attachment really is a PDF, and give it a random name."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from venues.images import Upload

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class CheckedPdf:
    file: ContentFile  # named <random>.pdf: the stored name reveals nothing
    display_name: str  # the uploader's file name, shown to readers


def check_pdf(upload: Upload) -> CheckedPdf:
    """A PDF by name, by size and by its first bytes, or a ValidationError.

    The magic number is what decides: a PNG renamed .pdf starts with \\x89PNG.
    """
    name = _display_name(getattr(upload, "name", "") or "")
    if not name.lower().endswith(".pdf"):
        raise ValidationError(
            _("Please attach a PDF file (its name ends in .pdf)."), code="not_pdf_name"
        )
    size = upload.size
    if size is None or size > MAX_ATTACHMENT_BYTES:
        raise _too_large()
    upload.seek(0)
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)  # .size may lie; never read more
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise _too_large()
    if not data.startswith(PDF_MAGIC):
        raise ValidationError(
            _("The file is not a PDF document, whatever its name says."),
            code="not_pdf",
        )
    return CheckedPdf(
        file=ContentFile(data, name=f"{secrets.token_hex(16)}.pdf"),
        display_name=name,
    )


def _display_name(name: str) -> str:
    """The last path part, without control characters, at most 100 characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name


def _too_large() -> ValidationError:
    return ValidationError(
        _("The file is larger than %(max)s MB."),
        code="file_too_large",
        params={"max": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
    )
