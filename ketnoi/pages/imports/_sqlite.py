# ruff: noqa: S608  (SQL assembled from constants, validated column counts and placeholders only)
"""The SQLite strategy of the writer: the fast lane of a clean comma-separated template (one regular
expression proves it clean; one ``executemany``). Other writes use the generic statement."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ketnoi.pages import aggregates
from ketnoi.pages.imports._lane import _days, _pages
from ketnoi.pages.models import METRIC_KEYS

_TOKENS = {"page": r"[1-9]\d{0,17}", "date": r"\d\d/\d\d/\d{4}"}
_FIGURE = r"\d{0,15}"


def try_template(
    *,
    text: str,
    header: list[str],
    columns: dict[str, int],
    resolve_page: Any,
    may_write: Any,
    today: dt.date,
    source: str,
    user_id: int | None,
    preload_pages: Any = None,
) -> tuple[int, int] | None:
    """The same lane on SQLite, for a comma-separated template whose every cell is plainly good.

    One regular expression over the whole text proves every row has the template's shape (page ids
    without leading zeros, dd/mm/yyyy dates, whole numbers of at most 15 digits), so the rows go to
    SQLite as the text cells they are: the dates are turned round and the empty cells made NULL in the
    statement itself, with no Python work per value. Anything else returns None for the ordinary import.
    """
    if connection.vendor != "sqlite" or len(header) > 50:
        return None
    key_at = {index: key for key, index in columns.items()}
    if len(key_at) != len(header) or any(i not in key_at for i in range(len(header))):
        return None  # a column the template does not know: the ordinary import says which
    newline = text.find("\n")
    if newline < 0:
        return None
    row = ",".join(_TOKENS.get(key_at[i], _FIGURE) for i in range(len(header)))
    if re.compile(rf"(?:{row}\r?\n)*(?:{row})?", re.ASCII).fullmatch(text, newline + 1) is None:
        return None
    lines = text[newline + 1 :].splitlines()
    rows = [line.split(",") for line in lines if line]
    del lines
    if not rows:
        return None
    p, d = columns["page"], columns["date"]
    refs = _pages(
        list({r[p] for r in rows}), resolve_page=resolve_page, may_write=may_write, preload=preload_pages
    )
    days = _days(list({r[d] for r in rows}), today)
    if refs is None or days is None:
        return None
    page_ids = set(refs.values())
    first, last = min(days.values()), max(days.values())
    written = _write_sqlite(rows, columns, p, d, page_ids, first, last, source, user_id)
    if written is None:
        return None
    if written:
        aggregates.refresh(page_ids, first, last)
    return len(rows), written


def _write_sqlite(
    rows: list[list[str]],
    columns: dict[str, int],
    p: int,
    d: int,
    page_ids: set[int],
    first: dt.date,
    last: dt.date,
    source: str,
    user_id: int | None,
) -> int | None:
    """Rows new or changed; None when the file names a (page, day) twice (the ordinary import says where)."""
    import sqlite3

    keys = [k for k in METRIC_KEYS if k in columns]
    day = f"substr(?{d + 1}, 7, 4) || '-' || substr(?{d + 1}, 4, 2) || '-' || substr(?{d + 1}, 1, 2)"
    figures = ", ".join(f"CAST(NULLIF(?{columns[k] + 1}, '') AS INTEGER)" for k in keys)
    # Generated values only (an enum value, a formatted timestamp, an id): written into the statement,
    # since every placeholder is a cell of the row.
    stamp = str(connection.ops.adapt_datetimefield_value(timezone.now()))
    who = "NULL" if user_id is None else str(int(user_id))
    fixed = f"'{source.replace(chr(39), '')}', '{stamp}', {who}"
    insert = (
        f"INSERT INTO pages_metricsnapshot (page_id, day, {', '.join(keys)}, source, updated_at, "
        f"updated_by_id) VALUES (CAST(?{p + 1} AS INTEGER), {day}, {figures}, {fixed})"
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT EXISTS (SELECT 1 FROM pages_metricsnapshot WHERE page_id IN "
            f"({', '.join(['%s'] * len(page_ids))}) AND day BETWEEN %s AND %s)",
            [*sorted(page_ids), first, last],
        )
        existing = bool(cur.fetchone()[0])
    raw = connection.connection.cursor()
    try:
        if not existing:  # new days only: a plain INSERT; a (page, day) twice breaks the unique key
            try:
                with transaction.atomic():
                    raw.executemany(insert, rows)
            except (IntegrityError, sqlite3.IntegrityError):
                return None
            return len(rows)
        if len({(r[p], r[d]) for r in rows}) != len(rows):
            return None
        sets = ", ".join(f"{k} = COALESCE(excluded.{k}, pages_metricsnapshot.{k})" for k in keys)
        changed = " OR ".join(
            f"(excluded.{k} IS NOT NULL AND pages_metricsnapshot.{k} IS NOT excluded.{k})" for k in keys
        )
        raw.executemany(
            f"{insert} ON CONFLICT (page_id, day) DO UPDATE SET {sets}, source = excluded.source, "
            f"updated_at = excluded.updated_at, updated_by_id = excluded.updated_by_id WHERE {changed}",
            rows,
        )
        return max(raw.rowcount, 0)
    finally:
        raw.close()
