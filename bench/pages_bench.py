"""Benchmark of the official pages at national scale (runs outside the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_pages_bench KETNOI_DATA_DIR=$(mktemp -d) \\
        python bench/pages_bench.py --scale 0.05

1. Import: ``import-metrics`` of the generated template file (parse, check every row and page right,
   write, keep the aggregates up to date) against PostgreSQL's own ``COPY`` of the same file into a clone
   of the snapshots table (same columns, indexes, unique key and foreign keys): the database storing the
   same rows the way the product stores them. Figure: rows/s of each and their ratio (goal >= 0.5). COPY
   into a key-only table (no surrogate id, one foreign key) is shown too, as a lower bound. ``--rounds``
   alternates the loads and takes medians: this machine's speed drifts by a third from minute to minute.
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
    cur.execute("DROP TABLE IF EXISTS bench_copy")
    if shape == "key":
        cur.execute(
            "CREATE TABLE bench_copy (page_id integer NOT NULL REFERENCES pages_page (id) "
            "DEFERRABLE INITIALLY DEFERRED, day date NOT NULL, followers bigint, likes bigint, "
            "members bigint, posts integer, reach bigint, engagement bigint, UNIQUE (page_id, day))"
        )
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


def copy_baseline(path: Path, shape: str) -> float:
    """PostgreSQL's COPY of the same file into ``bench_copy`` (see ``_bench_table``), timed up to and
    including the commit (where the deferred foreign keys are checked), as the import is."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        _bench_table(cur, shape)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL datestyle = 'ISO, DMY'")
        columns = "page_id, day, followers, likes, members, posts, reach, engagement"
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

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE pages_metricsnapshot, pages_pagemonth, pages_unitmonth, pages_metricimport CASCADE"
        )


def import_run(path: Path) -> tuple[float, Any]:
    from ketnoi.pages.imports import import_metrics

    t0 = time.perf_counter()
    result = import_metrics(data=path.read_bytes(), file_name=path.name, by=None)
    return time.perf_counter() - t0, result


def duckdb_setup(path: Path) -> Any:
    import duckdb

    from ketnoi.pages.models import Page

    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE snaps AS SELECT * FROM read_csv(?, header=true, dateformat='%d/%m/%Y', "
        "columns={'page_id':'INTEGER','day':'DATE','followers':'BIGINT','likes':'BIGINT','members':'BIGINT',"
        "'posts':'INTEGER','reach':'BIGINT','engagement':'BIGINT'})",
        [str(path)],
    )
    pages = list(Page.objects.values_list("pk", "unit__path"))
    con.execute("CREATE TABLE pages (page_id INTEGER, path VARCHAR)")
    con.executemany("INSERT INTO pages VALUES (?, ?)", pages)
    return con


DUCKDB_SERIES = """
WITH s AS (
  SELECT s.page_id, date_trunc('month', s.day) AS m, s.day, COALESCE(s.followers, s.members, s.likes) AS aud,
         s.posts, s.reach, s.engagement
  FROM snaps s JOIN pages p ON p.page_id = s.page_id WHERE starts_with(p.path, ?)
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

    if connection.vendor != "postgresql":
        raise SystemExit(
            "Run against PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_pages_bench"
        )
    work = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    t0 = time.perf_counter()
    country, provinces, pages = build_registry(args.scale)
    path = work / "snapshots.csv"
    rows = write_snapshots(path, pages, args.days, timezone.localdate())
    size = path.stat().st_size / 1e6
    took = time.perf_counter() - t0
    print(f"scale {args.scale}: {len(pages)} pages, {rows:,} rows, {size:.0f} MB (generated in {took:.0f} s)")

    # Rounds alternate the three loads, so a slow minute of the machine falls on all of them alike; the
    # figure is the ratio of medians.
    same_runs, key_runs, import_runs = [], [], []
    result = None
    for n in range(args.rounds):
        same_runs.append(copy_baseline(path, "same"))
        key_runs.append(copy_baseline(path, "key"))
        if n:
            empty_snapshots()
        took_s, result = import_run(path)
        import_runs.append(took_s)
        if result.snapshots != rows:
            raise SystemExit(f"unexpected import result: {result}")
    again_s, again = import_run(path)
    if again.changed != 0:
        raise SystemExit(f"the second import changed {again.changed} rows")
    same_s, key_s, import_s = (statistics.median(r) for r in (same_runs, key_runs, import_runs))

    def show(runs: list[float]) -> str:
        return " ".join(f"{r:.1f}" for r in runs)

    print(f"median of {args.rounds} round(s); every run in seconds in brackets")
    for label, took, runs in (
        ("COPY into a clone of the snapshots table", same_s, same_runs),
        ("COPY into a key-only table", key_s, key_runs),
        ("import-metrics (new rows)", import_s, import_runs),
        ("import-metrics (same file again, 0 changed)", again_s, [again_s]),
    ):
        print(f"{label:<45} {took:7.2f} s {rows / took:>11,.0f} rows/s  [{show(runs)}]")
    print(f"IMPORT RATIO import/COPY into the same table = {same_s / import_s:.2f}  (goal >= 0.5)")
    print(f"       ratio import/COPY into a key-only table = {key_s / import_s:.2f}  (for information)")

    con = duckdb_setup(path)
    province = provinces[len(provinces) // 2]
    for label, unit in (("province", province), ("country", country)):
        ours_p95, ours_med, ours = timed(lambda u=unit: dashboards.series(u), args.runs)
        duck_p95, duck_med, duck = timed(
            lambda u=unit: con.execute(DUCKDB_SERIES, [u.path]).fetchall(), args.runs
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
