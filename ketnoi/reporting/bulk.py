"""Bulk insertion of new data values and their audit rows, at the speed of the database's own bulk path.

Used by the import service for values that did not exist yet: one PostgreSQL ``COPY`` (or one SQLite
``executemany``) for the values and one for their history rows (``+``, who, when, why), instead of
building a model instance per value. Everything else (checks, roll-up deltas) stays in the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection

from ketnoi.reporting.models import DataValue

# (indicator_id, unit_id, period, period_start, period_end, option_id, value, number, comment)
NewValue = tuple[int, int, str, dt.date, dt.date, int | None, str, float | None, str]

_VALUE_COLUMNS = (
    "id, indicator_id, unit_id, period, period_start, period_end, option_id, value, number, comment, "
    "stored_by_id, created_at, updated_at"
)
_HISTORY_COLUMNS = (
    "id, period, value, number, comment, updated_at, indicator_id, unit_id, option_id, stored_by_id, "
    "history_date, history_change_reason, history_type, history_user_id"
)


def _tables() -> tuple[str, str]:
    return DataValue._meta.db_table, DataValue.history.model._meta.db_table


def insert_new(rows: Sequence[NewValue], *, user_id: int | None, reason: str, now: dt.datetime) -> int:
    """Insert values known not to exist yet, with one history row each. Returns how many."""
    if not rows:
        return 0
    # In index order (indicator, unit, period): the unique index then grows at a few points, not everywhere.
    rows = sorted(rows, key=lambda r: (r[0], r[1], r[2], r[5] or 0))
    values_table, history_table = _tables()
    if connection.vendor == "postgresql":
        _insert_postgresql(rows, values_table, history_table, user_id, reason, now)
    else:
        _insert_sqlite(rows, values_table, history_table, user_id, reason, now)
    return len(rows)


def _insert_postgresql(
    rows: Sequence[NewValue],
    values_table: str,
    history_table: str,
    user_id: int | None,
    reason: str,
    now: dt.datetime,
) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [values_table, len(rows)],
        )
        ids = [r[0] for r in cur.fetchall()]
    raw: Any = connection.connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY {values_table} ({_VALUE_COLUMNS}) FROM STDIN") as copy:
            for pk, (ind, unit, period, start, end, opt, value, number, comment) in zip(
                ids, rows, strict=True
            ):
                copy.write_row(
                    (pk, ind, unit, period, start, end, opt, value, number, comment, user_id, now, now)
                )
        with cur.copy(f"COPY {history_table} ({_HISTORY_COLUMNS}) FROM STDIN") as copy:
            for pk, (ind, unit, period, _s, _e, opt, value, number, comment) in zip(ids, rows, strict=True):
                copy.write_row(
                    (
                        pk,
                        period,
                        value,
                        number,
                        comment,
                        now,
                        ind,
                        unit,
                        opt,
                        user_id,
                        now,
                        reason,
                        "+",
                        user_id,
                    )
                )


def _insert_sqlite(
    rows: Sequence[NewValue],
    values_table: str,
    history_table: str,
    user_id: int | None,
    reason: str,
    now: dt.datetime,
) -> None:
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    days: dict[dt.date, Any] = {}

    def day(d: dt.date) -> Any:
        if d not in days:
            days[d] = ops.adapt_datefield_value(d)
        return days[d]

    with connection.cursor() as cur:
        # A bigger page cache for this connection (64 MB): index pages stay in memory during the load.
        cur.execute("PRAGMA cache_size = -65536")
        cur.executemany(
            f"INSERT INTO {values_table} ({_VALUE_COLUMNS.removeprefix('id, ')}) "  # noqa: S608 - model table names
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (ind, unit, period, day(start), day(end), opt, value, number, comment, user_id, stamp, stamp)
                for ind, unit, period, start, end, opt, value, number, comment in rows
            ],
        )
        # SQLite holds the write lock for the whole transaction and AUTOINCREMENT ids grow by one per row,
        # so the rows just inserted have the last ``len(rows)`` ids, in order.
        cur.execute("SELECT last_insert_rowid()")
        last = cur.fetchone()[0]
        first = last - len(rows) + 1
        cur.executemany(
            f"INSERT INTO {history_table} ({_HISTORY_COLUMNS}) "  # noqa: S608 - model table names
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    first + i,
                    period,
                    value,
                    number,
                    comment,
                    stamp,
                    ind,
                    unit,
                    opt,
                    user_id,
                    stamp,
                    reason,
                    "+",
                    user_id,
                )
                for i, (ind, unit, period, _s, _e, opt, value, number, comment) in enumerate(rows)
            ],
        )
