"""Tables as files for spreadsheets: CSV (UTF-8 with BOM) and XLSX.

Swedish Excel opens a CSV with semicolons as separator, and reads å, ä and ö right only
when the file starts with a byte order mark; comma-separated is offered for other programs.
The two CSV files are named apart (`…-semikolon.csv`, `…-komma.csv`). Every CSV field is
quoted. XLSX is written with openpyxl, text as text cells.

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


def xlsx_bytes(sheet: Sheet) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet.name[:31])
    worksheet.append([_xlsx_cell(worksheet, h) for h in sheet.header])
    for row in sheet.rows:
        worksheet.append([_xlsx_cell(worksheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(worksheet: Any, value: Cell) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # Control characters XLSX cannot hold go first, so that what is left is judged whole.
        cell = WriteOnlyCell(worksheet, neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
        # Text is a text cell whatever it looks like: openpyxl would otherwise store text starting with "="
        # as a formula and "#N/A" as an error value.
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime):
        return _local(value).replace(tzinfo=None)  # Excel has no time zones: the portal's local time
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
