"""Tables for spreadsheets, shared by every app's downloads.

A view builds a `Table` (a title, the column headers and the rows, lazily) and
answers it as CSV or XLSX with `table_response`. CSV is UTF-8 with a BOM, so
Excel reads the Chinese, and streamed; XLSX is written row by row (openpyxl's
write-only mode). Either way a text cell that a spreadsheet would run as a
formula stays text. `ExportView` is the page of a dated download: its form
(`ExportForm`: from, to, format) and, once valid, the file.
"""

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from qunxian.filters import start_of
from qunxian.forms import BoundedDateField, days_from_today

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV, XLSX = "csv", "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
CELL_TYPES = (str, int, float, decimal.Decimal, datetime.date, type(None))
# Three years of history (a year's report and the two before), a year ahead.
EXPORT_DAYS = days_from_today(back=3 * 366, ahead=366)


def spreadsheet_safe(text: str) -> str:
    """Keep a cell a spreadsheet would run as a formula (=, +, -, @) as text."""
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def spreadsheet_unsafe(text: str) -> str:
    """Undo `spreadsheet_safe`, for a file exported here and read back."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text


@dataclass
class Table:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]  # str, int, float, bool, date(time) or None
    datetime_format: str = DATETIME_FORMAT


def _text(value: object, table: Table) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime(table.datetime_format)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)  # a number, even a negative one, is no formula
    return spreadsheet_safe(str(value))


class _Echo:
    """A file whose `write` hands the line back, for streaming `csv.writer`."""

    def write(self, value):
        return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    # The rows are written after the view returns: keep the request's language.
    language = translation.get_language()

    def lines():
        with translation.override(language):
            yield "\ufeff"  # so spreadsheet programs read the Chinese as UTF-8
            yield writer.writerow(table.headers)
            for row in table.rows:
                yield writer.writerow([_text(value, table) for value in row])

    response = StreamingHttpResponse(lines(), content_type=CONTENT_TYPES[CSV])
    return _attachment(response, f"{filename}.csv")


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31] or "Sheet"


def _xlsx_cell(sheet, value: object, number_format: str):
    if not isinstance(value, CELL_TYPES):
        value = str(value)  # a lazy translation, say
    if isinstance(value, bool):
        value = _("Yes") if value else _("No")
    elif isinstance(value, datetime.datetime):
        # Excel has no time zones: the local time, as the pages show it.
        value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        cell.number_format = number_format
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str) and value[:1] in FORMULA_STARTS:
        # Stored as text, and marked so Excel keeps it text when it is edited.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(table.title))
    sheet.freeze_panes = "A2"
    for number, header in enumerate(table.headers, start=1):
        # Wide enough for the header; two units a character, for Chinese.
        sheet.column_dimensions[get_column_letter(number)].width = max(
            12, 2 * len(header) + 4
        )
    number_format = (
        "yyyy-mm-dd hh:mm:ss" if "%S" in table.datetime_format else "yyyy-mm-dd hh:mm"
    )
    bold = Font(bold=True)
    header_cells = []
    for header in table.headers:
        cell = _xlsx_cell(sheet, header, number_format)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value, number_format) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[XLSX])
    return _attachment(response, f"{filename}.xlsx")


def table_response(table: Table, *, file_format: str, filename: str) -> HttpResponse:
    """`filename` without its extension, in ASCII."""
    if file_format == XLSX:
        return xlsx_response(table, filename)
    return csv_response(table, filename)


# -- The page of a download for a range of days


class FormatField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Format"),
            choices=[(XLSX, gettext_lazy("Excel (.xlsx)")), (CSV, "CSV")],
            initial=XLSX,
            **kwargs,
        )


def _day_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FormatForm(forms.Form):
    format = FormatField()

    def __init__(self, *args, **kwargs):
        # Not id_*: the form sits on list pages beside their own filters.
        kwargs.setdefault("auto_id", "export_%s")
        super().__init__(*args, **kwargs)


class ExportForm(FormatForm):
    since = BoundedDateField(
        label=gettext_lazy("From"), window=EXPORT_DAYS, widget=_day_widget()
    )
    until = BoundedDateField(
        label=gettext_lazy("To (inclusive)"), window=EXPORT_DAYS, widget=_day_widget()
    )
    field_order = ["since", "until", "format"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("since", today - datetime.timedelta(days=30))
            self.initial.setdefault("until", today + datetime.timedelta(days=30))

    def clean(self):
        data = super().clean()
        first, last = data.get("since"), data.get("until")
        if first and last and first > last:
            raise ValidationError(
                _("The first day is after the last."), code="days_reversed"
            )
        return data

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The local start of the first day and of the day after the last."""
        return (
            start_of(self.cleaned_data["since"]),
            start_of(self.cleaned_data["until"] + datetime.timedelta(days=1)),
        )


class ExportView(TemplateView):
    """A table to download for a range of days: its form, or the file.

    Without a query it shows the form; with one, a valid query answers the
    file and a bad one the form with its errors (never a 500). A subclass sets
    `title`, `filename`, `layout`, `back_url` with its label, and answers
    `table`.
    """

    template_name = "exports/export.html"
    form_class = ExportForm
    layout = "layouts/manage.html"
    title = ""
    help_text = ""
    filename = ""
    back_url = ""  # a URL name: the list page the download comes from
    back_label = ""

    def table(self, form) -> Table:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        form = self.form_class(request.GET or None)
        if form.is_bound and form.is_valid():
            return table_response(
                self.table(form),
                file_format=form.cleaned_data["format"],
                filename=self.file_stem(form),
            )
        return self.render_to_response(self.get_context_data(form=form))

    def file_stem(self, form) -> str:
        data = form.cleaned_data
        if "since" in data:
            return f"{self.filename}-{data['since']:%Y%m%d}-{data['until']:%Y%m%d}"
        return self.filename

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            layout=self.layout,
            title=self.title,
            help_text=self.help_text,
            back_url=self.back_url,
            back_label=self.back_label,
            **kwargs,
        )
