"""Benchmark of the official pages at national scale (runs outside the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_pages_bench KETNOI_DATA_DIR=$(mktemp -d) \\
        python bench/pages_bench.py --scale 0.05
    KETNOI_DATA_DIR=$(mktemp -d) python bench/pages_bench.py --scale 0.05     # SQLite, the embedded default

1. Import: ``import-metrics`` of the generated template files, one per province (parse, check every row
   and page right, write, keep the aggregates up to date) against the database's own bulk load of the
   same files (PostgreSQL's ``COPY``; on SQLite, the csv rows in one ``executemany``; one transaction
   per file either way) into a clone of the snapshots table (same columns, indexes, unique key and
   foreign keys): the database storing the same rows the way the product stores them. Figure: rows/s of
   each and their ratio (goal >= 0.5). The bulk load into a key-only table (no surrogate id, one foreign
   key) is shown too, as a lower bound. ``--rounds`` alternates the loads and takes medians: this
   machine's speed drifts by a third from minute to minute.
2. Dashboard: the monthly series of a subtree (audience, pages, posts, reach, engagement), for one province
   and for the whole country, p95 over ``--runs`` runs, against DuckDB's in-memory aggregation of the same
   snapshot rows (the same answer, checked). Figure: ratio of p95s (goal <= 1). The full dashboard
   (all its tables) is timed too, for information.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages_generate import build_registry, setup_django, write_snapshots

from ketnoi.core.permissions import SYSTEM


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _bench_table(cur: Any, shape: str) -> None:
    """``bench_copy``, the target of the database's own bulk load.

    ``same``: a clone of the snapshots table (``LIKE ... INCLUDING ALL``: columns, identity, indexes, the
    unique key, checks) with the same foreign keys, the database filling ``source`` and ``updated_at`` by
    default: the same rows stored the way the product stores them. ``key``: only the columns of the file,
    the unique key and the foreign key to the pages (a lower bound: no table of the product is that bare).
    """
    from django.db import connection

    cur.execute("DROP TABLE IF EXISTS bench_copy")
    if shape == "key":
        cur.execute(
            "CREATE TABLE bench_copy (page_id integer NOT NULL REFERENCES pages_page (id) "
            "DEFERRABLE INITIALLY DEFERRED, day date NOT NULL, followers bigint, likes bigint, "
            "members bigint, posts integer, reach bigint, engagement bigint, UNIQUE (page_id, day))"
        )
        return
    if connection.vendor == "sqlite":
        _sqlite_clone(cur)
        return
    cur.execute("CREATE TABLE bench_copy (LIKE pages_metricsnapshot INCLUDING ALL)")
    cur.execute(
        "ALTER TABLE bench_copy ALTER source SET DEFAULT 'import', ALTER updated_at SET DEFAULT now()"
    )
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'pages_metricsnapshot'::regclass AND contype = 'f'"
    )
    for name, definition in cur.fetchall():
        cur.execute(f'ALTER TABLE bench_copy ADD CONSTRAINT "{f"b_{name}"[:60]}" {definition}')


def _sqlite_clone(cur: Any) -> None:
    cur.execute(
        "SELECT type, name, sql FROM sqlite_master "
        "WHERE tbl_name = 'pages_metricsnapshot' AND sql IS NOT NULL"
    )
    for kind, name, sql in sorted(cur.fetchall(), key=lambda r: r[0] != "table"):
        sql = sql.replace('"pages_metricsnapshot"', '"bench_copy"')
        if kind != "table":
            sql = sql.replace(f'"{name}"', f'"b_{name}"', 1)
        cur.execute(sql)


def _sqlite_load(path: Path, shape: str) -> None:
    """SQLite's bulk path (it has no COPY): the file's rows as the csv module reads them, straight into one
    ``executemany`` in one transaction, the statement itself turning the date round and empty cells into
    NULL, so that no Python runs per value: the fastest way the library offers to store these rows."""
    import csv

    from django.db import connection
    from django.utils import timezone

    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    day = "substr(?2, 7, 4) || '-' || substr(?2, 4, 2) || '-' || substr(?2, 1, 2)"
    figures = ", ".join(f"CAST(NULLIF(?{n}, '') AS INTEGER)" for n in range(3, 9))
    columns = "page_id, day, followers, likes, members, posts, reach, engagement"
    extra = ("", "") if shape == "key" else (", source, updated_at", f", 'import', '{stamp}'")
    sql = (
        f"INSERT INTO bench_copy ({columns}{extra[0]}) "
        f"VALUES (CAST(?1 AS INTEGER), {day}, {figures}{extra[1]})"
    )
    raw = connection.connection.cursor()
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        raw.executemany(sql, reader)
    raw.close()


def copy_baseline(paths: list[Path], shape: str) -> float:
    """The database's own bulk load of the same files into ``bench_copy`` (see ``_bench_table``), one
    transaction per file as the import has, each timed up to and including its commit (where PostgreSQL
    checks the deferred foreign keys)."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        _bench_table(cur, shape)
    columns = "page_id, day, followers, likes, members, posts, reach, engagement"
    t0 = time.perf_counter()
    for path in paths:
        if connection.vendor == "sqlite":
            with transaction.atomic():
                _sqlite_load(path, shape)
            continue
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL datestyle = 'ISO, DMY'")
            with (
                path.open("rb") as f,
                cur.cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
    elapsed = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_copy")
    return elapsed


def empty_snapshots() -> None:
    """Back to an empty history (between rounds), so each import round writes every row anew."""
    from django.db import connection

    tables = ("pages_metricsnapshot", "pages_pagemonth", "pages_unitmonth", "pages_metricimport")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            cur.execute("DELETE FROM connectors_connectorrun")
            for table in tables:
                cur.execute(f"DELETE FROM {table}")


def import_run(paths: list[Path]) -> tuple[float, int, int]:
    """``import-metrics`` of each file in turn. Returns (seconds, snapshots written, rows changed)."""
    from ketnoi.pages.imports import import_metrics

    written = changed = 0
    t0 = time.perf_counter()
    for path in paths:
        result = import_metrics(data=path.read_bytes(), file_name=path.name, by=SYSTEM)
        written += result.snapshots
        changed += result.changed
    return time.perf_counter() - t0, written, changed


def duckdb_setup(paths: list[Path]) -> Any:
    import duckdb

    from ketnoi.pages.models import Page

    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE snaps AS SELECT * FROM read_csv(?, header=true, dateformat='%d/%m/%Y', "
        "columns={'page_id':'INTEGER','day':'DATE','followers':'BIGINT','likes':'BIGINT','members':'BIGINT',"
        "'posts':'INTEGER','reach':'BIGINT','engagement':'BIGINT'})",
        [[str(p) for p in paths]],
    )
    from ketnoi.units.models import Unit, UnitVersion

    con.execute("CREATE TABLE pages (page_id INTEGER, unit_id INTEGER)")
    con.executemany("INSERT INTO pages VALUES (?, ?)", list(Page.objects.values_list("pk", "unit_id")))
    con.execute("CREATE TABLE versions (unit_id INTEGER, parent_id INTEGER, valid_from DATE, valid_to DATE)")
    con.executemany(
        "INSERT INTO versions VALUES (?, ?, ?, ?)",
        list(UnitVersion.objects.values_list("unit_id", "parent_id", "valid_from", "valid_to")),
    )
    con.execute("CREATE TABLE units (unit_id INTEGER, valid_to DATE, successor_id INTEGER)")
    con.executemany(
        "INSERT INTO units VALUES (?, ?, ?)", list(Unit.objects.values_list("pk", "valid_to", "successor_id"))
    )
    return con


# Each month counts on the tree of its last day, as the product does (``pages.aggregates``): a unit's parent
# that day is its version valid then, or for a unit that ended before it, the unit that took it over.
DUCKDB_SERIES = """
WITH RECURSIVE ends AS (
  SELECT DISTINCT date_trunc('month', day) AS m,
         CAST(date_trunc('month', day) + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS last
  FROM snaps
), tree AS (
  SELECT e.m, v.unit_id, v.parent_id FROM ends e JOIN versions v
    ON (v.valid_from IS NULL OR v.valid_from <= e.last) AND (v.valid_to IS NULL OR v.valid_to > e.last)
  UNION ALL
  SELECT e.m, u.unit_id, u.successor_id FROM ends e
  JOIN units u ON u.valid_to IS NOT NULL AND u.valid_to <= e.last
  WHERE NOT EXISTS (
    SELECT 1 FROM versions v WHERE v.unit_id = u.unit_id
      AND (v.valid_from IS NULL OR v.valid_from <= e.last) AND (v.valid_to IS NULL OR v.valid_to > e.last)
  )
), sub(m, unit_id) AS (
  SELECT m, CAST(? AS INTEGER) FROM ends
  UNION ALL
  SELECT t.m, t.unit_id FROM sub JOIN tree t ON t.m = sub.m AND t.parent_id = sub.unit_id
), s AS (
  SELECT s.page_id, date_trunc('month', s.day) AS m, s.day, COALESCE(s.followers, s.members, s.likes) AS aud,
         s.posts, s.reach, s.engagement
  FROM snaps s JOIN pages p ON p.page_id = s.page_id
  JOIN sub ON sub.m = date_trunc('month', s.day) AND sub.unit_id = p.unit_id
), per_page AS (
  SELECT page_id, m, arg_max(aud, day) FILTER (WHERE aud IS NOT NULL) AS aud, SUM(posts) AS posts,
         SUM(reach) AS reach, SUM(engagement) AS engagement
  FROM s GROUP BY page_id, m
)
SELECT CAST(m AS DATE), SUM(aud), COUNT(aud), SUM(posts), SUM(reach), SUM(engagement)
FROM per_page GROUP BY m ORDER BY m
"""


def timed(fn: Any, runs: int) -> tuple[float, float, Any]:
    samples = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t0)
    return p95(samples), statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.05, help="1 = 34 provinces x 400 pages (national)")
    parser.add_argument("--days", type=int, default=3 * 365)
    parser.add_argument("--runs", type=int, default=30, help="runs of each dashboard query")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three bulk loads")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from ketnoi.pages import dashboards

    work = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    t0 = time.perf_counter()
    country, provinces, pages = build_registry(args.scale)
    # One file per province, as each province exports and imports its own pages.
    per_province = len(pages) // len(provinces)
    paths = [work / f"snapshots_{n:02d}.csv" for n in range(len(provinces))]
    rows = sum(
        write_snapshots(p, pages[n * per_province : (n + 1) * per_province], args.days, timezone.localdate())
        for n, p in enumerate(paths)
    )
    size = sum(p.stat().st_size for p in paths) / 1e6
    took = time.perf_counter() - t0
    bulk = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(
        f"{connection.vendor}, scale {args.scale}: {len(pages)} pages, {rows:,} rows in {len(paths)} "
        f"files, {size:.0f} MB "
        f"(generated in {took:.0f} s)"
    )

    # Rounds alternate the three loads, so a slow minute of the machine falls on all of them alike; the
    # figure is the ratio of medians.
    same_runs, key_runs, import_runs = [], [], []
    for n in range(args.rounds):
        same_runs.append(copy_baseline(paths, "same"))
        key_runs.append(copy_baseline(paths, "key"))
        if n:
            empty_snapshots()
        took_s, written, _changed = import_run(paths)
        import_runs.append(took_s)
        if written != rows:
            raise SystemExit(f"the import wrote {written} snapshots of {rows}")
    again_s, _written, again_changed = import_run(paths)
    if again_changed != 0:
        raise SystemExit(f"the second import changed {again_changed} rows")
    same_s, key_s, import_s = (statistics.median(r) for r in (same_runs, key_runs, import_runs))

    def show(runs: list[float]) -> str:
        return " ".join(f"{r:.1f}" for r in runs)

    print(f"median of {args.rounds} round(s); every run in seconds in brackets")
    for label, took, runs in (
        (f"{bulk} into a clone of the snapshots table", same_s, same_runs),
        (f"{bulk} into a key-only table", key_s, key_runs),
        ("import-metrics (new rows)", import_s, import_runs),
        ("import-metrics (same file again, 0 changed)", again_s, [again_s]),
    ):
        print(f"{label:<45} {took:7.2f} s {rows / took:>11,.0f} rows/s  [{show(runs)}]")
    print(f"IMPORT RATIO import/{bulk} into the same table = {same_s / import_s:.2f}  (goal >= 0.5)")
    print(f"       ratio import/{bulk} into a key-only table = {key_s / import_s:.2f}  (for information)")

    con = duckdb_setup(paths)
    province = provinces[len(provinces) // 2]
    for label, unit in (("province", province), ("country", country)):
        ours_p95, ours_med, ours = timed(lambda u=unit: dashboards.series(u), args.runs)
        duck_p95, duck_med, duck = timed(
            lambda u=unit: con.execute(DUCKDB_SERIES, [u.pk]).fetchall(), args.runs
        )
        mine = [
            (r["month"], r["audience"], r["pages"], r["posts"], r["reach"], r["engagement"]) for r in ours
        ]
        theirs = [tuple(int(v) if isinstance(v, int | float) else v for v in r) for r in duck]
        if theirs != mine:
            raise SystemExit(f"the two answers differ for the {label}")
        full_p95, _, _ = timed(
            lambda u=unit: dashboards.build(u, timezone.localdate()), max(3, args.runs // 5)
        )
        print(
            f"dashboard series {label:8}: ours p95 {ours_p95 * 1000:8.2f} ms (median {ours_med * 1000:.2f}), "
            f"DuckDB p95 {duck_p95 * 1000:8.2f} ms (median {duck_med * 1000:.2f}); "
            f"RATIO ours/DuckDB = {ours_p95 / duck_p95:.3f} (goal <= 1); "
            f"full dashboard p95 {full_p95 * 1000:.0f} ms"
        )


if __name__ == "__main__":
    started = dt.datetime.now(dt.UTC)
    main()
    print(f"(ran {dt.datetime.now(dt.UTC) - started})")
