# ruff: noqa: S608  (SQL assembled from constants, validated column counts and placeholders only)
"""The fast lane of the import: a clean template file, loaded by the database with little Python per row.

On PostgreSQL the file goes into a temporary table with ``COPY`` (the database parses it), the few distinct
page references and dates are resolved here, and one ``INSERT ... SELECT`` writes the snapshots. On SQLite
one regular expression proves the file clean and the text cells go to one ``executemany``. The lane is taken
only when every cell is plainly good; anything else (a bad cell, a page or date that does not resolve, a
(page, day) twice in the file, a file the database cannot read as it is) returns ``None`` and the ordinary
import checks the file row by row and names every problem.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ketnoi.pages import aggregates
from ketnoi.pages.models import METRIC_KEYS, Page


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


class _NotClean(Exception):
    """Something needs the row-by-row checks: leave the lane (the transaction is rolled back)."""


def _pages(
    refs: list[str | None], *, resolve_page: Any, may_write: Any, preload: Any
) -> dict[str, int] | None:
    """Page id of each distinct page reference; None when one does not resolve or may not be written."""
    if preload is not None:  # pages named by id: fetched in a few queries, not one each
        ids = (ref.strip() for ref in refs if ref)
        preload({int(ref) for ref in ids if ref.isascii() and ref.isdigit()})
    found: dict[str, int] = {}
    for ref in refs:
        page: Page | None = resolve_page((ref or "").strip())
        if page is None or not may_write(page):
            return None
        found[ref or ""] = page.pk
    return found


def _days(texts: list[str | None], today: dt.date) -> dict[str, dt.date] | None:
    """Date of each distinct date text; None when one is not a date the ordinary import would accept."""
    from ketnoi.pages.imports import parse_day

    found: dict[str, dt.date] = {}
    for text in texts:
        try:
            day = parse_day(text or "")
        except ValueError:
            return None
        if day > today or day.year < 2004:
            return None
        found[text or ""] = day
    return found


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


# --- SQLite ---------------------------------------------------------------------------------------------

_TOKENS = {"page": r"[1-9]\d{0,17}", "date": r"\d\d/\d\d/\d{4}"}
_FIGURE = r"\d{0,15}"


def try_template_sqlite(
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

    from django.db import IntegrityError

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
