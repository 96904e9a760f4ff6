"""Benchmark of the periodic-reporting engine: bulk import and roll-up queries, against baselines.

    python bench/reporting_bench.py --scale 0.02 --db sqlite
    python bench/reporting_bench.py --scale 0.02 --db postgres     # database kn_bench_reporting

1. Builds the national structure (bench/reporting_generate.py) in a database of its own.
2. Import: every value through the product's import service (``services.values_import``: codes
   resolved, values checked, history rows, roll-ups kept current in the same transaction), month by
   month, against the database's own bulk load of the same rows (PostgreSQL ``COPY``, SQLite
   ``executemany``, one transaction per month) into a clone of the values table (its indexes, unique
   keys and foreign keys): the goal's figure. The load into a bare table is printed too, as a lower bound
   no real table reaches. The three loads take turns month by month, so the machine's drift falls on all.
3. Queries: ``selectors.aggregate`` of all 20 indicators for one commune, one province and the
   country over one month, one quarter and two years; p50 and p95 over repeated calls, against
   DuckDB's in-memory GROUP BY over the same values loaded as one flat table (unit's commune and
   province as columns) - the near-limit baseline. Figure: ms and the ratio p95 / baseline p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from ketnoi.core.permissions import SYSTEM

sys.path.insert(0, str(Path(__file__).resolve().parent))

DBS = {
    "sqlite": "sqlite:////tmp/kn_bench_reporting.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/kn_bench_reporting",
}


def _ensure_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q * (len(s) - 1))))
    return s[k]


def import_month(data: Any, month: str) -> tuple[int, float]:
    """One month of values through the product's import service: (values, seconds)."""
    from reporting_generate import values

    from ketnoi.reporting import services

    code_of = dict(zip(data.indicators, data.indicator_codes, strict=True))
    rows = [
        services.ImportRow(code_of[iid], pid, data.codes[uid], str(v))
        for uid, iid, pid, v in values(data, month)
    ]
    t0 = time.perf_counter()
    summary = services.values_import(rows=rows, by=SYSTEM, source=f"bench {month}")
    return summary.imported, time.perf_counter() - t0


def _bare_table(cur: Any) -> None:
    cur.execute("DROP TABLE IF EXISTS bench_raw_values")
    cur.execute(
        "CREATE TABLE bench_raw_values (indicator_id integer, unit_id integer, period varchar(16), "
        "period_start date, period_end date, value varchar(2000), number double precision)"
    )


def bulk_load_month(data: Any, month: str, table: str) -> tuple[int, float]:
    """The database's own bulk load of one month's values (PostgreSQL ``COPY``, SQLite ``executemany``),
    in one transaction, into ``bench_raw_values`` (bare) or ``bench_values_like`` (the values table's
    shape): (values, seconds)."""
    import datetime as dt

    from django.db import connection, transaction
    from reporting_generate import values

    from ketnoi.lib import periods as P

    p = P.parse(month)
    if table == "bench_raw_values":
        columns = "indicator_id, unit_id, period, period_start, period_end, value, number"
        rows = [(iid, uid, pid, p.start, p.end, str(v), float(v)) for uid, iid, pid, v in values(data, month)]
    else:
        columns = (
            "indicator_id, unit_id, period, period_start, period_end, value, number, comment, created_at, "
            "updated_at"
        )
        now = dt.datetime.now(dt.UTC)
        rows = [
            (iid, uid, pid, p.start, p.end, str(v), float(v), "", now, now)
            for uid, iid, pid, v in values(data, month)
        ]
    t0 = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            raw = connection.connection
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(rows[0]))
            with connection.cursor() as cur:
                cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    return len(rows), time.perf_counter() - t0


def _same_schema_table(cur: Any, vendor: str) -> None:
    """A copy of the values table with its indexes, unique and foreign-key constraints."""
    cur.execute("DROP TABLE IF EXISTS bench_values_like")
    if vendor == "postgresql":
        cur.execute("CREATE TABLE bench_values_like (LIKE reporting_datavalue INCLUDING ALL)")
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'reporting_datavalue'::regclass AND contype = 'f'"
        )
        for name, definition in cur.fetchall():
            short = f"b_{name}"[:60]
            cur.execute(f'ALTER TABLE bench_values_like ADD CONSTRAINT "{short}" {definition}')
        return
    cur.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'reporting_datavalue' AND sql IS NOT NULL"
    )
    statements = sorted(cur.fetchall(), key=lambda r: r[0] != "table")
    for _kind, name, sql in statements:
        cur.execute(
            sql.replace('"reporting_datavalue"', '"bench_values_like"').replace(f'"{name}"', f'"b_{name}"', 1)
        )


