"""The QR code a person shows at the door: their check-in code, nothing else.

The manager's check-in pages read it with the camera (static/js/qr-scan.js);
the code is the same six characters they can type.
"""

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def check_in_qr_code(code: str) -> segno.QRCode:
    # A full QR code: for six characters segno would pick a Micro QR, which
    # neither the browsers' BarcodeDetector nor jsQR (nor most phones) read.
    return segno.make_qr(code, error="m")


def check_in_qr(code: str) -> SafeString:
    svg = check_in_qr_code(code).svg_inline(
        scale=6, omitsize=True, title=_("Check-in code")
    )  # a viewBox, no size: the page sizes it
    # segno writes plain SVG markup from the code alone: nothing user-made.
    return mark_safe(svg)  # noqa: S308
