"""Demand for venues, counted in H3 cells and never as personal tracks.

A position is reduced to its resolution-9 cell (edges of about 200 m) before
anything is stored, and only counts are kept: per cell, hour, source, and the
venue and category when the demand met or was refused at one. Pages show the
coarser resolution-8 parents, and any count under `SMALL_COUNT` as "<5".

Apps above venues record through `demand_record` (a booking refused for lack
of seats, a waiting list, feedback asking for a facility); an administrator
adds counts from a CSV file (`check_demand_rows`, `demand_import`).

Counts wait in the process that recorded them and are written together by
the first one recorded `DEMAND_WRITE_SECONDS` after the last write, and when
the process exits: a near-me search is not a database write. A process that
crashes, or a transaction around the write that rolls back, loses a few
seconds of counts, which a count of demand can bear.
"""

import atexit
import csv
import datetime
import io
import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field

import h3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qunxian.services import audit_record
from venues.imports import CSV_ENCODINGS
from venues.models import DemandCount, DemandSource, Venue

logger = logging.getLogger(__name__)

COVERAGE_RESOLUTION = 9
SHOWN_RESOLUTION = 8
SMALL_COUNT = 5  # counts below this are shown as "<5"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COUNT = 1_000_000


def cell_of(lat: float, lng: float) -> str:
    return h3.latlng_to_cell(lat, lng, COVERAGE_RESOLUTION)


def shown(count: int) -> str:
    """A count as a page may show it."""
    return f"<{SMALL_COUNT}" if count < SMALL_COUNT else str(count)


def demand_record(
    *,
    source: str,
    lat: float | None = None,
    lng: float | None = None,
    venue: Venue | None = None,
    category: str = "",
    count: int = 1,
    moment: datetime.datetime | None = None,
) -> None:
    """Add `count` to the cell of the position, or of the venue when there is
    none (see the module's docstring for when it is written). Call it outside
    the transaction of a refusal, which rolls back."""
    if lat is None or lng is None:
        lat, lng = venue.lat, venue.lng
    local = timezone.localtime(moment or timezone.now())
    key = (
        local.date(),
        local.hour,
        source,
        cell_of(lat, lng),
        category or (venue.category if venue else ""),
        venue.pk if venue else None,
    )
    _pending[key] += count
    elapsed = time.monotonic() - _written_at[0]
    # A clock that went back (a frozen one in tests) is due at once.
    if not 0 <= elapsed < settings.DEMAND_WRITE_SECONDS or len(_pending) >= MAX_PENDING:
        write_pending_demand()


# (date, hour, source, cell, category, venue id) -> count not yet written
_pending: Counter = Counter()
_written_at = [time.monotonic()]
MAX_PENDING = 1_000  # keys; written sooner when this many wait


def write_pending_demand() -> None:
    """Write what this process has counted, in one transaction."""
    _written_at[0] = time.monotonic()
    if not _pending:
        return
    batch = dict(_pending)
    _pending.clear()
    _write(batch)


def _lock_order(item) -> tuple:
    (date, hour, source, cell, category, venue_id), _count = item
    return (date, hour, source, cell, category, venue_id is not None, venue_id or 0)


def _write(batch: dict) -> None:
    """Upsert the counts in one transaction, in one order for every process:
    two workers writing the same rows at once then lock them in the same
    order, and neither waits for the other in a deadlock."""
    with transaction.atomic(savepoint=False):
        for key, count in sorted(batch.items(), key=_lock_order):
            date, hour, source, cell, category, venue_id = key
            _add(
                date=date,
                hour=hour,
                source=source,
                cell=cell,
                category=category,
                venue_id=venue_id,
                count=count,
            )


def _write_at_exit() -> None:
    try:
        write_pending_demand()
    except DatabaseError:
        logger.warning("Demand counts lost at exit", exc_info=True)


atexit.register(_write_at_exit)


def _add(*, date, hour, source, cell, category, venue_id, count) -> None:
    """Insert the count, or add it to the row already there: one statement
    (an upsert on the partial unique index), so two requests never race."""
    q = connection.ops.quote_name
    table = q(DemandCount._meta.db_table)
    key = ["date", "hour", "source", "cell", "category"]
    if venue_id is not None:
        key.append("venue_id")
    where = f"{q('venue_id')} IS {'NOT ' if venue_id is not None else ''}NULL"
    columns = ", ".join(map(q, [*key[:5], "venue_id", "count"]))
    # Names from the model, values bound: nothing from a request is formatted.
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({', '.join(map(q, key))}) WHERE {where} "
        f"DO UPDATE SET {q('count')} = {table}.{q('count')} + excluded.{q('count')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, hour, source, cell, category, venue_id, count])


# -- An administrator's upload: counts by cell or by point


@dataclass(frozen=True)
class Column:
    key: str
    label: object