def load_all(data: Any) -> dict[str, tuple[int, float]]:
    """Month by month, the bare load, the same-schema load and the import, one after the other, so that a
    slow minute of the machine falls on all three alike and the three tables grow together.
    Returns {kind: (values, seconds)}."""
    from django.db import connection

    with connection.cursor() as cur:
        _bare_table(cur)
        _same_schema_table(cur, connection.vendor)
    totals = {"bare": [0, 0.0], "same": [0, 0.0], "import": [0, 0.0]}
    for month in data.months:
        for kind, (n, seconds) in (
            ("bare", bulk_load_month(data, month, "bench_raw_values")),
            ("same", bulk_load_month(data, month, "bench_values_like")),
            ("import", import_month(data, month)),
        ):
            totals[kind][0] += n
            totals[kind][1] += seconds
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_raw_values")
        cur.execute("DROP TABLE bench_values_like")
    return {kind: (int(n), float(t)) for kind, (n, t) in totals.items()}


def import_weeks(data: Any) -> tuple[int, float]:
    """The weekly form's values, week by week, through the import service: (values, seconds)."""
    from reporting_generate import weekly_values

    from ketnoi.reporting import services

    code_of = dict(zip(data.weekly_indicators, data.weekly_codes, strict=True))
    n, seconds = 0, 0.0
    for week in data.weeks:
        rows = [
            services.ImportRow(code_of[iid], pid, data.codes[uid], str(v))
            for uid, iid, pid, v in weekly_values(data, week)
        ]
        t0 = time.perf_counter()
        n += services.values_import(rows=rows, by=SYSTEM, source=f"bench {week}").imported
        seconds += time.perf_counter() - t0
    return n, seconds


def duckdb_baseline(data: Any) -> Any:
    """The values as one flat in-memory DuckDB table: (commune, province, indicator, month index, value)."""
    import duckdb
    import numpy as np

    from ketnoi.lib import periods as P
    from ketnoi.reporting.models import DataValue

    month_index = {m: i for i, m in enumerate(data.months)}
    for week in data.weeks:  # a week counts in the month of its fourth day
        month_index[week] = month_index[P.for_date(P.MONTHLY, P.parse(week).start + dt.timedelta(days=3)).id]
    rows = DataValue.objects.values_list("unit_id", "indicator_id", "period", "number")
    units, inds, months, nums = [], [], [], []
    for uid, iid, pid, num in rows.iterator(chunk_size=50000):
        units.append(uid)
        inds.append(iid)
        months.append(month_index[pid])
        nums.append(num)
    u = np.array(units, dtype=np.int32)
    commune_of = data.commune_of
    province_of = data.province_of
    values_table = {  # noqa: F841 - DuckDB reads the local variable by name
        "unit_id": u,
        "commune_id": np.array([commune_of[x] for x in units], dtype=np.int32),
        "province_id": np.array([province_of[x] for x in units], dtype=np.int32),
        "indicator_id": np.array(inds, dtype=np.int32),
        "month": np.array(months, dtype=np.int16),
        "value": np.array(nums, dtype=np.float64),
    }
    con = duckdb.connect()
    con.execute("CREATE TABLE v AS SELECT * FROM values_table")
    return con


def query_shapes(data: Any) -> list[tuple[str, str, list[int], Any, tuple[int, int]]]:
    from ketnoi.lib import periods as P

    rng = random.Random(7)
    last = P.parse(data.months[-1])
    quarter = P.parse(f"{data.months[-1][:4]}Q2")
    two_years = P.span(int(data.months[0][:4]), int(data.months[-1][:4]))
    spans = [
        ("one month", last, (len(data.months) - 1, len(data.months) - 1)),
        (
            "one quarter",
            quarter,
            (
                data.months.index(quarter.sub_periods("monthly")[0].id),
                data.months.index(quarter.sub_periods("monthly")[-1].id),
            ),
        ),
        ("two years", two_years, (0, len(data.months) - 1)),
    ]
    levels = [
        ("commune", rng.sample(data.communes, min(15, len(data.communes)))),
        ("province", rng.sample(data.provinces, min(15, len(data.provinces)))),
        ("country", [data.country_id]),
    ]
    return [(lvl, span_name, ids, period, idx) for lvl, ids in levels for span_name, period, idx in spans]


