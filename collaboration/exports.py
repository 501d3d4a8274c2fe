"""Tables as files for spreadsheets: CSV (UTF-8 with BOM) and XLSX.

Swedish Excel opens a CSV with semicolons as separator, and reads å, ä and ö right only
when the file starts with a byte order mark; comma-separated is offered for other programs.
XLSX is written with openpyxl.

A cell a spreadsheet would run as a formula (text starting with =, +, -, @, a tab or a
carriage return) is written with a leading apostrophe, in both formats: a title such as
`=HYPERLINK(...)` typed by a partner must never run on the coordinator's computer. Numbers
and dates are written as numbers and dates, never as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone

Cell = str | int | float | date | None
Format = Literal["csv", "csv-komma", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "csv-komma", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    """A table to export: a name (the file's and the sheet's), a header row and the rows."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def neutralise(value: Cell) -> Cell:
    """The value as a spreadsheet may safely show it: formula-looking text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
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
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheet: Sheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet.name[:31])
    worksheet.append([neutralise(h) for h in sheet.header])
    for row in sheet.rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                # Control characters XLSX cannot hold go first, so that what is left is judged whole.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            value = neutralise(value)
            if isinstance(value, datetime):
                value = _local(value).replace(tzinfo=None)  # Excel has no time zones: the portal's local time
            cells.append(value)
        worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(sheet: Sheet, fmt: Format, filename: str) -> HttpResponse:
    """The sheet as a download in the asked-for format."""
    if fmt == "xlsx":
        content, content_type, extension = xlsx_bytes(sheet), XLSX_TYPE, "xlsx"
    else:
        delimiter = "," if fmt == "csv-komma" else ";"
        content, content_type, extension = csv_bytes(sheet, delimiter=delimiter), "text/csv; charset=utf-8", "csv"
    result = HttpResponse(content, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return result
