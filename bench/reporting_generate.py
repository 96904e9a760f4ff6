"""National-scale data for the periodic-reporting benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_bench_reporting \\
        python bench/reporting_generate.py --scale 0.02

At scale 1: a country root, 34 provinces, 3,300 communes, 50,000 grassroots units, 24 monthly
periods and 20 indicators reported by every grassroots unit: 24 million values; and a weekly form (DHIS2's
ISO weeks) of 2 indicators over the same two years (104 weeks): 10.4 million more. ``--scale`` shrinks
the provinces, communes and grassroots units in proportion (at least one of each).

The structure is written straight into the tables (treebeard paths computed here) because building
it is not what is measured; the values are *not* written here: ``values(...)`` yields them per month
so the benchmark can time the product's own import against the database's own bulk load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ketnoi.core.permissions import SYSTEM

PROVINCES = 34
COMMUNES = 3300
GRASSROOTS = 50000
MONTHS = 24
INDICATORS = 20
WEEKLY_INDICATORS = 2
FIRST_MONTH = dt.date(2023, 1, 1)
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    import django

    django.setup()


def _step(i: int) -> str:
    out = ""
    while True:
        i, r = divmod(i, 36)
        out = _ALPHABET[r] + out
        if i == 0:
            break
    return out.rjust(4, "0")


@dataclass
class Dataset:
    country_id: int
    provinces: list[int]
    communes: list[int]
    grassroots: list[int]  # unit ids that report
    codes: dict[int, str]
    province_of: dict[int, int]  # any unit -> its province
    commune_of: dict[int, int]  # grassroots -> commune
    indicators: list[int]
    indicator_codes: list[str]
    months: list[str]
    weekly_indicators: list[int] = field(default_factory=list)
    weekly_codes: list[str] = field(default_factory=list)
    weeks: list[str] = field(default_factory=list)


def counts(scale: float) -> tuple[int, int, int]:
    return (
        max(1, round(PROVINCES * scale)),
        max(1, round(COMMUNES * scale)),
        max(1, round(GRASSROOTS * scale)),
    )


def months() -> list[str]:
    from ketnoi.lib import periods as P

    p = P.for_date(P.MONTHLY, FIRST_MONTH)
    out = []
    for _ in range(MONTHS):
        out.append(p.id)
        p = p.next()
    return out


def weeks() -> list[str]:
    """The ISO weeks of the two years: those whose fourth day lies in them (how weeks roll up)."""
    from ketnoi.lib import periods as P

    first, last = P.parse(months()[0]), P.parse(months()[-1])
    span = P.Period(first.start, last.end, P.CUSTOM, "span")
    return [w.id for w in P.between(P.WEEKLY, first.start, last.end) if span.holds(w)]


def build(scale: float, *, quiet: bool = False) -> Dataset:
    """Fresh reporting and unit tables holding the national structure, indicators and one monthly form."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from ketnoi.reporting import services
    from ketnoi.reporting.models import Indicator
    from ketnoi.units.models import Unit, UnitVersion

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        tables = [
            "reporting_rollup",
            "reporting_rollupperiod",
            "reporting_historicaldatavalue",
            "reporting_datavalue",
            "reporting_historicalreport",
            "reporting_report",
            "reporting_reminderlog",
            "reporting_formindicator",
            "reporting_reportform_units",
            "reporting_historicalvalidationrule",
            "reporting_validationrule",
            "reporting_historicalreportform",
            "reporting_reportform",
            "reporting_historicalindicator",
            "reporting_indicator",
            "units_unitversion",
            "units_historicalunit",
        ]
        if connection.vendor == "postgresql":
            cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            cur.execute("TRUNCATE units_unit CASCADE")
        else:
            for table in tables:
                cur.execute(f"DELETE FROM {table}")
            cur.execute("DELETE FROM units_reorganisation_units")
            cur.execute("DELETE FROM units_reorganisation")
            cur.execute("UPDATE units_unit SET successor_id = NULL")
            cur.execute("DELETE FROM units_unit")
    n_prov, n_comm, n_grass = counts(scale)
    with transaction.atomic():
        country = Unit(
            path=_step(1),
            depth=1,
            numchild=n_prov,
            code="VN",
            name="Cả nước",
            name_folded="ca nuoc",
            kind="other",
            level="province",
        )
        country.save()
        communes_per = [n_comm // n_prov + (1 if i < n_comm % n_prov else 0) for i in range(n_prov)]
        provinces = [
            Unit(
                path=country.path + _step(i + 1),
                depth=2,
                numchild=communes_per[i],
                code=f"VN-{i + 1:02d}",
                name=f"Tỉnh {i + 1:02d}",
                name_folded=f"tinh {i + 1:02d}",
                kind="province",
                level="province",
            )
            for i in range(n_prov)
        ]
        Unit.objects.bulk_create(provinces, batch_size=2000)
        communes: list[Unit] = []
        commune_province: list[int] = []
        for pi, prov in enumerate(provinces):
            for ci in range(communes_per[pi]):
                communes.append(
                    Unit(
                        path=prov.path + _step(ci + 1),
                        depth=3,
                        numchild=0,
                        code=f"{prov.code}-{ci + 1:03d}",
                        name=f"Xã {ci + 1:03d} tỉnh {pi + 1:02d}",
                        name_folded=f"xa {ci + 1:03d} tinh {pi + 1:02d}",
                        kind="commune",
                        level="commune",
                    )
                )
                commune_province.append(pi)
        grass_per = [
            n_grass // len(communes) + (1 if i < n_grass % len(communes) else 0) for i in range(len(communes))
        ]
        for c, n in zip(communes, grass_per, strict=True):
            c.numchild = n
        Unit.objects.bulk_create(communes, batch_size=2000)
        grassroots: list[Unit] = []
        grass_commune: list[int] = []
        for ci, com in enumerate(communes):
            for gi in range(grass_per[ci]):
                grassroots.append(
                    Unit(
                        path=com.path + _step(gi + 1),
                        depth=4,
                        numchild=0,
                        code=f"{com.code}-{gi + 1:02d}",
                        name=f"Chi bộ {gi + 1:02d} {com.name}",
                        name_folded=f"chi bo {gi + 1:02d}",
                        kind="grassroots",
                        level="grassroots",
                    )
                )
                grass_commune.append(ci)
        Unit.objects.bulk_create(grassroots, batch_size=5000)
        ids = dict(Unit.objects.values_list("code", "id"))
        for u in [*provinces, *communes, *grassroots]:
            u.pk = ids[u.code]
        versions = [UnitVersion(unit_id=country.pk, parent_id=None, name=country.name)]
        versions += [UnitVersion(unit_id=p.pk, parent_id=country.pk, name=p.name) for p in provinces]
        versions += [
            UnitVersion(unit_id=c.pk, parent_id=provinces[commune_province[i]].pk, name=c.name)
            for i, c in enumerate(communes)
        ]
        versions += [
            UnitVersion(unit_id=g.pk, parent_id=communes[grass_commune[i]].pk, name=g.name)
            for i, g in enumerate(grassroots)
        ]
        UnitVersion.objects.bulk_create(versions, batch_size=5000)
        codes = []
        for k in range(INDICATORS):
            code = f"i{k + 1:02d}"
            services.indicator_create(
                code=code,
                name=f"Chỉ tiêu {k + 1:02d}",
                time_aggregation="last" if k >= INDICATORS - 3 else "sum",
                by=SYSTEM,
            )
            codes.append(code)
        form = services.form_create(
            code="national_monthly",
            name="Báo cáo tháng toàn quốc",
            period_type="monthly",
            owner=country,
            by=SYSTEM,
            indicators=codes,
        )
        form.units.set([g.pk for g in grassroots])
        weekly_codes = [f"w{k + 1:02d}" for k in range(WEEKLY_INDICATORS)]
        for k, code in enumerate(weekly_codes):
            services.indicator_create(code=code, name=f"Chỉ tiêu tuần {k + 1:02d}", by=SYSTEM)
        weekly = services.form_create(
            code="national_weekly",
            name="Báo cáo tuần toàn quốc",
            period_type="weekly",
            owner=country,
            by=SYSTEM,
            indicators=weekly_codes,
        )
        weekly.units.set([g.pk for g in grassroots])
    weekly_ids = list(
        Indicator.objects.filter(code__in=weekly_codes).order_by("code").values_list("id", flat=True)
    )
    ind_ids = list(Indicator.objects.filter(code__in=codes).order_by("code").values_list("id", flat=True))
    data = Dataset(
        country_id=country.pk,
        provinces=[p.pk for p in provinces],
        communes=[c.pk for c in communes],
        grassroots=[g.pk for g in grassroots],
        codes={u.pk: u.code for u in [country, *provinces, *communes, *grassroots]},
        province_of={
            **{g.pk: provinces[commune_province[grass_commune[i]]].pk for i, g in enumerate(grassroots)},
            **{c.pk: provinces[commune_province[i]].pk for i, c in enumerate(communes)},
        },
        commune_of={g.pk: communes[grass_commune[i]].pk for i, g in enumerate(grassroots)},
        indicators=ind_ids,
        indicator_codes=codes,
        months=months(),
        weekly_indicators=weekly_ids,
        weekly_codes=weekly_codes,
        weeks=weeks(),
    )
    if not quiet:
        print(
            f"structure: 1 country, {n_prov} provinces, {len(communes)} communes, "
            f"{len(grassroots)} grassroots units, "
            f"{INDICATORS} indicators, {MONTHS} months -> {len(grassroots) * INDICATORS * MONTHS:,} values "
            f"({time.perf_counter() - t0:.1f} s)"
        )
    return data


def load_existing() -> Dataset:
    """The Dataset of a database that ``build`` filled before (to time queries again without rebuilding)."""
    from ketnoi.reporting.models import Indicator
    from ketnoi.units.models import Unit

    units = list(Unit.objects.filter(code__startswith="VN").values_list("pk", "code", "path", "depth"))
    by_path = {path: pk for pk, _c, path, _d in units}
    country = next(pk for pk, _c, _p, d in units if d == 1)
    provinces = [pk for pk, _c, _p, d in units if d == 2]
    communes = [pk for pk, _c, _p, d in units if d == 3]
    grassroots = [pk for pk, _c, _p, d in units if d == 4]
    province_of = {pk: by_path[path[:8]] for pk, _c, path, d in units if d >= 3}
    commune_of = {pk: by_path[path[:12]] for pk, _c, path, d in units if d == 4}
    inds = list(
        Indicator.objects.filter(code__in=[f"i{k + 1:02d}" for k in range(INDICATORS)]).order_by("code")
    )
    return Dataset(
        country_id=country,
        provinces=provinces,
        communes=communes,
        grassroots=grassroots,
        codes={pk: code for pk, code, _p, _d in units},
        province_of=province_of,
        commune_of=commune_of,
        indicators=[i.pk for i in inds],
        indicator_codes=[i.code for i in inds],
        months=months(),
    )


def values(data: Dataset, month: str) -> Iterator[tuple[int, int, str, int]]:
    """(unit id, indicator id, period, value) for one month: every grassroots unit, every indicator."""
    rng = random.Random(f"{month}")
    for uid in data.grassroots:
        base = 5 + uid % 17
        for k, iid in enumerate(data.indicators):
            yield uid, iid, month, base * (k + 1) + rng.randint(0, 9)


def weekly_values(data: Dataset, week: str) -> Iterator[tuple[int, int, str, int]]:
    """(unit id, indicator id, period, value) for one week of the weekly form."""
    rng = random.Random(f"{week}")
    for uid in data.grassroots:
        for k, iid in enumerate(data.weekly_indicators):
            yield uid, iid, week, 1 + uid % 7 + k + rng.randint(0, 3)


def main(argv: list[str] | None = None) -> Any:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.02)
    args = parser.parse_args(argv)
    setup_django()
    return build(args.scale)


if __name__ == "__main__":
    main()
