"""Turn an uploaded file into safe stored images (venue, review and appeal photos)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from io import BytesIO
from typing import Protocol

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decompression-bomb guard, checked from the header
MAX_EDGE = 2048  # long side of the stored image
THUMB_EDGE = 480
JPEG_QUALITY = 85

# Pillow format names; MPO is the multi-picture JPEG many Android phones write.
ALLOWED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF"})

# What Pillow raises for files that are not images, or are corrupt or truncated.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
# Pillow's own guard; the warning only raises when warnings are turned into errors.
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


class Upload(Protocol):
    size: int | None

    def read(self, size: int = ..., /) -> bytes: ...
    def seek(self, offset: int, whence: int = ..., /) -> int: ...


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def process_image(upload: Upload) -> ProcessedImage:
    """Re-encode as plain JPEG: drops EXIF (GPS) and neutralises crafted files."""
    size = upload.size
    if size is None or size > MAX_UPLOAD_BYTES:
        raise _too_large()
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)  # .size may lie; never read more
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()

    try:
        with Image.open(BytesIO(data)) as probe:
            _check_header(probe)
            probe.verify()
        with Image.open(BytesIO(data)) as im:  # verify() leaves the image unusable
            _check_header(im)
            picture = _decode_small(im)
    except _BOMB_ERRORS:
        raise _too_many_pixels() from None
    except _DECODE_ERRORS:
        raise ValidationError(
            _("The file is not a valid image or it is damaged."),
            code="invalid_image",
        ) from None

    thumb = picture.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    return ProcessedImage(
        image=_encode(picture),
        thumbnail=_encode(thumb),
        width=picture.width,
        height=picture.height,
    )


def _check_header(im: Image.Image) -> None:
    """Refuse by format and by header dimensions, before any pixel data is decoded."""
    if im.format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Please upload a JPEG, PNG, WebP or GIF image."),
            code="unsupported_format",
        )
    if im.width * im.height > MAX_PIXELS:
        raise _too_many_pixels()


def _decode_small(im: Image.Image) -> Image.Image:
    """Decode, shrink to MAX_EDGE, apply EXIF orientation, flatten onto white.

    Shrinking comes before rotating and flattening so that at most about two
    full-size copies (~320 MB at MAX_PIXELS) are alive at once.
    """
    im.draft("RGB", (MAX_EDGE, MAX_EDGE))  # JPEG: decode at 1/2, 1/4 or 1/8 scale
    im.load()
    if im.mode not in ("RGB", "RGBA"):  # P, L, LA, 1, CMYK, I;16, ...
        im = im.convert("RGBA" if im.has_transparency_data else "RGB")
    im.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    ImageOps.exif_transpose(im, in_place=True)
    if im.mode == "RGBA":
        flat = Image.new("RGB", im.size, (255, 255, 255))
        flat.paste(im, mask=im)
        im = flat
    return im


def _encode(im: Image.Image) -> ContentFile:
    im.info = {}  # Pillow would carry e.g. a JPEG comment over from the source
    out = BytesIO()
    im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(16)}.jpg")


def _too_large() -> ValidationError:
    return ValidationError(
        _("The file is larger than %(max)s MB."),
        code="file_too_large",
        params={"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image is too large (more than %(max)s million pixels)."),
        code="too_many_pixels",
        params={"max": MAX_PIXELS // 1_000_000},
    )
