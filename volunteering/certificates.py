"""志愿服务记录证明: a PDF of a volunteer's service hours, with a QR code
that opens its record on the portal.

Chinese is set in reportlab's built-in CID font STSong-Light: the PDF viewer
supplies the glyphs, so no font file ships with the site.
"""

from io import BytesIO

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from volunteering.models import Certificate, HoursEntry

FONT = "STSong-Light"
MAX_ROWS = 30  # one page; the total counts every entry


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    font = _font()
    out = BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    page.setTitle(_("Volunteer service record"))
    page.setFont(font, 20)
    page.drawCentredString(width / 2, height - 30 * mm, _("Volunteer service record"))
    page.setFont(font, 11)
    user = certificate.user
    lines = [
        _("Volunteer: %(name)s") % {"name": str(user)},
        _("Total service hours: %(hours)s") % {"hours": certificate.hours},
        _("Services: %(count)s") % {"count": certificate.services},
        _("Issued: %(date)s")
        % {"date": timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d")},
        _("Record number: %(code)s") % {"code": certificate.code},
    ]
    y = height - 45 * mm
    for line in lines:
        page.drawString(20 * mm, y, line)
        y -= 7 * mm

    y -= 5 * mm
    page.setFont(font, 10)
    columns = (20 * mm, 45 * mm, 85 * mm, 150 * mm)
    headers = (_("Date"), _("Service"), _("Organisation"), _("Hours"))
    for x, text in zip(columns, headers, strict=True):
        page.drawString(x, y, text)
    y -= 6 * mm
    entries = (
        HoursEntry.objects.filter(user=user, created_at__lte=certificate.issued_at)
        .select_related("organization", "team")
        .order_by("-served_on", "-id")[:MAX_ROWS]
    )
    for entry in entries:
        cells = (
            entry.served_on.isoformat(),
            entry.get_kind_display(),
            entry.organization.name[:24],
            str(entry.hours),
        )
        for x, text in zip(columns, cells, strict=True):
            page.drawString(x, y, text)
        y -= 6 * mm

    qr = segno.make_qr(verify_url, error="m")
    image = BytesIO()
    qr.save(image, kind="png", scale=4, border=2)
    image.seek(0)
    page.drawImage(ImageReader(image), width - 55 * mm, 20 * mm, 35 * mm, 35 * mm)
    page.setFont(font, 9)
    page.drawString(20 * mm, 25 * mm, _("Scan the code to check this record online."))
    page.drawString(20 * mm, 20 * mm, verify_url)
    page.showPage()
    page.save()
    return out.getvalue()
