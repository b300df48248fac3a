"""Venues in a spreadsheet: the columns, reading an upload, checking each row.

The console's import reads an .xlsx or .csv file with the columns below and
shows every row's problems before anything is created; the console's venue
download writes the same columns, so a file downloaded, edited and uploaded
again reads as it left. Headers and choices are matched in any of the site's
languages, so a file saved in English imports on the Chinese site.
"""

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from qunxian.exports import Table, spreadsheet_unsafe
from venues.models import Facility, Organization, Town, Venue

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# An .xlsx is a zip: refuse one that unpacks to far more than its venues need.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Chinese Excel saves CSV as GBK
FACILITY_SEPARATORS = re.compile(r"[,，、;；]")

#: (line number in the file, {column key: text}) for each row of venues.
Record = tuple[int, dict[str, str]]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False


COLUMNS = (
    Column("name", gettext_lazy("Name"), required=True),
    Column("organization", gettext_lazy("Organisation"), required=True),
    Column("category", gettext_lazy("Category"), required=True),
    Column("town", gettext_lazy("Street or town"), required=True),
    Column("address", gettext_lazy("Address"), required=True),
    Column("lat", gettext_lazy("Latitude (WGS-84)"), required=True),
    Column("lng", gettext_lazy("Longitude (WGS-84)"), required=True),
    Column("phone", gettext_lazy("Phone")),
    Column("description", gettext_lazy("Description")),
    Column("is_bookable", gettext_lazy("Takes bookings")),
    Column("facilities", gettext_lazy("Facilities")),
)
LABELS = {column.key: column.label for column in COLUMNS}


def _in_every_language(text) -> set[str]:
    """`text` (lazy) as each of the site's languages says it, casefolded."""
    said = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            said.add(str(text).casefold())
    return said


def _words(*texts) -> set[str]:
    return {word for text in texts for word in _in_every_language(text)}


# -- Reading the file


