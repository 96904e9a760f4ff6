"""Bulk upsert of snapshots: one statement per batch, PostgreSQL's COPY into a staging table when available.

A figure absent from the incoming row (NULL here) leaves the stored figure as it is; a row whose stored
figures would not change is not touched, so importing the same file twice changes nothing.
"""

# ruff: noqa: S608  (SQL assembled from constants and placeholders only)
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from ketnoi.pages import aggregates
from ketnoi.pages.models import METRIC_KEYS

_COLS = ", ".join(METRIC_KEYS)
BATCH = 20_000


def _merge(
    rows: Iterable[tuple[int, dt.date, dict[str, int | None]]],
) -> dict[tuple[int, dt.date], list[Any]]:
    merged: dict[tuple[int, dt.date], list[Any]] = {}
    for page_id, day, values in rows:
        current = merged.setdefault((page_id, day), [None] * len(METRIC_KEYS))
        for i, key in enumerate(METRIC_KEYS):
            value = values.get(key)
            if value is not None:
                current[i] = value
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
    merged = _merge(rows)
    if not merged:
        return 0, 0
    now = timezone.now()
    if connection.vendor == "postgresql":
        changed = _upsert_postgresql(merged, source, user_id, now)
    else:
        changed = _upsert_generic(merged, source, user_id, now)
    page_ids = {page_id for page_id, _ in merged}
    days = [day for _, day in merged]
    aggregates.refresh(page_ids, min(days), max(days))
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
) -> int:
    sets, changed_where = _set_clause("IS DISTINCT FROM")
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS pages_snapshot_stage (page_id integer, day date, "
            "followers bigint, likes bigint, members bigint, posts integer, reach bigint, engagement bigint) "
            "ON COMMIT DROP"
        )
        cur.execute("TRUNCATE pages_snapshot_stage")
        raw = cur.cursor
        with raw.copy(f"COPY pages_snapshot_stage (page_id, day, {_COLS}) FROM STDIN") as copy:
            for (page_id, day), values in merged.items():
                copy.write_row((page_id, day, *values))
        cur.execute(
            f"INSERT INTO pages_metricsnapshot (page_id, day, {_COLS}, source, updated_at, updated_by_id) "
            f"SELECT page_id, day, {_COLS}, %s, %s, %s FROM pages_snapshot_stage "
            f"ON CONFLICT (page_id, day) DO UPDATE SET {sets}, source = excluded.source, "
            f"updated_at = excluded.updated_at, updated_by_id = excluded.updated_by_id WHERE {changed_where}",
            [source, now, user_id],
        )
        return max(cur.rowcount, 0)