COLUMNS = (
    Column("cell", gettext_lazy("H3 cell")),
    Column("lat", gettext_lazy("Latitude (WGS-84)")),
    Column("lng", gettext_lazy("Longitude (WGS-84)")),
    Column("count", gettext_lazy("Count")),
    Column("category", gettext_lazy("Category")),
)


def read_demand_csv(upload) -> list[tuple[int, dict[str, str]]]:
    """The numbered rows of an uploaded CSV; a ValidationError says why not."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    if b"\x00" in data:
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
        rows = [
            (number, [value.strip() for value in values])
            for number, values in enumerate(csv.reader(io.StringIO(text)), 1)
            if any(value.strip() for value in values)
        ]
    except csv.Error:
        raise ValidationError(
            _("The CSV file could not be read. Save it again from Excel as CSV."),
            code="not_csv",
        ) from None
    if len(rows) < 2:
        raise ValidationError(_("The file lists no demand."), code="empty")
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError(
            _("The file has more than %(count)s rows; split it into smaller files.")
            % {"count": MAX_ROWS},
            code="too_many_rows",
        )
    known = {}
    for column in COLUMNS:
        known[column.key] = column.key
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                known[str(column.label).casefold()] = column.key
    header = [known.get(value.casefold()) for value in rows[0][1]]
    has_cell = "cell" in header
    has_point = "lat" in header and "lng" in header
    if "count" not in header or not (has_cell or has_point):
        raise ValidationError(
            _(
                "The first row must name the columns: count, and either cell "
                "or lat and lng (category is optional)."
            ),
            code="header",
        )
    return [
        (
            number,
            {
                key: values[i] if i < len(values) else ""
                for i, key in enumerate(header)
                if key
            },
        )
        for number, values in rows[1:]
    ]


@dataclass
class DemandRow:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    cell: str = ""
    count: int = 0
    category: str = ""


def _categories() -> dict[str, str]:
    said = {}
    for code, label in Venue.Category.choices:
        said[code] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                said[str(label).casefold()] = code
    return said


def _number(text: str, label, errors: list[str]) -> float | None:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        errors.append(
            _("%(column)s is not a number: “%(value)s”.")
            % {"column": label, "value": text}
        )
        return None
    return value


def check_demand_rows(records) -> list[DemandRow]:
    """Each row with its problems, in the file's order."""
    categories = _categories()
    (south, west), (north, east) = settings.DISTRICT_BOX
    labels = {column.key: column.label for column in COLUMNS}
    checked = []
    for number, values in records:
        row = DemandRow(number, values)
        errors = row.errors
        count = _number(values.get("count", ""), labels["count"], errors)
        if count is not None:
            if not count.is_integer() or not 0 < count <= MAX_COUNT:
                errors.append(
                    _("The count must be a whole number from 1 to %(max)s.")
                    % {"max": MAX_COUNT}
                )
            else:
                row.count = int(count)
        cell = values.get("cell", "").strip().lower()
        if cell:
            if not h3.is_valid_cell(cell):
                errors.append(_("“%(cell)s” is not an H3 cell.") % {"cell": cell})
            elif h3.get_resolution(cell) < COVERAGE_RESOLUTION:
                errors.append(
                    _("The cell “%(cell)s” is coarser than resolution %(res)s.")
                    % {"cell": cell, "res": COVERAGE_RESOLUTION}
                )
            else:
                cell = h3.cell_to_parent(cell, COVERAGE_RESOLUTION)
                lat, lng = h3.cell_to_latlng(cell)
        elif values.get("lat") or values.get("lng"):
            lat = _number(values.get("lat", ""), labels["lat"], errors)
            lng = _number(values.get("lng", ""), labels["lng"], errors)
            if lat is not None and lng is not None:
                cell = cell_of(lat, lng) if -90 <= lat <= 90 else ""
        else:
            errors.append(_("Give a cell, or a latitude and a longitude."))
        if cell and not errors:
            if not (south <= lat <= north and west <= lng <= east):
                errors.append(_("This place is outside the district."))
        text = values.get("category", "").strip()
        if text:
            row.category = categories.get(text.casefold(), "")
            if not row.category:
                errors.append(_("Unknown category “%(name)s”.") % {"name": text})
        if not errors:
            row.cell = cell
        checked.append(row)
    return checked


def demand_import(*, actor, rows: list[DemandRow], date: datetime.date) -> int:
    """Add the good rows' counts as uploaded demand on `date`; how many rows."""
    good = [row for row in rows if not row.errors]
    with transaction.atomic():
        for row in good:
            _add(
                date=date,
                hour=0,
                source=DemandSource.UPLOADED,
                cell=row.cell,
                category=row.category,
                venue_id=None,
                count=row.count,
            )
        if good:
            audit_record(
                actor=actor,
                action="demand.upload",
                subject=DemandCount.objects.get(
                    date=date,
                    hour=0,
                    source=DemandSource.UPLOADED,
                    cell=good[-1].cell,
                    category=good[-1].category,
                    venue=None,
                ),
                details=f"{len(good)} rows, {sum(row.count for row in good)} in all",
            )
    return len(good)
