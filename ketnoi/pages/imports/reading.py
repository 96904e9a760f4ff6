"""Import of metrics files: the product's template, and the two exports of Meta Business Suite.

Recognised by a required subset of their columns (never by position, since Meta's columns drift):

* ``template``      the product's own: page (id in Kết Nối or address), date, and any of the figures.
* ``meta_content``  Meta's post-level content export (Post ID, Page ID, Publish time, Reach, ...): rows are
                    aggregated per page and day into posts, reach and engagement (figures of the page, never
                    anything about a person); pages are matched by their platform id.
* ``meta_page``     Meta's page-level daily series (Date, Page followers / Lifetime Total Follows ...):
                    it names no page, so the caller gives one.
* ``meta_metric``   Meta's per-metric daily export: a line naming the metric ("Facebook follows", "Views"...)
                    above a ``"Date","Primary"`` header, one row per day. Recognised by that line; a metric
                    the product keeps is imported (``META_METRICS``), any other is named as not kept.
                    It names no page either.

Files may be UTF-8 (with or without BOM) or UTF-16 with a ``sep=,`` first line, CSV or XLSX. Meta adds a
description row under the header in some versions; it is skipped. Nothing is written unless every row is good;
the same file imported twice leaves the same data.

This module reads the file (no database here).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import values as V
from ketnoi.lib.textfiles import decode_text
from ketnoi.lib.vn_text import fold
from ketnoi.pages.models import METRIC_KEYS, METRIC_MAX

MAX_ROWS = 5_000_000

# Column names, folded (lower case, no diacritics, single spaces). Exact matches only: "new follows" is not
# "followers". Meta renamed page_fans (likes) to page_follows (followers) in 2025; both are kept as they are.
TEMPLATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "page": ("page", "trang", "ma trang", "page id ket noi", "dia chi", "address", "url"),
    "date": ("date", "ngay", "day"),
    "followers": ("followers", "nguoi theo doi", "luot theo doi"),
    "likes": ("likes", "luot thich"),
    "members": ("members", "thanh vien"),
    "posts": ("posts", "bai dang", "so bai dang"),
    "reach": ("reach", "luot tiep can", "tiep can"),
    "engagement": ("engagement", "luot tuong tac", "tuong tac"),
}
META_PAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "ngay"),
    "followers": (
        "page followers",
        "lifetime total follows",
        "facebook page follows",
        "total follows",
        "page follows",
        "page_follows",
        "followers",
        "nguoi theo doi trang",
    ),
    "likes": ("facebook page likes", "lifetime total likes", "page likes", "page_fans", "luot thich trang"),
    "reach": (
        "reach",
        "page reach",
        "daily page reach",
        "total reach",
        "facebook reach",
        "page_impressions_unique",
    ),
    "engagement": (
        "engagement",
        "post engagements",
        "page post engagements",
        "page_post_engagements",
        "content interactions",
        "tuong tac",
    ),
}
META_CONTENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "post_id": ("post id",),
    "page_id": ("page id",),
    "publish_time": ("publish time", "published", "thoi gian dang"),
    "reach": ("reach", "post reach"),
    "engagement": ("reactions, comments and shares", "engagement", "post engagements"),
    "reactions": ("reactions",),
    "comments": ("comments",),
    "shares": ("shares",),
}
# Meta's per-metric exports, by their metric line (folded) -> the figure the product keeps. Not listed (so
# named as not kept): "Views" (impressions), "Visits", "Link clicks", and "Facebook follows"/"Follows", which
# count the new follows of each day, not the page's followers.
META_METRICS: dict[str, str] = {
    "facebook total follows": "followers",
    "total follows": "followers",
    "lifetime total follows": "followers",
    "facebook followers": "followers",
    "page followers": "followers",
    "followers": "followers",
    "facebook page likes": "likes",
    "page likes": "likes",
    "facebook reach": "reach",
    "reach": "reach",
    "viewers": "reach",
    "facebook viewers": "reach",
    "content interactions": "engagement",
    "facebook content interactions": "engagement",
    "interactions": "engagement",
}
TEMPLATE_HEADER = ["page", "date", "followers", "likes", "members", "posts", "reach", "engagement"]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line and self.column:
            return _("line %(line)s, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line:
            return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


class ImportFailed(ValidationError):
    """The file has bad rows; nothing was written. ``errors`` lists every one of them."""

    def __init__(self, file_name: str, errors: list[RowError]) -> None:
        self.file_name = file_name
        self.errors = errors
        super().__init__(
            _("%(file)s: %(count)s problem(s); nothing was imported.")
            % {"file": file_name, "count": len(errors)},
            fields={f"{e.line}:{e.column}": e.message for e in errors[:200]},
        )


@dataclass
class ImportResult:
    file_name: str
    kind: str
    rows: int = 0
    snapshots: int = 0
    changed: int = 0
    pages: set[int] = field(default_factory=set)


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    metric: str = ""  # the metric line of Meta's per-metric export, as written ("Facebook follows")


# --- Reading ---


def _decode(data: bytes) -> str:
    return decode_text(data)


def _sniff(data: bytes) -> tuple[str, str, int]:
    """The text (without a ``sep=`` line), its delimiter and how many lines were dropped."""
    text = _decode(data)
    newline = text.find("\n")
    first_line = text[: newline if newline >= 0 else len(text)].rstrip("\r")
    first = first_line.strip().strip('"')
    if first.lower().startswith("sep=") and len(first) >= 5:
        return (text[newline + 1 :] if newline >= 0 else ""), first[4], 1
    if first_line.count(";") > first_line.count(",") and first_line.count(";") > first_line.count("\t"):
        return text, ";", 0
    if first_line.count("\t") > first_line.count(","):
        return text, "\t", 0
    return text, ",", 0


def _header(text: str, delimiter: str) -> list[str]:
    for cells in csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter):
        if any(c.strip() for c in cells):
            return [c.strip() for c in cells]
    return []


def read_table(data: bytes, file_name: str) -> Table:
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, file_name)
    try:
        text, delimiter, skip = _sniff(data)
    except UnicodeDecodeError:
        raise ImportFailed(file_name, [RowError(0, "", _("The file cannot be read as text."))]) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    metric = ""
    rows: list[tuple[int, list[str]]] = []
    append = rows.append
    try:
        for cells in reader:
            if not (cells and cells[0] and not cells[0].isspace()) and not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                if not metric and not rows and len([c for c in header if c]) == 1 and skip:
                    # Meta's per-metric export: the line under "sep=," names the metric; the header follows.
                    metric, header = header[0], None
                continue
            append((reader.line_num + skip, cells))
    except csv.Error as exc:  # a quoted field running over many lines past the reader's limit
        line = reader.line_num + skip
        message = _("A field is longer than %(limit)s characters or its quotes are not closed.") % {
            "limit": "131.072"
        }
        raise ImportFailed(file_name, [RowError(line, "", message)]) from exc
    if header is None:
        raise ImportFailed(file_name, [RowError(0, "", _("The file is empty."))])
    return Table(header, rows, metric=metric)


def _read_xlsx(data: bytes, file_name: str) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any unreadable workbook is one error for the user
        raise ImportFailed(file_name, [RowError(0, "", _("The workbook cannot be read."))]) from exc
    sheet = book.worksheets[0]
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else _cell_text(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            continue
        rows.append((index, cells))
    book.close()
    if header is None:
        raise ImportFailed(file_name, [RowError(0, "", _("The file is empty."))])
    return Table(header, rows)


def _cell_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _find_columns(header: list[str], spec: dict[str, tuple[str, ...]]) -> dict[str, int]:
    folded = [fold(h).strip('"').strip() for h in header]
    found: dict[str, int] = {}
    for key, names in spec.items():
        for name in names:
            if name in folded:
                found[key] = folded.index(name)
                break
    return found


def detect(table: Table) -> tuple[str, dict[str, int]]:
    """The kind of file and where each known column is; ``unknown`` when no kind fits."""
    folded = [fold(h).strip('"').strip() for h in table.header]
    if table.metric and folded[:2] == ["date", "primary"]:
        key = META_METRICS.get(fold(table.metric).strip('"').strip())
        return "meta_metric", ({"date": 0, key: 1} if key else {"date": 0})
    content = _find_columns(table.header, META_CONTENT_COLUMNS)
    if {"post_id", "page_id", "publish_time"} <= content.keys():
        return "meta_content", content
    template = _find_columns(table.header, TEMPLATE_COLUMNS)
    if {"page", "date"} <= template.keys() and set(METRIC_KEYS) & template.keys():
        return "template", template
    page = _find_columns(table.header, META_PAGE_COLUMNS)
    if "date" in page and set(METRIC_KEYS) & page.keys():
        return "meta_page", page
    return "unknown", {}


# --- Values ---


def parse_count(text: str, key: str = "", *, export: bool = False) -> int | None:
    """A count of a metrics file, read by ``ketnoi.lib.values``: the template is typed by people (Vietnamese
    dialect: '16.000', '16 000', '16000' -> 16000), Meta's exports are written by a machine in the export's
    language (``export=True``: '1,200' or '1.200' -> 1200). '' or a dash -> None (missing); at most what the
    figure's column stores. Raises ``ValueRefused`` (a ValueError) with a message naming the value."""
    if text.isdigit() and text.isascii() and len(text) < 10:
        return int(text)  # the common case, fast
    value = text.strip()
    if value in ("", "-", "—", "N/A", "n/a"):
        return None
    maximum = METRIC_MAX.get(key, V.MAX_MAGNITUDE)
    if export:
        return V.parse_export_count(value, maximum=maximum)
    number = V.parse_number(value, dialect=V.VIETNAMESE, integer=True, maximum=maximum)
    if number is None or number < 0:
        raise V.ValueRefused(_("“%(value)s” is not a whole number.") % {"value": value}, text=value)
    return int(number)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_day(text: str, *, month_first: bool = False) -> dt.date:
    """ISO dates, or dd/mm/yyyy (mm/dd/yyyy when ``month_first``, as Meta writes them); time is ignored."""
    value = text.strip()
    m = _ISO.match(value)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _SLASHED.match(value)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return dt.date(year, a, b) if month_first else dt.date(year, b, a)
    raise ValueError(value)


def _month_first(cells: Iterator[str]) -> bool:
    """Meta writes 03/15/2025. A file is month-first unless some date's first number is above 12."""
    for text in cells:
        m = _SLASHED.match(text.strip())
        if m and int(m.group(1)) > 12:
            return False
    return True


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _is_description_row(table: Table, columns: dict[str, int], date_key: str) -> bool:
    """Meta's second header row ("Lifetime: The total number of people ...") has text where numbers belong."""
    if not table.rows:
        return False
    _, cells = table.rows[0]
    try:
        parse_day(_cell(cells, columns.get(date_key)), month_first=True)
        return False
    except ValueError:
        pass
    metric_cells = [_cell(cells, i) for k, i in columns.items() if k != date_key]
    return any(re.search(r"[A-Za-z]{3}", c) for c in metric_cells) or not _cell(cells, columns.get(date_key))
