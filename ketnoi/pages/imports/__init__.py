"""Import of metrics files: the product's template, and the two exports of Meta Business Suite.

    reading.py   the file: decoding, the table, which kind of file it is, counts and dates (no database)
    formats.py   each kind of file turned into figures per page and day, every bad row named
    service.py   ``import_metrics``: rights, the fast lane for a clean template, else the row-by-row checks
    writer.py    the one writer of page figures, with a strategy per database (_postgresql, _sqlite, _generic)

Import from ``ketnoi.pages.imports`` (the names below).
"""

from __future__ import annotations

from ketnoi.pages.imports.reading import (
    MAX_ROWS,
    TEMPLATE_HEADER,
    ImportFailed,
    ImportResult,
    RowError,
    Table,
    detect,
    parse_count,
    parse_day,
    read_table,
)
from ketnoi.pages.imports.service import import_metrics, template_csv

__all__ = [
    "MAX_ROWS",
    "TEMPLATE_HEADER",
    "ImportFailed",
    "ImportResult",
    "RowError",
    "Table",
    "detect",
    "import_metrics",
    "parse_count",
    "parse_day",
    "read_table",
    "template_csv",
]