def read_upload(upload) -> list[Record]:
    """The rows of venues of an uploaded file; a ValidationError says why not."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    name = upload.name.lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise ValidationError(
            _("Upload an Excel file (.xlsx) or a CSV file (.csv)."), code="file_type"
        )
    return _records(rows)


def _not_excel() -> ValidationError:
    return ValidationError(
        _(
            "This file is not a real Excel workbook. Open it in Excel or WPS and "
            "save it as .xlsx (or as CSV)."
        ),
        code="not_xlsx",
    )


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed as a number
    return str(value).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise _not_excel() from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("This workbook holds far more than a list of venues."),
            code="too_large",
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a bad file
        raise _not_excel() from None
    try:
        return _bounded(
            [_xlsx_text(value) for value in values]
            for values in workbook.worksheets[0].iter_rows(values_only=True)
        )
    except ValidationError:
        raise
    except Exception:  # a damaged sheet inside a valid zip
        raise _not_excel() from None
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> list[list[str]]:
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
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(
            _("The CSV file must be saved as UTF-8 or GBK text."), code="encoding"
        )
    try:
        return _bounded(
            [spreadsheet_unsafe(value.strip()) for value in values]
            for values in csv.reader(io.StringIO(text, newline=""))
        )
    except csv.Error:
        raise ValidationError(
            _("The CSV file could not be read. Save it again from Excel as CSV."),
            code="not_csv",
        ) from None


def _blank(values: list[str]) -> bool:
    return not any(values)


def _bounded(rows: Iterable[list[str]]) -> list[list[str]]:
    """The rows, read no further than MAX_ROWS venues and a header."""
    kept, filled = [], 0
    for values in rows:
        kept.append(values)
        filled += not _blank(values)
        if filled > MAX_ROWS + 1:
            raise ValidationError(
                _(
                    "The file has more than %(count)s venues; split it into "
                    "smaller files."
                )
                % {"count": MAX_ROWS},
                code="too_many_rows",
            )
    return kept


def _header_keys(header: list[str]) -> list[str | None]:
    """The column key of each header cell; None for a blank one."""
    known = {}
    for column in COLUMNS:
        for said in _in_every_language(column.label) | {column.key}:
            known[said] = column.key
    keys, problems = [], []
    for text in header:
        if not text:
            keys.append(None)
            continue
        key = known.get(text.casefold())
        if key is None:
            problems.append(_("Unknown column “%(name)s”.") % {"name": text})
        elif key in keys:
            problems.append(_("The column “%(name)s” appears twice.") % {"name": text})
        keys.append(key)
    for column in COLUMNS:
        if column.required and column.key not in keys:
            problems.append(
                _("The column “%(name)s” is missing.") % {"name": column.label}
            )
    if problems:
        problems.append(
            _("The first row must name the columns: %(columns)s.")
            % {"columns": ", ".join(str(column.label) for column in COLUMNS)}
        )
        raise ValidationError(problems, code="header")
    return keys


def _records(rows: Iterable[list[str]]) -> list[Record]:
    numbered = [(n, values) for n, values in enumerate(rows, 1) if not _blank(values)]
    if not numbered:
        raise ValidationError(_("The file is empty."), code="empty")
    (_number, header), data = numbered[0], numbered[1:]
    keys = _header_keys(header)
    if not data:
        raise ValidationError(_("The file names its columns but lists no venues."))
    return [
        (
            number,
            {
                key: values[i] if i < len(values) else ""
                for i, key in enumerate(keys)
                if key
            },
        )
        for number, values in data
    ]


# -- Checking the rows


@dataclass
class RowCheck:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    #: The keyword arguments of `venue_create` when the row has no error.
    venue: dict | None = None

    @property
    def name(self) -> str:
        return self.values.get("name", "")


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


class Lookups:
    """What the rows name, read once for the whole file."""

    def __init__(self):
        self.organizations = {
            o.name.casefold(): o for o in Organization.objects.order_by()
        }
        self.towns = {t.name.casefold(): t for t in Town.objects.order_by()}
        self.facilities = {}
        for facility in Facility.objects.order_by():
            self.facilities[facility.code.casefold()] = facility
            self.facilities[facility.name.casefold()] = facility
        self.categories = {}
        for code, label in Venue.Category.choices:
            for said in _in_every_language(label) | {code}:
                self.categories[said] = code
        self.venue_names = {
            _same_name(name)
            for name in Venue.objects.order_by().values_list("name", flat=True)
        }
        self.yes = _words(gettext_lazy("Yes")) | {"y", "yes", "true", "1", "是"}
        self.no = _words(gettext_lazy("No")) | {"n", "no", "false", "0", "否", ""}


def _degrees(text: str, key: str, errors: list[str]) -> float | None:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        errors.append(
            _("%(column)s is not a number: “%(value)s”.")
            % {"column": LABELS[key], "value": text}
        )
        return None
    return value


def _check_row(number: int, values: dict[str, str], lookups: Lookups) -> RowCheck:
    check = RowCheck(number, values)
    errors = check.errors
    text = {column.key: values.get(column.key, "") for column in COLUMNS}
    for column in COLUMNS:
        if column.required and not text[column.key]:
            errors.append(_("%(column)s is missing.") % {"column": column.label})
    for key in ("name", "address", "phone"):
        limit = Venue._meta.get_field(key).max_length
        if len(text[key]) > limit:
            errors.append(
                _("%(column)s is longer than %(count)s characters.")
                % {"column": LABELS[key], "count": limit}
            )

    organization = town = category = None
    if text["organization"]:
        organization = lookups.organizations.get(text["organization"].casefold())
        if organization is None:
            errors.append(
                _("Unknown organisation “%(name)s”.") % {"name": text["organization"]}
            )
    if text["town"]:
        town = lookups.towns.get(text["town"].casefold())
        if town is None:
            errors.append(
                _("Unknown street or town “%(name)s”.") % {"name": text["town"]}
            )
    if text["category"]:
        category = lookups.categories.get(text["category"].casefold())
        if category is None:
            errors.append(
                _("Unknown category “%(name)s”.") % {"name": text["category"]}
            )

    lat = _degrees(text["lat"], "lat", errors) if text["lat"] else None
    lng = _degrees(text["lng"], "lng", errors) if text["lng"] else None
    if lat is not None and lng is not None:
        (south, west), (north, east) = settings.DISTRICT_BOX
        if not (south <= lat <= north and west <= lng <= east):
            errors.append(
                _(
                    "The point %(lat)s, %(lng)s is outside the district (latitude "
                    "%(south)s–%(north)s, longitude %(west)s–%(east)s). Check that "
                    "latitude and longitude are not swapped."
                )
                % {
                    "lat": text["lat"],
                    "lng": text["lng"],
                    "south": south,
                    "north": north,
                    "west": west,
                    "east": east,
                }
            )

    bookable = text["is_bookable"].casefold()
    if bookable not in lookups.yes | lookups.no:
        errors.append(
            _("%(column)s must be “%(yes)s” or “%(no)s”.")
            % {"column": LABELS["is_bookable"], "yes": _("Yes"), "no": _("No")}
        )
    facilities = []
    for name in FACILITY_SEPARATORS.split(text["facilities"]):
        if not name.strip():
            continue
        facility = lookups.facilities.get(name.strip().casefold())
        if facility is None:
            errors.append(_("Unknown facility “%(name)s”.") % {"name": name.strip()})
        else:
            facilities.append(facility)

    if not errors:
        check.venue = {
            "name": text["name"],
            "organization": organization,
            "category": category,
            "town": town,
            "address": text["address"],
            "lat": lat,
            "lng": lng,
            "phone": text["phone"],
            "description": text["description"],
            "is_bookable": bookable in lookups.yes,
            "facilities": facilities,
        }
    return check


def check_rows(records: list[Record]) -> list[RowCheck]:
    """Each row with its problems, in the file's order; a few queries in all."""
    lookups = Lookups()
    checks, first_with_name = [], {}
    for number, values in records:
        check = _check_row(number, values, lookups)
        same = _same_name(check.name)
        if same:
            if same in lookups.venue_names:
                check.errors.append(_("A venue with this name already exists."))
            elif same in first_with_name:
                check.errors.append(
                    _("The same name as row %(number)s.")
                    % {"number": first_with_name[same]}
                )
            first_with_name.setdefault(same, number)
        if check.errors:
            check.venue = None
        checks.append(check)
    return checks


# -- Writing the same columns


def venues_table(venues) -> Table:
    """`venues` in the import's columns, for the console's download."""
    venues = venues.select_related("organization", "town").prefetch_related(
        "facilities"
    )

    def rows():
        for venue in venues.order_by("name", "id").iterator(chunk_size=500):
            yield [
                venue.name,
                venue.organization.name,
                venue.get_category_display(),
                venue.town.name,
                venue.address,
                venue.lat,
                venue.lng,
                venue.phone,
                venue.description,
                venue.is_bookable,
                ", ".join(facility.name for facility in venue.facilities.all()),
            ]

    return Table(
        title=_("Venues"),
        headers=[str(column.label) for column in COLUMNS],
        rows=rows(),
    )
