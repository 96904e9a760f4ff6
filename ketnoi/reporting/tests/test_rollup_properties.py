"""Property-based tests of the roll-up over random trees, periods and values.

Each example builds a random tree through the unit services, imports random values through the
import service, and compares every figure with a direct computation from the values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors, services
from ketnoi.reporting.models import Indicator, Rollup
from ketnoi.units.models import Unit
from ketnoi.units.services import unit_create, unit_move

MONTHS = [P.parse(f"2020{m:02d}") for m in range(1, 13)]
ASKED = [
    P.parse(p)
    for p in ("2020", "2020S1", "2020S2", "2020Q1", "2020Q2", "2020Q3", "2020Q4", "202002", "202011")
]
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def trees_and_values(draw: Any) -> tuple[list[int | None], dict[tuple[int, str, str], int]]:
    n = draw(st.integers(min_value=2, max_value=10))
    parents: list[int | None] = [None] + [
        draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, n)
    ]
    values: dict[tuple[int, str, str], int] = {}
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, 11), st.integers(0, 5000), st.integers(0, 100)),
            min_size=1,
            max_size=40,
        )
    )
    for node, month, members, share in cells:
        pid = MONTHS[month].id
        values[(node, pid, "m")] = members
        values[(node, pid, "s")] = members * share // 100
    return parents, values


@pytest.fixture
def engine_indicators(db: Any) -> dict[str, Indicator]:
    return {
        "m": services.indicator_create(code="m", name="Thành viên", by=SYSTEM),
        "s": services.indicator_create(code="s", name="Đã học tập", by=SYSTEM),
        "pct": services.indicator_create(
            code="pct", name="Tỷ lệ", by=SYSTEM, value_type="percentage", formula="s / m * 100"
        ),
    }


def _build(parents: list[int | None]) -> list[Unit]:
    units: list[Unit] = []
    for i, parent in enumerate(parents):
        units.append(
            unit_create(
                code=f"R{i}",
                name=f"Đơn vị {i}",
                kind="other",
                level="grassroots",
                parent=None if parent is None else units[parent],
                by=SYSTEM,
            )
        )
    return units


def _import(units: list[Unit], values: dict[tuple[int, str, str], int]) -> None:
    rows = [
        services.ImportRow(code, pid, units[node].code, str(v)) for (node, pid, code), v in values.items()
    ]
    services.values_import(rows=rows, by=SYSTEM, source="hypothesis")


def _subtree(parents: list[int | None], root: int) -> set[int]:
    out = {root}
    changed = True
    while changed:
        changed = False
        for i, p in enumerate(parents):
            if p in out and i not in out:
                out.add(i)
                changed = True
    return out


def _expected(
    parents_for: Any, values: dict[tuple[int, str, str], int], node: int, code: str, asked: P.Period
) -> int | None:
    """Direct sum over the node's subtree, each month against the tree of that month."""
    found = False
    total = 0
    for (n, pid, c), v in values.items():
        month = P.parse(pid)
        if c == code and asked.contains(month) and n in _subtree(parents_for(month), node):
            total += v
            found = True
    return total if found else None


@SETTINGS
@given(data=trees_and_values())
def test_a_subtree_total_is_the_sum_of_its_units_and_a_year_the_sum_of_its_quarters(
    engine_indicators: dict[str, Indicator], data: Any
) -> None:
    parents, values = data
    with transaction.atomic():
        units = _build(parents)
        _import(units, values)
        inds = list(engine_indicators.values())
        for node, unit in enumerate(units):
            got = selectors.aggregate(indicators=inds, unit=unit, periods=ASKED)
            for asked in ASKED:
                m = _expected(lambda _p: parents, values, node, "m", asked)
                s = _expected(lambda _p: parents, values, node, "s", asked)
                assert got[("m", asked.id)] == m
                assert got[("s", asked.id)] == s
                # A ratio indicator is the ratio of the sums.
                if m:
                    assert got[("pct", asked.id)] == pytest.approx(100 * (s or 0) / m)
                else:
                    assert got[("pct", asked.id)] is None
            year = got[("m", "2020")]
            quarters = [got[("m", f"2020Q{q}")] for q in range(1, 5)]
            assert year == (
                sum(q for q in quarters if q is not None) if any(q is not None for q in quarters) else None
            )
        # Leaves only: the root's total is the sum over the leaves' own subtrees too.
        leaves = [i for i in range(len(parents)) if i not in parents]
        root_total = selectors.aggregate(indicators=inds[:1], unit=units[0], periods=[ASKED[0]])[
            ("m", "2020")
        ]
        own_internal = sum(v for (n, _p, c), v in values.items() if c == "m" and n not in leaves)
        own_leaves = sum(v for (n, _p, c), v in values.items() if c == "m" and n in leaves)
        assert root_total == own_internal + own_leaves
        transaction.set_rollback(True)


