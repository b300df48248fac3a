"""QR codes: the check-in code a person shows at the door, and links.

The manager's check-in pages read the check-in code with the camera
(static/js/qr-scan.js); the code is the same six characters they can type.
A member card carries the link of its public check.
"""

from functools import lru_cache

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def check_in_qr_code(code: str) -> segno.QRCode:
    # A full QR code: for six characters segno would pick a Micro QR, which
    # neither the browsers' BarcodeDetector nor jsQR (nor most phones) read.
    return segno.make_qr(code, error="m")


@lru_cache(maxsize=1024)
def _svg(data: str, title: str) -> SafeString:
    """Drawing a code takes milliseconds, and the same data and title always
    draw alike: each process keeps the last ones it drew."""
    svg = check_in_qr_code(data).svg_inline(scale=6, omitsize=True, title=title)
    # a viewBox, no size: the page sizes it. segno writes plain SVG markup
    # from the data alone, and escapes the title.
    return mark_safe(svg)  # noqa: S308


def check_in_qr(code: str) -> SafeString:
    return _svg(code, _("Check-in code"))


def link_qr(url: str, *, title: str) -> SafeString:
    """A QR code of an absolute URL, for a phone's camera to open."""
    return _svg(url, str(title))
