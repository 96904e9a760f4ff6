# ruff: noqa: S608  (SQL assembled from constants, validated column counts and placeholders only)
"""The PostgreSQL strategy of the writer: ``COPY`` into the table or a staging table, and the fast lane of a
clean template (``COPY`` into a temporary table, the database parses it, one ``INSERT ... SELECT``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction

from ketnoi.pages import aggregates
from ketnoi.pages.imports._generic import _COLS, BATCH, _set_clause
from ketnoi.pages.imports._lane import _days, _NotClean, _pages
from ketnoi.pages.models import METRIC_KEYS


def try_template(
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
    """(rows, rows new or changed) when the lane applies and wrote the file; None for the ordinary import."""
    if connection.vendor != "postgresql" or len(header) > 200 or '"' in delimiter:
        return None
    import psycopg

    names = [f"c{i}" for i in range(len(header))]
    page_col, date_col = names[columns["page"]], names[columns["date"]]
    metric_cols = {key: names[columns[key]] for key in METRIC_KEYS if key in columns}
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "DROP TABLE IF EXISTS pages_import_raw, pages_import_ref, pages_import_day, pages_import_rows"
            )
            cur.execute(
                "CREATE TEMP TABLE pages_import_raw ("
                + ", ".join(f"{n} text" for n in names)
                + ") ON COMMIT DROP"
            )
            options = f"FORMAT csv, HEADER true, DELIMITER E'\\x{ord(delimiter):02x}'"
            with cur.cursor.copy(f"COPY pages_import_raw FROM STDIN ({options})") as copy:
                for start in range(0, len(text), 1 << 22):
                    copy.write(text[start : start + (1 << 22)])
            result = _load(
                cur,
                page_col,
                date_col,
                metric_cols,
                resolve_page,
                may_write,
                today,
                source,
                user_id,
                preload_pages,
            )
            if result is None:
                raise _NotClean
            return result
    except (_NotClean, DatabaseError, psycopg.Error):
        # psycopg's own errors come from the COPY, which runs on the driver's cursor (a row short of
        # cells, a stray quote): Django does not wrap them.
        return None


def _load(
    cur: Any,
    page_col: str,
    date_col: str,
    metric_cols: dict[str, str],
    resolve_page: Any,
    may_write: Any,
    today: dt.date,
    source: str,
    user_id: int | None,
    preload_pages: Any,
) -> tuple[int, int] | None:
    cur.execute(f"SELECT DISTINCT {page_col} FROM pages_import_raw")
    refs = _pages(
        [ref for (ref,) in cur.fetchall()],
        resolve_page=resolve_page,
        may_write=may_write,
        preload=preload_pages,
    )
    cur.execute(f"SELECT DISTINCT {date_col} FROM pages_import_raw")
    days = _days([text for (text,) in cur.fetchall()], today)
    if not refs or not days:
        return None
    cur.execute("CREATE TEMP TABLE pages_import_ref (ref text PRIMARY KEY, page_id integer) ON COMMIT DROP")
    cur.executemany("INSERT INTO pages_import_ref VALUES (%s, %s)", list(refs.items()))
    cur.execute("CREATE TEMP TABLE pages_import_day (txt text PRIMARY KEY, day date) ON COMMIT DROP")
    cur.executemany("INSERT INTO pages_import_day VALUES (%s, %s)", list(days.items()))
    # One pass. A cell that is not a plain whole number fails the cast on purpose ("12.5", "1e3", a sign or a
    # leading blank too) and a (page, day) repeated in the file fails the upsert: either way the lane is left.
    # A figure already stored is kept where the file has none, and a row whose figures do not change is not
    # touched, so the row count is the number of new or changed snapshots.
    figures = ", ".join(
        f"CASE WHEN x.{c} = '' THEN NULL WHEN left(x.{c}, 1) BETWEEN '0' AND '9' THEN x.{c}::bigint "
        f"ELSE (x.{c} || ' is not a count')::bigint END"
        for c in metric_cols.values()
    )
    given = ", ".join(metric_cols)
    sets = ", ".join(f"{k} = COALESCE(excluded.{k}, pages_metricsnapshot.{k})" for k in metric_cols)
    changed = " OR ".join(
        f"(excluded.{k} IS NOT NULL AND pages_metricsnapshot.{k} IS DISTINCT FROM excluded.{k})"
        for k in metric_cols
    )
    cur.execute("SELECT COUNT(*) FROM pages_import_raw")
    total = cur.fetchone()[0]
    target = f"pages_metricsnapshot (page_id, day, {given}, source, updated_at, updated_by_id)"
    select = (
        f"SELECT r.page_id, d.day, {figures}, %s, now(), %s FROM pages_import_raw x "
        f"JOIN pages_import_ref r ON r.ref = x.{page_col} JOIN pages_import_day d ON d.txt = x.{date_col}"
    )
    # Days not stored yet for any page of the file (the usual case: a new period): a plain INSERT, without
    # the upsert's speculative insertion and conflict check per row. A (page, day) twice in the file, or
    # written meanwhile by someone else, violates the unique key and leaves the lane.
    cur.execute(
        "SELECT EXISTS (SELECT 1 FROM pages_metricsnapshot "
        "WHERE page_id = ANY(%s) AND day BETWEEN %s AND %s)",
        [sorted(set(refs.values())), min(days.values()), max(days.values())],
    )
    if cur.fetchone()[0]:
        cur.execute(
            f"INSERT INTO {target} {select} "
            f"ON CONFLICT (page_id, day) DO UPDATE SET {sets}, source = excluded.source, "
            f"updated_at = excluded.updated_at, updated_by_id = excluded.updated_by_id WHERE {changed}",
            [source, user_id],
        )
        written = max(cur.rowcount, 0)
    else:
        cur.execute(f"INSERT INTO {target} {select}", [source, user_id])
        written = max(cur.rowcount, 0)
    if written:
        aggregates.refresh(set(refs.values()), min(days.values()), max(days.values()))
    return total, written


def upsert(
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
        return upsert_on_conflict(merged, source, user_id, now), list(merged)
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


def upsert_on_conflict(
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
