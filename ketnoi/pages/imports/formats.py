"""Turning each kind of file (template, Meta content export, Meta page series) into figures per page and day,
naming every bad row.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from ketnoi.pages.imports.reading import (
    RowError,
    Table,
    _cell,
    _is_description_row,
    _month_first,
    parse_count,
    parse_day,
)
from ketnoi.pages.models import METRIC_KEYS, Page
from ketnoi.pages.urlnorm import BadAddress, canonical

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
        try:
            value = parse_count(text, key, export=True)
        except ValueError as exc:
            errors.append(RowError(line, header[index], str(exc)))
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
    table: Table,
    columns: dict[str, int],
    pages: _PageIndex,
    errors: list[RowError],
    today: dt.date,
    lines: dict[int, int] | None = None,
) -> Merged:
    """Rows of the template; ``lines`` gets the first line naming each page (refusals name it)."""
    lines = {} if lines is None else lines
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
            if cell:
                try:
                    values[slot] = parse_count(cell, METRIC_KEYS[slot])
                except ValueError as exc:
                    errors.append(RowError(line, table.header[index], str(exc)))
        if pk is None or day is None or not _check_day(day, line, date_col, errors, today):
            continue
        key = (pk, day)
        if key in seen:
            errors.append(
                RowError(line, date_col, _("Same page and day as line %(line)s.") % {"line": seen[key]})
            )
            continue
        seen[key] = line
        lines.setdefault(pk, line)
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
    table: Table,
    columns: dict[str, int],
    pages: _PageIndex,
    errors: list[RowError],
    today: dt.date,
    lines: dict[int, int] | None = None,
) -> Rows:
    """Posts per page and day, with the sums of their reach and engagement (never a post's text)."""
    lines = {} if lines is None else lines
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
                numbers[key] = parse_count(_cell(cells, index), key, export=True)
            except ValueError as exc:
                errors.append(RowError(line, table.header[index], str(exc)))
        if page is None or day is None or not _check_day(day, line, time_col, errors, today):
            continue
        engagement = numbers.get("engagement")
        if engagement is None and any(
            numbers.get(k) is not None for k in ("reactions", "comments", "shares")
        ):
            engagement = sum(numbers.get(k) or 0 for k in ("reactions", "comments", "shares"))
        lines.setdefault(page.pk, line)
        agg = out.setdefault((page.pk, day), {"posts": 0})
        agg["posts"] = (agg["posts"] or 0) + 1
        if "reach" in columns and numbers.get("reach") is not None:
            agg["reach"] = (agg.get("reach") or 0) + (numbers["reach"] or 0)
        if has_engagement and engagement is not None:
            agg["engagement"] = (agg.get("engagement") or 0) + engagement
    return out
