"""The one guard against formula injection in every CSV and XLSX file the product hands out.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, one that
starts with a tab or a carriage return) as a formula, so a page named ``=HYPERLINK("http://evil", "x")`` or
a report comment ``=cmd|' /C calc'!A0`` would run on the computer of whoever opens the export.

The rule, the same in every export:

* A text cell that starts with one of ``= + - @``, a tab or a carriage return gets a leading apostrophe
  (``'=cmd…``), which spreadsheets show as text and never run.
* A plain number written as text (``-5``, ``+84``, ``-1.5``, ``2.5e-3``) is left as it is: it cannot be a
  formula, and a DHIS2 data value or a figure must stay a number (a negative figure stays negative).
* Numbers, dates and empty cells are not text and are never touched.

CSV exports write through ``csv_writer`` and XLSX exports save through ``workbook_bytes``, which checks every
cell of every sheet, so a heading or a title added later is covered without anyone remembering to call it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def safe_text(value: str) -> str:
    """The text as a spreadsheet will show it and never run it (see the module's rule)."""
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def unescape_text(value: str) -> str:
    """The text before ``safe_text``: a file exported by the product and read back keeps its exact text."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def safe_cell(value: Any) -> Any:
    """``safe_text`` for text; anything else (numbers, dates, None) unchanged."""
    return safe_text(value) if isinstance(value, str) else value


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``.

    ``csv`` quotes a field only for the characters of its own line ending, so with ``lineterminator="\n"`` a
    carriage return inside a comment would be written bare and break the line; such rows are fully quoted.
    """

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)
        self._quoted = csv.writer(out, **{**options, "quoting": csv.QUOTE_ALL})

    def writerow(self, row: Iterable[Any]) -> Any:
        cells = [safe_cell(v) for v in row]
        if any(isinstance(c, str) and ("\r" in c or "\n" in c) for c in cells):
            return self._quoted.writerow(cells)
        return self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: Any, **options: Any) -> SafeCsvWriter:
    """The writer every CSV export uses (same options as ``csv.writer``)."""
    return SafeCsvWriter(out, **options)


def protect_workbook(book: Workbook) -> None:
    """Make every text cell of every sheet safe (openpyxl stores text starting with ``=`` as a formula)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_START):
                    escaped = safe_text(value)
                    if escaped != value or cell.data_type == "f":
                        cell.value = escaped
                        cell.data_type = "s"


def workbook_bytes(book: Workbook) -> bytes:
    """The XLSX file of ``book``, after ``protect_workbook``: every XLSX export is saved through this."""
    protect_workbook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
