"""Import of metrics files: the product's template, and the two exports of Meta Business Suite.

Recognised by a required subset of their columns (never by position, since Meta's columns drift):

* ``template``      the product's own: page (id in Kết Nối or address), date, and any of the figures.
* ``meta_content``  Meta's post-level content export (Post ID, Page ID, Publish time, Reach, ...): rows are
                    aggregated per page and day into posts, reach and engagement (figures of the page, never
                    anything about a person); pages are matched by their platform id.
* ``meta_page``     Meta's page-level daily series (Date, Page followers / Lifetime Total Follows ...):
                    it names no page, so the caller gives one.

Files may be UTF-8 (with or without BOM) or UTF-16 with a ``sep=,`` first line, CSV or XLSX. Meta adds a
description row under the header in some versions; it is skipped. Nothing is written unless every row is good;
the same file imported twice leaves the same data.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.exceptions import ValidationError
from ketnoi.lib.vn_text import fold
from ketnoi.pages.models import METRIC_KEYS, MetricImport, MetricSource, Page
from ketnoi.pages.urlnorm import BadAddress, canonical

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


# --- Reading ---


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if len(data) > 1 and data[1:200:2].count(0) > 40:  # UTF-16 without a byte-order mark
        return data.decode("utf-16-le" if data[1] == 0 else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258")


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
    text, delimiter, skip = _sniff(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    append = rows.append
    for cells in reader:
        if not (cells and cells[0] and not cells[0].isspace()) and not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            continue
        append((reader.line_num + skip, cells))
    if header is None:
        raise ImportFailed(file_name, [RowError(0, "", _("The file is empty."))])
    return Table(header, rows)


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

_NUMBER = re.compile(r"^\d{1,3}([.,\u00a0 ]\d{3})+$|^\d+$")


def parse_count(text: str) -> int | None:
    """'16.000', '16,000', '16 000', '16000' -> 16000; '' -> None (missing). Raises ValueError otherwise."""
    if text.isdigit():
        return int(text)
    value = text.strip()
    if value in ("", "-", "—", "N/A", "n/a"):
        return None
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    if not _NUMBER.match(value):
        raise ValueError(value)
    return int(re.sub(r"[.,\u00a0 ]", "", value))


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


# --- Parsing per kind ---

Rows = dict[tuple[int, dt.date], dict[str, int | None]]
Merged = dict[tuple[int, dt.date], list[int | None]]  # figures in METRIC_KEYS order


def _metrics(
    cells: list[str], line: int, columns: dict[str, int], header: list[str], errors: list[RowError]
) -> dict[str, int | None]:
    values: dict[str, int | None] = {}
    width = len(cells)
    for key in METRIC_KEYS:
        index = columns.get(key)
        if index is None or index >= width:
            continue
        text = cells[index]
        if text.isdigit():  # the common case, without the general parser
            values[key] = int(text)
            continue
        try:
            value = parse_count(text)
        except ValueError:
            message = _("“%(value)s” is not a whole number.") % {"value": text}
            errors.append(RowError(line, header[index], message))
            continue
        if value is not None:
            values[key] = value
    return values


def _check_day(day: dt.date, line: int, column: str, errors: list[RowError], today: dt.date) -> bool:
    if day > today:
        errors.append(
            RowError(line, column, _("%(date)s is in the future.") % {"date": day.strftime("%d/%m/%Y")})
        )
        return False
    if day.year < 2004:
        errors.append(
            RowError(line, column, _("%(date)s is too early.") % {"date": day.strftime("%d/%m/%Y")})
        )
        return False
    return True


class _PageIndex:
    """Finds pages by id, address or platform id, in few queries."""

    def __init__(self) -> None:
        self.by_pk: dict[int, Page | None] = {}
        self.by_key: dict[str, Page | None] = {}
        self.by_platform_id: dict[str, Page | None] = {}
        self.canonical_of: dict[str, str] = {}

    def preload(self, pks: set[int]) -> None:
        """Fetch every page a file names by id in a few queries."""
        wanted = sorted(pk for pk in pks if pk not in self.by_pk)
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            found = Page.objects.select_related("unit").in_bulk(chunk)
            for pk in chunk:
                self.by_pk[pk] = found.get(pk)

    def pk(self, value: int) -> Page | None:
        if value not in self.by_pk:
            self.by_pk[value] = Page.objects.select_related("unit").filter(pk=value).first()
        return self.by_pk[value]

    def address(self, value: str) -> Page | None:
        key = self.canonical_of.get(value)
        if key is None:
            key = self.canonical_of[value] = canonical(value)
        if key not in self.by_key:
            self.by_key[key] = Page.objects.select_related("unit").filter(canonical_url=key).first()
        return self.by_key[key]

    def platform_id(self, value: str) -> Page | None:
        if value not in self.by_platform_id:
            self.by_platform_id[value] = (
                Page.objects.select_related("unit")
                .filter(platform_id=value, platform__in=["facebook_page", "facebook_group"])
                .order_by("pk")
                .first()
            )
        return self.by_platform_id[value]


def _parse_template(
    table: Table, columns: dict[str, int], pages: _PageIndex, errors: list[RowError], today: dt.date
) -> Merged:
    out: Merged = {}
    seen: dict[tuple[int, dt.date], int] = {}
    page_col, date_col = table.header[columns["page"]], table.header[columns["date"]]
    page_index, date_index = columns["page"], columns["date"]
    refs = {c[page_index] for _, c in table.rows if page_index < len(c)}
    pages.preload({int(ref) for ref in refs if ref.isdigit()})
    page_of: dict[str, int | None] = {}
    day_of: dict[str, dt.date | None] = {}
    metric_columns = [(i, columns[key]) for i, key in enumerate(METRIC_KEYS) if key in columns]
    width = max(columns.values()) + 1
    for line, cells in table.rows:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        ref = cells[page_index]
        pk = page_of.get(ref, -1)
        if pk == -1:
            pk = page_of[ref] = _template_page(ref.strip(), pages)
        if pk is None:
            errors.append(
                RowError(line, page_col, _("No registered page “%(value)s”.") % {"value": ref.strip()})
            )
        text = cells[date_index]
        day = day_of.get(text, dt.date.min)
        if day == dt.date.min:
            try:
                day = parse_day(text)
            except ValueError:
                day = None
            day_of[text] = day
        if day is None:
            errors.append(
                RowError(line, date_col, _("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": text})
            )
        values: list[int | None] = [None] * len(METRIC_KEYS)
        for slot, index in metric_columns:
            cell = cells[index]
            if cell.isdigit():  # the common case, without the general parser
                values[slot] = int(cell)
            elif cell:
                try:
                    values[slot] = parse_count(cell)
                except ValueError:
                    message = _("“%(value)s” is not a whole number.") % {"value": cell}
                    errors.append(RowError(line, table.header[index], message))
        if pk is None or day is None or not _check_day(day, line, date_col, errors, today):
            continue
        key = (pk, day)
        if key in seen:
            errors.append(
                RowError(line, date_col, _("Same page and day as line %(line)s.") % {"line": seen[key]})
            )
            continue
        seen[key] = line
        out[key] = values
    return out


def _template_page(ref: str, pages: _PageIndex) -> int | None:
    try:
        page = pages.pk(int(ref)) if ref.isdigit() else pages.address(ref) if ref else None
    except BadAddress:
        page = None
    return None if page is None else page.pk


def _as_lists(rows: Rows) -> Merged:
    return {key: [values.get(k) for k in METRIC_KEYS] for key, values in rows.items()}


def _parse_meta_page(
    table: Table, columns: dict[str, int], page: Page | None, errors: list[RowError], today: dt.date
) -> Rows:
    if page is None:
        errors.append(
            RowError(0, "", _("This is Meta's page-level export; it names no page. Choose the page."))
        )
        return {}
    if _is_description_row(table, columns, "date"):
        table.rows = table.rows[1:]
    date_col = table.header[columns["date"]]
    month_first = _month_first(_cell(c, columns["date"]) for _, c in table.rows)
    out: Rows = {}
    seen: dict[dt.date, int] = {}
    for line, cells in table.rows:
        text = _cell(cells, columns["date"])
        try:
            day = parse_day(text, month_first=month_first)
        except ValueError:
            errors.append(RowError(line, date_col, _("“%(value)s” is not a date.") % {"value": text}))
            continue
        values = _metrics(cells, line, columns, table.header, errors)
        if not _check_day(day, line, date_col, errors, today):
            continue
        if day in seen:
            errors.append(RowError(line, date_col, _("Same day as line %(line)s.") % {"line": seen[day]}))
            continue
        seen[day] = line
        out[(page.pk, day)] = values
    return out


def _parse_meta_content(
    table: Table, columns: dict[str, int], pages: _PageIndex, errors: list[RowError], today: dt.date
) -> Rows:
    """Posts per page and day, with the sums of their reach and engagement."""
    out: Rows = {}
    page_col, time_col = table.header[columns["page_id"]], table.header[columns["publish_time"]]
    month_first = _month_first(_cell(c, columns["publish_time"]) for _, c in table.rows)
    seen_posts: dict[str, int] = {}
    has_engagement = "engagement" in columns or {"reactions", "comments", "shares"} & columns.keys()
    for line, cells in table.rows:
        platform_id = _cell(cells, columns["page_id"]).strip()
        page = pages.platform_id(platform_id) if platform_id else None
        if page is None:
            errors.append(
                RowError(
                    line,
                    page_col,
                    _("No registered page has the platform id “%(value)s”.") % {"value": platform_id},
                )
            )
        text = _cell(cells, columns["publish_time"])
        try:
            day: dt.date | None = parse_day(text, month_first=month_first)
        except ValueError:
            errors.append(RowError(line, time_col, _("“%(value)s” is not a date.") % {"value": text}))
            day = None
        post_id = _cell(cells, columns["post_id"]).strip()
        if post_id in seen_posts:
            errors.append(
                RowError(
                    line,
                    table.header[columns["post_id"]],
                    _("Same post as line %(line)s.") % {"line": seen_posts[post_id]},
                )
            )
            continue
        seen_posts[post_id] = line
        numbers: dict[str, int | None] = {}
        for key in ("reach", "engagement", "reactions", "comments", "shares"):
            index = columns.get(key)
            if index is None:
                continue
            try:
                numbers[key] = parse_count(_cell(cells, index))
            except ValueError:
                errors.append(
                    RowError(
                        line,
                        table.header[index],
                        _("“%(value)s” is not a whole number.") % {"value": _cell(cells, index)},
                    )
                )
        if page is None or day is None or not _check_day(day, line, time_col, errors, today):
            continue
        engagement = numbers.get("engagement")
        if engagement is None and any(
            numbers.get(k) is not None for k in ("reactions", "comments", "shares")
        ):
            engagement = sum(numbers.get(k) or 0 for k in ("reactions", "comments", "shares"))
        agg = out.setdefault((page.pk, day), {"posts": 0})
        agg["posts"] = (agg["posts"] or 0) + 1
        if "reach" in columns and numbers.get("reach") is not None:
            agg["reach"] = (agg.get("reach") or 0) + (numbers["reach"] or 0)
        if has_engagement and engagement is not None:
            agg["engagement"] = (agg.get("engagement") or 0) + engagement
    return out


# --- Import ---


def _may_write(by: Any, page: Page) -> bool:
    return (
        by is None or permissions.can(by, "edit", page.unit) or permissions.can(by, "enter_data", page.unit)
    )


def import_metrics(
    *,
    data: bytes,
    file_name: str,
    by: Any,
    page: Page | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import a metrics file all-or-nothing; ``ImportFailed`` lists every bad row (nothing is written)."""
    from django.utils import timezone

    from ketnoi.pages.bulk import upsert_merged

    today = today or timezone.localdate()
    digest = hashlib.sha256(data).hexdigest()
    fast = None if page is not None else _fast_lane(data, file_name, by, today, digest)
    if fast is not None:
        return fast
    table = read_table(data, file_name)
    if len(table.rows) > MAX_ROWS:
        raise ImportFailed(file_name, [RowError(0, "", _("The file has too many rows."))])
    kind, columns = detect(table)
    errors: list[RowError] = []
    index = _PageIndex()
    rows: Merged
    if kind == "template":
        rows = _parse_template(table, columns, index, errors, today)
    elif kind == "meta_content":
        rows = _as_lists(_parse_meta_content(table, columns, index, errors, today))
    elif kind == "meta_page":
        rows = _as_lists(_parse_meta_page(table, columns, page, errors, today))
    else:
        raise ImportFailed(
            file_name,
            [
                RowError(
                    1,
                    "",
                    _(
                        "The columns are not recognised. Use the template (page, date, followers, likes, "
                        "members, posts, reach, engagement) or an export of Meta Business Suite."
                    ),
                )
            ],
        )
    if page is not None and kind != "meta_page":
        rows = {key: v for key, v in rows.items() if key[0] == page.pk}
    pages = {pk for pk, _day in rows}
    for pk in sorted(pages):
        target = index.by_pk.get(pk) or Page.objects.select_related("unit").get(pk=pk)
        if not _may_write(by, target):
            errors.append(
                RowError(0, "", _("You may not enter figures for “%(page)s”.") % {"page": target.name})
            )
    if errors:
        errors.sort(key=lambda e: (e.line, e.column))
        raise ImportFailed(file_name, errors)
    with transaction.atomic():
        written, changed = upsert_merged(rows, source=MetricSource.IMPORT, user_id=getattr(by, "pk", None))
        MetricImport.objects.create(
            file_name=file_name[:255],
            sha256=digest,
            kind=kind,
            rows=len(table.rows),
            changed=changed,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
    return ImportResult(
        file_name, kind, rows=len(table.rows), snapshots=written, changed=changed, pages=pages
    )


def _fast_lane(data: bytes, file_name: str, by: Any, today: dt.date, digest: str) -> ImportResult | None:
    """A clean template CSV is loaded by the database, little Python per row (``fastimport``); else None."""
    from django.db import connection

    from ketnoi.pages.fastimport import try_template, try_template_sqlite

    if connection.vendor not in ("postgresql", "sqlite") or data[:4] == b"PK\x03\x04":
        return None
    try:
        text, delimiter, _skip = _sniff(data)
    except UnicodeDecodeError:
        return None
    header = _header(text, delimiter)
    if not text.lstrip().startswith(tuple(header[:1]) or ("\x00",)):
        return None  # blank or odd lines before the header: the ordinary reader handles them
    kind, columns = detect(Table(header, []))
    if kind != "template":
        return None
    index = _PageIndex()
    pages: set[int] = set()

    def resolve(ref: str) -> Page | None:
        try:
            found = index.pk(int(ref)) if ref.isdigit() else index.address(ref) if ref else None
        except BadAddress:
            return None
        if found is not None:
            pages.add(found.pk)
        return found

    common: dict[str, Any] = {
        "text": text,
        "header": header,
        "columns": columns,
        "resolve_page": resolve,
        "may_write": lambda p: _may_write(by, p),
        "today": today,
        "source": MetricSource.IMPORT,
        "user_id": getattr(by, "pk", None),
        "preload_pages": index.preload,
    }
    with transaction.atomic():
        if connection.vendor == "sqlite":
            done = try_template_sqlite(**common) if delimiter == "," else None
        else:
            done = try_template(delimiter=delimiter, **common)
        if done is None:
            return None
        rows, changed = done
        MetricImport.objects.create(
            file_name=file_name[:255],
            sha256=digest,
            kind=kind,
            rows=rows,
            changed=changed,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
    return ImportResult(file_name, kind, rows=rows, snapshots=rows, changed=changed, pages=pages)


def template_csv() -> str:
    """The template, with two example lines (a page and a group) in the format people type."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADER)
    writer.writerow(
        ["https://facebook.com/tuhaobinhphuoc", "31/01/2025", "20000", "16000", "", "12", "45000", "3100"]
    )
    writer.writerow(
        ["https://facebook.com/groups/binhphuocxinchao", "31/01/2025", "", "", "9300", "25", "", ""]
    )
    return out.getvalue()