def run_queries(data: Any, con: Any, repeats: int, *, weekly: bool = False) -> list[dict[str, Any]]:
    from django.db import connection

    from ketnoi.reporting import selectors
    from ketnoi.reporting.models import Indicator
    from ketnoi.units.models import Unit

    codes = data.weekly_codes if weekly else data.indicator_codes
    inds = list(Indicator.objects.filter(code__in=codes).order_by("code"))
    results = []
    for level, span_name, ids, period, (m0, m1) in query_shapes(data):
        units = list(Unit.objects.filter(pk__in=ids))
        ours: list[float] = []
        base: list[float] = []
        column = {"commune": "commune_id", "province": "province_id", "country": None}[level]
        marks = ", ".join(str(i.pk) for i in inds)
        sql = f"SELECT indicator_id, SUM(value) FROM v WHERE indicator_id IN ({marks}) "
        sql += "AND month BETWEEN ? AND ? "
        if column:
            sql += f"AND {column} = ? "
        sql += "GROUP BY indicator_id"
        # One untimed pass first, for both: the first read of a unit's rows comes from the operating
        # system's file cache into the database's buffers, while DuckDB's table is in memory already.
        for unit in units:
            selectors.aggregate(indicators=inds, unit=unit, periods=[period])
            con.execute(sql, [m0, m1, unit.pk] if column else [m0, m1]).fetchall()
        for _ in range(repeats):
            for unit in units:
                t0 = time.perf_counter()
                got = selectors.aggregate(indicators=inds, unit=unit, periods=[period])
                ours.append((time.perf_counter() - t0) * 1000)
                params = [m0, m1, unit.pk] if column else [m0, m1]
                t0 = time.perf_counter()
                expected = dict(con.execute(sql, params).fetchall())
                base.append((time.perf_counter() - t0) * 1000)
        # The two must agree on the sum indicators (the last three are "last value" over time).
        for ind in inds if weekly else inds[:-3]:
            if abs((got[(ind.code, period.id)] or 0) - expected.get(ind.pk, 0)) > 1e-6:
                raise RuntimeError(f"engine and DuckDB disagree: {level} {span_name} {ind.code}")
        results.append(
            {
                "shape": f"{'weekly ' if weekly else ''}{level} × {span_name}",
                "p50": statistics.median(ours),
                "p95": pct(ours, 0.95),
                "base_p50": statistics.median(base),
                "base_p95": pct(base, 0.95),
            }
        )
    connection.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--db", choices=sorted(DBS), default="sqlite")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="Reuse the database of an earlier run; time the queries only.",
    )
    args = parser.parse_args(argv)
    url = DBS[args.db]
    if args.db == "postgres":
        _ensure_pg_database(url)
    elif not args.queries_only:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = url
    import reporting_generate

    reporting_generate.setup_django()
    if args.queries_only:
        data = reporting_generate.load_existing()
        print(f"{args.db}: reusing {len(data.grassroots):,} grassroots units")
        run_and_print_queries(data, args.repeats)
        return
    data = reporting_generate.build(args.scale)
    loads = load_all(data)
    (n_base, t_base), (n_like, t_like), (n_ours, t_ours) = loads["bare"], loads["same"], loads["import"]
    if not n_ours == n_base == n_like:
        raise RuntimeError(f"imported {n_ours} values, loaded {n_base} and {n_like}")
    print(f"\n{args.db}, scale {args.scale}: {n_ours:,} values")
    bulk = "COPY" if args.db == "postgres" else "executemany"
    print(
        f"import service:                                   {n_ours / t_ours:>9,.0f} rows/s ({t_ours:.1f} s)"
    )
    print(
        f"{bulk} into a clone of the values table:          {n_like / t_like:>9,.0f} rows/s ({t_like:.1f} s)"
        f"   IMPORT RATIO {t_like / t_ours:.2f} (goal >= 0.5)"
    )
    print(
        f"{bulk} into a bare table (no index, no key):      {n_base / t_base:>9,.0f} rows/s ({t_base:.1f} s)"
        f"   ratio {t_base / t_ours:.2f} (a lower bound, for information)"
    )
    if data.weeks:
        n_weeks, t_weeks = import_weeks(data)
        rate = n_weeks / t_weeks
        print(f"import service, weekly form ({n_weeks:,} values):  {rate:>9,.0f} rows/s ({t_weeks:.1f} s)")
    run_and_print_queries(data, args.repeats)


def run_and_print_queries(data: Any, repeats: int) -> None:
    t0 = time.perf_counter()
    con = duckdb_baseline(data)
    print(f"duckdb baseline loaded in {time.perf_counter() - t0:.1f} s")
    print(f"{'query':<26}{'p50 ms':>9}{'p95 ms':>9}{'duck p50':>10}{'duck p95':>10}{'p95 ratio':>11}")
    results = run_queries(data, con, repeats)
    if data.weeks and data.weekly_codes:
        results += run_queries(data, con, repeats, weekly=True)
    for r in results:
        print(
            f"{r['shape']:<26}{r['p50']:>9.2f}{r['p95']:>9.2f}{r['base_p50']:>10.2f}{r['base_p95']:>10.2f}"
            f"{r['p95'] / r['base_p95']:>11.2f}"
        )


if __name__ == "__main__":
    main()
