"""Pre-aggregation of data values over the hierarchy, kept current in the same transaction as each write.

For every value of unit *u* in period *p*, each strict ancestor *a* of *u* in the hierarchy as it stood
on *p*'s last day holds ``Rollup(a, indicator, option, p).total += number`` and ``n += 1`` (option 0
holds every value of the indicator whatever its option). A subtree's figure for *p* is then the
unit's own value plus one indexed row, so a value counts in every roll-up the moment it is saved.

A reorganisation recorded on or before a period's last day changes that period's hierarchy: the
period is marked stale (``RollupPeriod.built = False``) and the next read rebuilds it from the values.
Writers and the rebuild lock the period's ``RollupPeriod`` row, so no delta is lost to a rebuild.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ketnoi.lib import periods as P
from ketnoi.reporting.models import DataValue, Rollup, RollupPeriod
from ketnoi.units.models import Unit, UnitVersion

# (ancestor, indicator, option, period) -> [total, n]
Deltas = dict[tuple[int, int, int, str], list[float]]


def parents_as_of(day: dt.date) -> dict[int, int | None]:
    """unit id -> parent id in the hierarchy as it stood on ``day``."""
    rows = (
        UnitVersion.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("unit_id", "parent_id")
    )
    return dict(rows)


def ancestors_in(parents: dict[int, int | None], unit_id: int) -> list[int]:
    out: list[int] = []
    seen = {unit_id}
    current = parents.get(unit_id)
    while current is not None and current not in seen:
        out.append(current)
        seen.add(current)
        current = parents.get(current)
    return out


def ancestors_as_of(unit_id: int, day: dt.date, path: str = "") -> list[int]:
    """Strict ancestors of a unit on ``day``, nearest first.

    With the unit's (today's) tree ``path``, the versions of today's ancestors are read in one query and
    the chain followed through them; a level that differs from today's tree (a reorganisation) is read
    with one small query, as is every level without a ``path``.
    """
    known: dict[int, int | None] = {}
    if path:
        steplen = Unit.steplen
        prefixes = [path[:i] for i in range(steplen, len(path) + 1, steplen)]
        known = dict(
            UnitVersion.objects.filter(unit__path__in=prefixes)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
            .values_list("unit_id", "parent_id")
        )
    out: list[int] = []
    current = unit_id
    seen = {unit_id}
    while True:
        if current in known:
            parent = known[current]
        else:
            parent = (
                UnitVersion.objects.filter(unit_id=current)
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
                .values_list("parent_id", flat=True)
                .first()
            )
        if parent is None or parent in seen:
            return out
        out.append(parent)
        seen.add(parent)
        current = parent


def lock_periods(period_ids: Iterable[str]) -> dict[str, bool]:
    """Make sure each period has its RollupPeriod row and lock it; answer whether each is built."""
    ids = sorted(set(period_ids))
    locked = {
        r.period: r.built
        for r in RollupPeriod.objects.select_for_update().filter(period__in=ids).order_by("period")
    }
    missing = [pid for pid in ids if pid not in locked]
    if not missing:  # the usual case: one statement
        return locked
    # A period without any value yet has an (empty) roll-up that is trivially current.
    with_values = set(
        DataValue.objects.filter(period__in=missing).values_list("period", flat=True).distinct()
    )
    RollupPeriod.objects.bulk_create(
        [
            RollupPeriod(period=pid, period_end=P.parse(pid).end, built=pid not in with_values)
            for pid in missing
        ],
        ignore_conflicts=True,
    )
    rows = RollupPeriod.objects.select_for_update().filter(period__in=ids).order_by("period")
    return {r.period: r.built for r in rows}


def apply(deltas: Deltas) -> None:
    """Add the deltas to the roll-up rows (insert or increment), in one statement on PostgreSQL."""
    bounds: dict[str, tuple[dt.date, dt.date]] = {}
    rows = []
    for (a, i, o, p), (t, n) in deltas.items():
        if t == 0 and n == 0:
            continue
        if p not in bounds:
            period = P.parse(p)
            bounds[p] = (period.start, period.end)
        rows.append((a, i, o, p, *bounds[p], t, int(n)))
    if not rows:
        return
    table = Rollup._meta.db_table
    columns = "(ancestor_id, indicator_id, option_id, period, period_start, period_end, total, n)"
    upsert = (
        "ON CONFLICT (ancestor_id, indicator_id, option_id, period) DO UPDATE SET "
        f"total = {table}.total + excluded.total, n = {table}.n + excluded.n"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} {columns} "  # noqa: S608 - the model's own table name
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::integer[], %s::varchar[], "
                "%s::date[], %s::date[], %s::double precision[], %s::integer[]) " + upsert,
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} {columns} "  # noqa: S608 - the model's own table name
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) " + upsert,
                rows,
            )


def add_delta(
    deltas: Deltas,
    ancestors: list[int],
    indicator_id: int,
    option_id: int | None,
    pid: str,
    total: float,
    n: int,
) -> None:
    for a in ancestors:
        cell = deltas.setdefault((a, indicator_id, 0, pid), [0.0, 0])
        cell[0] += total
        cell[1] += n
        if option_id:
            cell = deltas.setdefault((a, indicator_id, option_id, pid), [0.0, 0])
            cell[0] += total
            cell[1] += n


@transaction.atomic
def rebuild(period_id: str) -> int:
    """Recompute one period's roll-up from its values. Returns the number of roll-up rows written."""
    lock_periods([period_id])
    period = P.parse(period_id)
    Rollup.objects.filter(period=period_id).delete()
    parents = parents_as_of(period.end)
    chains: dict[int, list[int]] = {}
    sums: dict[tuple[int, int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    values = (
        DataValue.objects.filter(period=period_id, number__isnull=False)
        .values_list("unit_id", "indicator_id", "option_id", "number")
        .iterator(chunk_size=20000)
    )
    for unit_id, indicator_id, option_id, number in values:
        cell = sums[(unit_id, indicator_id, option_id or 0)]
        cell[0] += number or 0.0
        cell[1] += 1
    deltas: dict[tuple[int, int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for (unit_id, indicator_id, option_id), (total, n) in sums.items():
        chain = chains.get(unit_id)
        if chain is None:
            chain = chains[unit_id] = ancestors_in(parents, unit_id)
        for a in chain:
            cell = deltas[(a, indicator_id, 0)]
            cell[0] += total
            cell[1] += n
            if option_id:
                cell = deltas[(a, indicator_id, option_id)]
                cell[0] += total
                cell[1] += n
    Rollup.objects.bulk_create(
        [
            Rollup(
                ancestor_id=a,
                indicator_id=i,
                option_id=o,
                period=period_id,
                period_start=period.start,
                period_end=period.end,
                total=t,
                n=int(n),
            )
            for (a, i, o), (t, n) in deltas.items()
        ],
        batch_size=5000,
    )
    RollupPeriod.objects.filter(period=period_id).update(built=True, built_at=timezone.now())
    return len(deltas)


def invalidate_from(day: dt.date | None) -> int:
    """Mark stale every period whose hierarchy may have changed: those ending on or after ``day``."""
    qs = RollupPeriod.objects.filter(built=True)
    if day is not None:
        qs = qs.filter(period_end__gte=day)
    return qs.update(built=False)
