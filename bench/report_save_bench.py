"""Time and statements of one report save (an 11-field form) on SQLite, against a trivial write.

    python bench/report_save_bench.py [SAVES]        # 200 saves by default, in a fresh temporary database

Each save sends the 11 values of a commune's monthly report (new values, then changed values; every
unit has 12 months of history, so the outlier check reads it). Prints the statements of one save, the
median and p95 of a save (ms) and their ratio to a trivial write (one row updated in a transaction)
measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
os.environ.setdefault("KETNOI_DATA_DIR", tempfile.mkdtemp(prefix="kn_save_bench_"))
os.environ.pop("DATABASE_URL", None)

CODES = [f"f{i:02d}" for i in range(11)]


def main(saves: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from ketnoi.accounts.services import role_grant, user_create
    from ketnoi.core.permissions import SYSTEM
    from ketnoi.reporting import services
    from ketnoi.reporting.models import Report
    from ketnoi.units.services import unit_create

    call_command("migrate", verbosity=0)
    bp = unit_create(code="BP", name="Tỉnh", kind="province", level="province", parent=None, by=SYSTEM)
    district = unit_create(code="BP-A", name="Huyện", kind="district", level="district", parent=bp, by=SYSTEM)
    communes = [
        unit_create(
            code=f"BP-A-{i}", name=f"Xã {i}", kind="commune", level="commune", parent=district, by=SYSTEM
        )
        for i in range(10)
    ]
    for code in CODES:
        services.indicator_create(code=code, name=f"Chỉ tiêu {code}", by=SYSTEM, min_value=0)
    form = services.form_create(
        code="wide",
        name="Báo cáo",
        period_type="monthly",
        owner=bp,
        by=SYSTEM,
        indicators=CODES,
        units=[bp, district, *communes],
    )
    services.rule_create(form=form, left="f01", operator="<=", right="f00", by=SYSTEM)
    clerk = user_create(username="clerk", full_name="Cán bộ", unit=district, password="x" * 20, by=SYSTEM)
    role_grant(user=clerk, role="data_entry", unit=district, by=SYSTEM)
    for month in range(1, 13):
        for commune in communes:
            services.report_values_save(
                form=form,
                unit=commune,
                period=f"2019{month:02d}",
                values=dict.fromkeys(CODES, "100"),
                by=clerk,
            )

    def save(i: int) -> None:
        commune = communes[i % len(communes)]
        month = 1 + (i // (2 * len(communes))) % 12
        value = "100" if (i // len(communes)) % 2 == 0 else "101"
        services.report_values_save(
            form=form, unit=commune, period=f"2020{month:02d}", values=dict.fromkeys(CODES, value), by=clerk
        )

    with CaptureQueriesContext(connection) as new:
        save(0)
    with CaptureQueriesContext(connection) as changed:
        save(len(communes))
    report = Report.objects.get(unit=communes[0], period="202001")

    def trivial() -> None:
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(updated_at=report.updated_at)

    def timed(fn: object, n: int) -> list[float]:
        out = []
        for i in range(n):
            t = time.perf_counter()
            fn(i) if fn is save else trivial()  # type: ignore[operator]
            out.append((time.perf_counter() - t) * 1000)
        return out

    base = timed(trivial, saves)
    times = timed(save, saves)

    def p95(xs: list[float]) -> float:
        return sorted(xs)[int(0.95 * (len(xs) - 1))]

    n_new, n_changed = len(new.captured_queries), len(changed.captured_queries)
    print(f"statements per save: {n_new} (new values), {n_changed} (changed)")
    print(f"trivial write: median {statistics.median(base):.2f} ms, p95 {p95(base):.2f} ms")
    print(
        f"save of 11 fields x {saves}: median {statistics.median(times):.2f} ms, p95 {p95(times):.2f} ms, "
        f"total {sum(times) / 1000:.2f} s; ratio to trivial: median "
        f"{statistics.median(times) / statistics.median(base):.1f}x, p95 {p95(times) / p95(base):.1f}x"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
