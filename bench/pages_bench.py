"""Benchmark of the official pages at national scale (runs outside the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_pages_bench KETNOI_DATA_DIR=$(mktemp -d) \\
        python bench/pages_bench.py --scale 0.05

1. Import: ``import-metrics`` of the generated template file (parse, check every row and page right,
   upsert, keep the aggregates up to date) against PostgreSQL's own ``COPY`` of the same file into a table
   with the same columns and the same unique key. Figure: rows/s of each and their ratio (goal >= 0.5).
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


def copy_baseline(path: Path) -> float:
    """PostgreSQL's COPY of the same file into a table of the same shape: the same unique key and the same
    (deferred) foreign key to the pages, timed up to and including the commit, as the import is."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_copy")
        cur.execute(
            "CREATE TABLE bench_copy (page_id integer NOT NULL REFERENCES pages_page (id) "
            "DEFERRABLE INITIALLY DEFERRED, day date NOT NULL, followers bigint, likes bigint, "
            "members bigint, posts integer, reach bigint, engagement bigint, UNIQUE (page_id, day))"
        )
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL datestyle = 'ISO, DMY'")
        with (
            path.open("rb") as f,
            cur.cursor.copy("COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
    elapsed = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_copy")
    return elapsed


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
    parser.add_argument("--runs", type=int, default=30)
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

    copy_s = copy_baseline(path)
    import_s, result = import_run(path)
    again_s, again = import_run(path)
    if result.snapshots != rows or again.changed != 0:
        raise SystemExit(f"unexpected import result: {result} then {again}")
    print(f"COPY (PostgreSQL bulk load):  {copy_s:7.2f} s  {rows / copy_s:>12,.0f} rows/s")
    print(f"import-metrics (first):       {import_s:7.2f} s  {rows / import_s:>12,.0f} rows/s")
    print(f"import-metrics (same again):  {again_s:7.2f} s  {rows / again_s:>12,.0f} rows/s  (0 changed)")
    print(f"IMPORT RATIO import/COPY throughput = {copy_s / import_s:.2f}  (goal >= 0.5)")

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
