"""The one writer of page figures (``pages_metricsnapshot``): every import, the form and the demo write here.

A figure absent from the incoming row (NULL here) leaves the stored figure as it is; a row whose stored
figures would not change is not touched, so importing the same file twice changes nothing. The aggregates
are refreshed for what was written. How the rows reach the table depends on the database (a strategy each):

    _postgresql.py  COPY into the table (new rows) or a staging table (changed rows); the fast lane of a clean
                    template: COPY into a temporary table and one INSERT ... SELECT
    _sqlite.py      the fast lane of a clean comma-separated template: one executemany
    _generic.py     one INSERT ... ON CONFLICT per batch (SQLite, any other database, PostgreSQL's fallback)

The fast lane is taken only when every cell is plainly good; anything else (a bad cell, a page or date that
does not resolve, a (page, day) twice in the file, a file the database cannot read as it is) returns ``None``
and the ordinary import checks the file row by row and names every problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from ketnoi.pages import aggregates
from ketnoi.pages.imports import _generic, _postgresql, _sqlite
from ketnoi.pages.models import METRIC_KEYS


def _merge(
    rows: Iterable[tuple[int, dt.date, dict[str, int | None]]],
) -> dict[tuple[int, dt.date], list[Any]]:
    merged: dict[tuple[int, dt.date], list[Any]] = {}
    keys = METRIC_KEYS
    for page_id, day, values in rows:
        incoming = [values.get(k) for k in keys]
        current = merged.get((page_id, day))
        if current is None:
            merged[(page_id, day)] = incoming
        else:
            merged[(page_id, day)] = [
                new if new is not None else old for new, old in zip(incoming, current, strict=True)
            ]
    return merged


def upsert(
    rows: Iterable[tuple[int, dt.date, dict[str, int | None]]], *, source: str, user_id: int | None
) -> tuple[int, int]:
    """Write the rows; returns (rows given, rows inserted or changed). Refreshes the aggregates."""
    return upsert_merged(_merge(rows), source=source, user_id=user_id)


def upsert_merged(
    merged: dict[tuple[int, dt.date], list[Any]], *, source: str, user_id: int | None
) -> tuple[int, int]:
    """``upsert`` of rows already unique per (page, day), figures in METRIC_KEYS order."""
    if not merged:
        return 0, 0
    now = timezone.now()
    if connection.vendor == "postgresql":
        changed, touched = _postgresql.upsert(merged, source, user_id, now)
    else:
        changed = _generic.upsert(merged, source, user_id, now)
        touched = list(merged)
    if touched:
        aggregates.refresh(
            {page_id for page_id, _ in touched}, min(d for _, d in touched), max(d for _, d in touched)
        )
    return len(merged), changed


def load_clean_template(
    *,
    text: str,
    delimiter: str,
    header: list[str],
    columns: dict[str, int],
    resolve_page: Any,
    may_write: Any,
    today: dt.date,
    source: str,
    user_id: int | None,
    preload_pages: Any = None,
) -> tuple[int, int] | None:
    """The fast lane: (rows, rows new or changed) when this database's strategy took the file; else None."""
    common: dict[str, Any] = {
        "text": text,
        "header": header,
        "columns": columns,
        "resolve_page": resolve_page,
        "may_write": may_write,
        "today": today,
        "source": source,
        "user_id": user_id,
        "preload_pages": preload_pages,
    }
    if connection.vendor == "sqlite":
        return _sqlite.try_template(**common) if delimiter == "," else None
    if connection.vendor == "postgresql":
        return _postgresql.try_template(delimiter=delimiter, **common)
    return None
