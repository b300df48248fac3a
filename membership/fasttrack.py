"""A fast-track list in a CSV file: reading it and checking each row.

The file has one mobile number a row, in its first column (a header row such
as 手机号 or "phone" is skipped). Read the way the venue import reads CSV
(venues/imports.py): UTF-8 or GBK, a binary refused. What is kept between the
preview and the confirm is each row's keyed hash and a masked number for the
page, never the number itself.
"""

import csv
import io
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from membership.phones import normalised_phone, phone_digest
from qunxian.exports import spreadsheet_unsafe

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 50_000
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Chinese Excel saves CSV as GBK
HEADERS = {"phone", "mobile", "手机", "手机号", "手机号码", "电话"}


@dataclass
class PhoneRow:
    number: int  # the line in the file
    shown: str  # masked: 138****5678
    digest: str = ""
    error: str = ""

    def as_json(self) -> dict:
        return asdict(self)


def masked(text: str) -> str:
    text = text.strip()
    if len(text) <= 7:
        return "*" * len(text)
    return f"{text[:3]}****{text[-4:]}"


def _text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        raise ValidationError(
            _("The CSV file must be saved as UTF-8 or GBK text."), code="encoding"
        )
    if b"\x00" in data:  # no text file has one; a renamed binary does
        raise ValidationError(
            _("This file is not a CSV text file. Save it from Excel as CSV."),
            code="not_csv",
        )
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The CSV file must be saved as UTF-8 or GBK text."), code="encoding"
    )


def read_phone_list(upload) -> list[PhoneRow]:
    """Each row of the file with its hash or its error; a ValidationError for
    a file that cannot be read as a list."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if not upload.name.lower().endswith(".csv"):
        raise ValidationError(_("Upload a CSV file (.csv)."), code="file_type")
    text = _text(upload.read())
    rows, seen = [], {}
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            cell = spreadsheet_unsafe(values[0].strip()) if values else ""
            if not cell:
                continue
            if not rows and not seen and cell.casefold() in HEADERS:
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    _(
                        "The file has more than %(count)s numbers; split it into "
                        "smaller files."
                    )
                    % {"count": MAX_ROWS},
                    code="too_many_rows",
                )
            rows.append(_checked(number, cell, seen))
    except csv.Error:
        raise ValidationError(
            _("The CSV file could not be read. Save it again from Excel as CSV."),
            code="not_csv",
        ) from None
    if not rows:
        raise ValidationError(_("The file lists no mobile number."), code="empty")
    return rows


def _checked(number: int, cell: str, seen: dict[str, int]) -> PhoneRow:
    row = PhoneRow(number=number, shown=masked(cell))
    try:
        phone = normalised_phone(cell)
    except ValidationError:
        row.error = _("Not an 11-digit mainland mobile number.")
        return row
    digest = phone_digest(phone)
    if digest in seen:
        row.error = _("The same number as row %(number)s.") % {"number": seen[digest]}
        return row
    seen[digest] = number
    row.digest = digest
    return row
