"""Bulk upsert of snapshots: one statement per batch, PostgreSQL's COPY into a staging table when available.

A figure absent from the incoming row (NULL here) leaves the stored figure as it is; a row whose stored
figures would not change is not touched, so importing the same file twice changes nothing.
"""

# ruff: noqa: S608  (SQL assembled from constants and placeholders only)
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ketnoi.pages import aggregates
from ketnoi.pages.models import METRIC_KEYS

_COLS = ", ".join(METRIC_KEYS)
BATCH = 20_000


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


def _set_clause(distinct: str) -> tuple[str, str]:
    sets = ", ".join(f"{k} = COALESCE(excluded.{k}, pages_metricsnapshot.{k})" for k in METRIC_KEYS)
    changed = " OR ".join(
        f"(excluded.{k} IS NOT NULL AND pages_metricsnapshot.{k} {distinct} excluded.{k})"
        for k in METRIC_KEYS
    )
    return sets, changed


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
        changed, touched = _upsert_postgresql(merged, source, user_id, now)
    else:
        changed = _upsert_generic(merged, source, user_id, now)
        touched = list(merged)
    if touched:
        aggregates.refresh(
            {page_id for page_id, _ in touched}, min(d for _, d in touched), max(d for _, d in touched)
        )
    return len(merged), changed


def _upsert_generic(
    merged: dict[tuple[int, dt.date], list[Any]], source: str, user_id: int | None, now: Any
) -> int:
    sets, changed_where = _set_clause("IS NOT")
    sql = (
        f"INSERT INTO pages_metricsnapshot (page_id, day, {_COLS}, source, updated_at, updated_by_id) "
        f"VALUES (%s, %s, {', '.join(['%s'] * len(METRIC_KEYS))}, %s, %s, %s) "
        f"ON CONFLICT (page_id, day) DO UPDATE SET {sets}, source = excluded.source, "
        f"updated_at = excluded.updated_at, updated_by_id = excluded.updated_by_id WHERE {changed_where}"
    )
    params = [(page_id, day, *values, source, now, user_id) for (page_id, day), values in merged.items()]
    total = 0
    with connection.cursor() as cur:
        for start in range(0, len(params), BATCH):
            cur.executemany(sql, params[start : start + BATCH])
            total += max(cur.rowcount, 0)
    return total


def _upsert_postgresql(
    merged: dict[tuple[int, dt.date], list[Any]], source: str, user_id: int | None, now: Any
) -> tuple[int, list[tuple[int, dt.date]]]:
    """New rows go in with COPY; existing rows are locked, merged here and updated only if changed."""
    page_ids = sorted({page_id for page_id, _ in merged})
    days = [day for _, day in merged]
    existing: dict[tuple[int, dt.date], tuple[Any, ...]] = {}
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT page_id, day, {_COLS} FROM pages_metricsnapshot "
            "WHERE page_id = ANY(%s) AND day BETWEEN %s AND %s FOR UPDATE",
            [page_ids, min(days), max(days)],
        )
        for row in cur.fetchall():
            if (row[0], row[1]) in merged:
                existing[(row[0], row[1])] = row[2:]
    new_rows: list[tuple[int, dt.date, list[Any]]] = []
    changed_rows: list[tuple[int, dt.date, list[Any]]] = []
    for (page_id, day), values in merged.items():
        old = existing.get((page_id, day))
        if old is None:
            new_rows.append((page_id, day, values))
        else:
            result = [v if v is not None else o for v, o in zip(values, old, strict=True)]
            if result != list(old):
                changed_rows.append((page_id, day, result))
    tail = f"\t{source}\t{now.isoformat()}\t{_text(user_id)}\n"
    try:
        with transaction.atomic(), connection.cursor() as cur:
            _copy(
                cur,
                f"COPY pages_metricsnapshot (page_id, day, {_COLS}, source, updated_at, updated_by_id) "
                "FROM STDIN",
                new_rows,
                tail,
            )
    except IntegrityError:
        # Someone else wrote one of these days meanwhile: fall back to the statement that merges on conflict.
        return _upsert_on_conflict(merged, source, user_id, now), list(merged)
    if changed_rows:
        with connection.cursor() as cur:
            _stage(cur)
            _copy(cur, f"COPY pages_snapshot_stage (page_id, day, {_COLS}) FROM STDIN", changed_rows, "\n")
            sets = ", ".join(f"{k} = s.{k}" for k in METRIC_KEYS)
            cur.execute(
                f"UPDATE pages_metricsnapshot t SET {sets}, source = %s, updated_at = %s, updated_by_id = %s "
                "FROM pages_snapshot_stage s WHERE t.page_id = s.page_id AND t.day = s.day",
                [source, now, user_id],
            )
    touched = [(page_id, day) for page_id, day, _values in new_rows + changed_rows]
    return len(touched), touched


def _text(value: Any) -> str:
    return "\\N" if value is None else str(value)


def _copy(cur: Any, sql: str, rows: list[tuple[int, dt.date, list[Any]]], tail: str) -> None:
    """COPY in PostgreSQL's text format, formatted here in large chunks (much faster than row by row)."""
    if not rows:
        return
    day_text: dict[dt.date, str] = {}
    with cur.cursor.copy(sql) as copy:
        for start in range(0, len(rows), BATCH):
            parts = []
            for page_id, day, values in rows[start : start + BATCH]:
                d = day_text.get(day)
                if d is None:
                    d = day_text[day] = day.isoformat()
                parts.append(
                    f"{page_id}\t{d}\t" + "\t".join("\\N" if v is None else str(v) for v in values) + tail
                )
            copy.write("".join(parts))


def _stage(cur: Any) -> None:
    cur.execute(
        "CREATE TEMP TABLE IF NOT EXISTS pages_snapshot_stage (page_id integer, day date, "
        "followers bigint, likes bigint, members bigint, posts integer, reach bigint, engagement bigint) "
        "ON COMMIT DROP"
    )
    cur.execute("TRUNCATE pages_snapshot_stage")


def _upsert_on_conflict(
    merged: dict[tuple[int, dt.date], list[Any]], source: str, user_id: int | None, now: Any
) -> int:
    sets, changed_where = _set_clause("IS DISTINCT FROM")
    rows = [(page_id, day, values) for (page_id, day), values in merged.items()]
    with connection.cursor() as cur:
        _stage(cur)
        _copy(cur, f"COPY pages_snapshot_stage (page_id, day, {_COLS}) FROM STDIN", rows, "\n")
        cur.execute(
            f"INSERT INTO pages_metricsnapshot (page_id, day, {_COLS}, source, updated_at, updated_by_id) "
            f"SELECT page_id, day, {_COLS}, %s, %s, %s FROM pages_snapshot_stage "
            f"ON CONFLICT (page_id, day) DO UPDATE SET {sets}, source = excluded.source, "
            f"updated_at = excluded.updated_at, updated_by_id = excluded.updated_by_id WHERE {changed_where}",
            [source, now, user_id],
        )
        return max(cur.rowcount, 0)