@SETTINGS
@given(data=trees_and_values(), mover=st.integers(1, 9), target=st.integers(0, 9), month=st.integers(2, 12))
def test_a_reorganisation_changes_only_the_periods_from_its_date(
    engine_indicators: dict[str, Indicator], data: Any, mover: int, target: int, month: int
) -> None:
    parents, values = data
    n = len(parents)
    mover, target = mover % n or 1, target % n
    if target in _subtree(parents, mover) or parents[mover] == target:
        return
    day = dt.date(2020, month, 1)
    with transaction.atomic():
        units = _build(parents)
        _import(units, values)
        inds = [engine_indicators["m"]]
        before = {
            node: selectors.aggregate(indicators=inds, unit=u, periods=ASKED) for node, u in enumerate(units)
        }
        # Roll-ups hear of the reorganisation when it commits (the one structure event).
        with TestCase.captureOnCommitCallbacks(execute=True):
            unit_move(unit=units[mover], new_parent=units[target], effective_date=day, by=SYSTEM)
        after_parents = list(parents)
        after_parents[mover] = target

        def parents_for(p: P.Period) -> list[int | None]:
            return after_parents if p.end >= day else parents

        for node, unit in enumerate(units):
            got = selectors.aggregate(indicators=inds, unit=unit, periods=ASKED)
            for asked in ASKED:
                assert got[("m", asked.id)] == _expected(parents_for, values, node, "m", asked)
                if asked.end < day:
                    # Periods that ended before the reorganisation keep their figures.
                    assert got[("m", asked.id)] == before[node][("m", asked.id)]
        transaction.set_rollback(True)


@SETTINGS
@given(
    data=trees_and_values(),
    changes=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 11), st.integers(-1, 900)), max_size=15),
)
def test_roll_ups_kept_current_by_each_save_equal_a_rebuild_from_scratch(
    engine_indicators: dict[str, Indicator], data: Any, changes: list[tuple[int, int, int]]
) -> None:
    parents, values = data
    with transaction.atomic():
        units = _build(parents)
        _import(units, values)
        selectors.aggregate(indicators=[engine_indicators["m"]], unit=units[0], periods=ASKED[:1])  # builds
        rows = [
            services.ImportRow("m", MONTHS[m].id, units[node % len(units)].code, "" if v < 0 else str(v))
            for node, m, v in changes
        ]
        dedup = {(r.period, r.org_unit): r for r in rows}
        if dedup:
            services.values_import(rows=list(dedup.values()), by=SYSTEM, source="changes")

        def snapshot() -> dict[tuple[int, int, int, str], tuple[float, int]]:
            return {
                (r.ancestor_id, r.indicator_id, r.option_id, r.period): (r.total, r.n)
                for r in Rollup.objects.all()
                if r.n
            }

        incremental = snapshot()
        services.rollup_rebuild()
        assert snapshot() == incremental
        transaction.set_rollback(True)


def test_values_of_a_unit_that_moved_stay_with_its_old_parent_for_earlier_periods(
    engine_indicators: dict[str, Indicator],
) -> None:
    units = _build([None, 0, 0, 1])
    _import(units, {(3, "202001", "m"): 7, (3, "202012", "m"): 11})
    with TestCase.captureOnCommitCallbacks(execute=True):
        unit_move(unit=units[3], new_parent=units[2], effective_date=dt.date(2020, 7, 1), by=SYSTEM)
    inds = [engine_indicators["m"]]
    assert selectors.aggregate(indicators=inds, unit=units[1], periods=[P.parse("2020")])[("m", "2020")] == 7
    assert selectors.aggregate(indicators=inds, unit=units[2], periods=[P.parse("2020")])[("m", "2020")] == 11
    assert selectors.aggregate(indicators=inds, unit=units[0], periods=[P.parse("2020")])[("m", "2020")] == 18
