# ruff: noqa: S608  (SQL assembled from constants, validated column counts and placeholders only)
"""The generic strategy of the writer: one ``INSERT ... ON CONFLICT`` statement per batch (SQLite, and
PostgreSQL's fallback)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from ketnoi.pages.models import METRIC_KEYS

_COLS = ", ".join(METRIC_KEYS)
BATCH = 20_000


def _set_clause(distinct: str) -> tuple[str, str]:
    sets = ", ".join(f"{k} = COALESCE(excluded.{k}, pages_metricsnapshot.{k})" for k in METRIC_KEYS)
    changed = " OR ".join(
        f"(excluded.{k} IS NOT NULL AND pages_metricsnapshot.{k} {distinct} excluded.{k})"
        for k in METRIC_KEYS
    )
    return sets, changed


def upsert(merged: dict[tuple[int, dt.date], list[Any]], source: str, user_id: int | None, now: Any) -> int:
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
