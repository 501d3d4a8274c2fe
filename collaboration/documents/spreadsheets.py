"""Tables as files for spreadsheets: CSV (UTF-8 with BOM) and XLSX.

Swedish Excel opens a CSV with semicolons as separator, and reads å, ä and ö right only
when the file starts with a byte order mark; comma-separated is offered for other programs.
The two CSV files are named apart (`…-semikolon.csv`, `…-komma.csv`). Every CSV field is
quoted. XLSX is written with openpyxl, text as text cells, and looks finished when opened (`xlsx_bytes`).

No text a person typed may run as a formula on the coordinator's computer, whichever way a
spreadsheet splits it: a CSV opened with the other separator, a field whose quotes are not
honoured, text pasted or split into columns. So the value is cut wherever a spreadsheet may
cut it (`;`, `,`, tab, carriage return, line feed), and each piece that would start a formula
(`=`, `+`, `-`, `@` or their full-width forms, after any spaces or quotes; the value itself
also when it starts with a tab or carriage return) gets an apostrophe before it, the same in
every format. A title such as `Språkcafé;=1+1;@SUM(2+2)` becomes `Språkcafé;'=1+1;'@SUM(2+2)`:
still readable, never run. Numbers and dates come from the portal, not from people, and are
written as numbers and dates, never as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpResponse
from django.utils import timezone

Cell = str | int | float | date | None
Format = Literal["csv", "csv-komma", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "csv-komma", "xlsx")
# What the file is called after its stem: the two CSV files must not be mistaken for each other.
FILE_ENDINGS: dict[Format, str] = {"csv": "-semikolon.csv", "csv-komma": "-komma.csv", "xlsx": ".xlsx"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Where a spreadsheet may cut a value into cells: either CSV separator, a tab (pasting, "text to
# columns"), and a line break where a program ignores the quotes around a field.
SPLITS_ON = ";,\t\r\n"
# What a cell starts with to be a formula; Excel also takes the full-width forms for them.
FORMULA_STARTS = "=+-@\uff1d\uff0b\uff0d\uff20"
_FORMULA_PIECE = re.compile(
    # The value itself when it starts with a tab or carriage return (a spreadsheet may drop it) ...
    r"\A(?=[\t\r])"
    # ... and the value and each piece after a split, when a formula character follows any spaces or
    # double quotes (which a spreadsheet may strip, or take as the field's own quoting): the apostrophe
    # goes right before the formula character, so the piece is text however much of that is stripped.
    rf"|(?:\A|(?<=[{re.escape(SPLITS_ON)}]))(?:[^\S{re.escape(SPLITS_ON)}]|\")*(?=[{re.escape(FORMULA_STARTS)}])"
)


@dataclass
class Sheet:
    """A table to export: a name (the file's and the sheet's), a header row and the rows."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def neutralise(value: Cell) -> Cell:
    """The value as a spreadsheet may safely show it: every piece that would start a formula gets a leading
    apostrophe (see the module's docstring). Only text is changed: numbers and dates are the portal's own."""
    if isinstance(value, str):
        return _FORMULA_PIECE.sub(lambda match: match.group() + "'", value)
    return value


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _csv_cell(value: Cell) -> str:
    value = neutralise(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(sheet: Sheet, *, delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    # Every field quoted: a separator, quote or line break inside text can never start a new cell for a
    # program that reads the file as written.
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Column widths in characters: wide enough for most values, never a column the width of a paragraph
# (longer text wraps in its cell).
MIN_WIDTH = 8
MAX_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"  # ISO 8601, the Swedish standard (SS-ISO 8601), the same as on the portal's pages
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
NUMBER_FORMAT = "#,##0"  # thousands grouped, shown with the reader's own separator (a space in Swedish Excel)


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The sheet as a workbook that looks finished when opened: a bold, frozen header row with a filter on
    every column, each column as wide as its content (within MIN_WIDTH and MAX_WIDTH, longer text wrapped),
    dates and times as date cells in ISO 8601, whole numbers as numbers grouped by thousands."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    rows = [list(row) for row in sheet.rows]
    header = list(sheet.header)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet.name[:31])
    for index, width in enumerate(_widths(header, rows), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    if header:
        worksheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    worksheet.append([_xlsx_cell(worksheet, h, header=True) for h in header])
    for row in rows:
        worksheet.append([_xlsx_cell(worksheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shown_length(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, date):
        return len(DATE_FORMAT)
    if isinstance(value, int):
        return len(f"{value:,}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(header: list[str], rows: list[list[Cell]]) -> list[float]:
    widths = []
    for index, title in enumerate(header):
        longest = max([len(title) + 3, *(_shown_length(row[index]) for row in rows if index < len(row))])
        widths.append(float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths


def _xlsx_cell(worksheet: Any, value: Cell, *, header: bool = False) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill

    if isinstance(value, str):
        # Control characters XLSX cannot hold go first, so that what is left is judged whole.
        cell = WriteOnlyCell(worksheet, neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
        # Text is a text cell whatever it looks like: openpyxl would otherwise store text starting with "="
        # as a formula and "#N/A" as an error value.
        cell.data_type = "s"
        if header:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE3EA")
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        elif len(value) > MAX_WIDTH or "\n" in value:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        return cell
    if isinstance(value, datetime):
        # Excel has no time zones: the portal's local time.
        cell = WriteOnlyCell(worksheet, _local(value).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(worksheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(worksheet, value)
        cell.number_format = NUMBER_FORMAT
        return cell
    return value


def response(sheet: Sheet, fmt: Format, filename: str) -> HttpResponse:
    """The sheet as a download in the asked-for format, named `filename` and the format's ending."""
    if fmt == "xlsx":
        content, content_type = xlsx_bytes(sheet), XLSX_TYPE
    else:
        delimiter = "," if fmt == "csv-komma" else ";"
        content, content_type = csv_bytes(sheet, delimiter=delimiter), "text/csv; charset=utf-8"
    result = HttpResponse(content, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{filename}{FILE_ENDINGS[fmt]}"'
    return result
