"""Bulk insertion of new data values and their audit rows, at the speed of the database's own bulk path.

Used by the import service for values that did not exist yet: one PostgreSQL ``COPY`` (or one SQLite
``executemany``) for the values, then their history rows (``+``, who, when, why; one per value) copied
from them inside the database by one ``INSERT ... SELECT``, instead of building a model instance per
value. Everything else (checks, roll-up deltas) stays in the service.
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


_NULL = "\\N"  # NULL in COPY's text format


def _copy_text(value: str) -> str:
    """A text field in COPY's text format (backslash, tab and line breaks escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_history(values_table: str, history_table: str, *, typed: bool = False) -> str:
    """INSERT ... SELECT of one ``+`` history row per value just written (the values selected by id)."""
    when, who = ("%s::timestamptz", "%s::bigint") if typed else ("%s", "%s")
    return (
        f"INSERT INTO {history_table} ({_HISTORY_COLUMNS}) "  # noqa: S608 - model table names
        "SELECT id, period, value, number, comment, updated_at, indicator_id, unit_id, option_id, "
        f"stored_by_id, {when}, %s, '+', {who} FROM {values_table} "
    )


def _reserve_ids(table: str, n: int) -> Sequence[int]:
    """``n`` new ids from the table's sequence, as a range when they are consecutive (the usual case;
    another writer drawing ids at the same moment can interleave, and then the ids come as a list)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid", [table])
        sequence = cur.fetchone()[0]
        for _attempt in range(3):
            cur.execute(
                "SELECT min(id), max(id) FROM "
                "(SELECT nextval(%s::oid::regclass) AS id FROM generate_series(1, %s)) AS s",
                [sequence, n],
            )
            low, high = cur.fetchone()
            if high - low + 1 == n:
                return range(low, high + 1)
        cur.execute("SELECT nextval(%s::oid::regclass) FROM generate_series(1, %s)", [sequence, n])
        return [r[0] for r in cur.fetchall()]


def _insert_postgresql(
    rows: Sequence[NewValue],
    values_table: str,
    history_table: str,
    user_id: int | None,
    reason: str,
    now: dt.datetime,
) -> None:
    ids = _reserve_ids(values_table, len(rows))
    # The COPY text is built here rather than row by row through the driver: a few string joins per
    # value instead of one adapter call per field.
    stamp = now.isoformat()
    user = _NULL if user_id is None else str(user_id)
    days: dict[dt.date, str] = {}
    lines: list[str] = []
    for pk, (ind, unit, period, start, end, opt, value, number, comment) in zip(ids, rows, strict=True):
        s = days.get(start)
        if s is None:
            s = days[start] = start.isoformat()
        e = days.get(end)
        if e is None:
            e = days[end] = end.isoformat()
        lines.append(
            f"{pk}\t{ind}\t{unit}\t{_copy_text(period)}\t{s}\t{e}\t"
            f"{_NULL if opt is None else opt}\t{_copy_text(value)}\t"
            f"{_NULL if number is None else repr(number)}\t{_copy_text(comment)}\t{user}\t{stamp}\t{stamp}\n"
        )
    raw: Any = connection.connection
    with raw.cursor() as cur, cur.copy(f"COPY {values_table} ({_VALUE_COLUMNS}) FROM STDIN") as copy:
        for i in range(0, len(lines), 10000):
            copy.write("".join(lines[i : i + 10000]))
    # The audit rows are copied from the values inside the database: the same fields, who, when and why.
    with connection.cursor() as cur:
        if isinstance(ids, range):
            cur.execute(
                _copy_history(values_table, history_table, typed=True) + "WHERE id BETWEEN %s AND %s",
                [now, reason, user_id, ids[0], ids[-1]],
            )
        else:
            cur.execute(
                _copy_history(values_table, history_table, typed=True) + "WHERE id = ANY(%s)",
                [now, reason, user_id, list(ids)],
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
        # so the rows just inserted have the last ``len(rows)`` ids, in order. Their audit rows are
        # copied from them inside the database: the same fields, who, when and why.
        cur.execute("SELECT last_insert_rowid()")
        last = cur.fetchone()[0]
        cur.execute(
            _copy_history(values_table, history_table) + "WHERE id BETWEEN %s AND %s",
            [stamp, reason, user_id, last - len(rows) + 1, last],
        )
