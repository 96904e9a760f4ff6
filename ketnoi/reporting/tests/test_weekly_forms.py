"""A weekly form (DHIS2's ISO weeks) works like a monthly one: entry, deadlines, the period reported now,
completeness, roll-ups over units and over time (a week counts in the month and year of its fourth day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from ketnoi.core.exceptions import ValidationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors, services
from ketnoi.reporting.models import Indicator, PeriodType
from ketnoi.reporting.periods import current_period, form_deadline, form_period, form_periods


@pytest.fixture
def weekly_form(province: Any, indicators: dict[str, Any], unit: Any) -> Any:
    return services.form_create(
        code="weekly",
        name="Báo cáo tuần",
        period_type="weekly",
        owner=province,
        by=SYSTEM,
        indicators=["members", "trained"],
        units=[unit(c) for c in ("BP-BGM", "BP-BGM-XPN", "BP-BGM-XDK")],
        deadline_days=2,
    )


def test_every_period_type_of_the_library_is_a_form_period_type() -> None:
    assert set(PeriodType.values) == set(P.TYPES)


def test_a_weekly_form_reads_weeks_and_refuses_other_periods(weekly_form: Any) -> None:
    week = form_period(weekly_form, "2026W5")
    assert (week.start, week.end) == (dt.date(2026, 1, 26), dt.date(2026, 2, 1))
    assert form_deadline(weekly_form, week) == dt.date(2026, 2, 3)
    with pytest.raises(ValidationError) as wrong_type:
        form_period(weekly_form, "202601")
    assert "202601" in str(wrong_type.value)
    with pytest.raises(ValidationError) as unknown:
        form_period(weekly_form, "2026w5")
    assert "2026w5" in str(unknown.value)


def test_the_week_being_reported_is_last_week(weekly_form: Any) -> None:
    assert current_period(weekly_form, dt.date(2026, 1, 1)).id == "2025W52"  # Thursday of 2026W1
    assert current_period(weekly_form, dt.date(2026, 2, 2)).id == "2026W5"
    assert [p.id for p in form_periods(weekly_form, today=dt.date(2026, 2, 2), count=3)] == [
        "2026W6",
        "2026W5",
        "2026W4",
    ]


def _agg(unit: Any, *pids: str) -> dict[tuple[str, str], float | None]:
    inds = [Indicator.objects.get(code="members")]
    return selectors.aggregate(indicators=inds, unit=unit, periods=[P.parse(p) for p in pids])


def test_weeks_roll_up_over_units_and_into_their_months_and_years(weekly_form: Any, unit: Any) -> None:
    for pid, value in (("2025W52", "1"), ("2026W1", "10"), ("2026W5", "100"), ("2026W6", "1000")):
        services.report_values_save(
            form=weekly_form, unit=unit("BP-BGM-XPN"), period=pid, values={"members": value}, by=SYSTEM
        )
    services.report_values_save(
        form=weekly_form, unit=unit("BP-BGM-XDK"), period="2026W5", values={"members": "5"}, by=SYSTEM
    )
    figures = _agg(unit("BP"), "2026W5", "202601", "202602", "2026", "2025", "2026Q1")
    assert figures[("members", "2026W5")] == 105
    # 2026W1 (29/12/2025-04/01/2026) counts in January 2026 and in 2026 (its Thursday is 01/01/2026);
    # 2026W5 (26/01-01/02) in January, its fourth day being 29/01.
    assert figures[("members", "202601")] == 115
    assert figures[("members", "202602")] == 1000
    assert figures[("members", "2026")] == 1115
    assert figures[("members", "2026Q1")] == 1115
    assert figures[("members", "2025")] == 1


def test_completeness_of_a_week(weekly_form: Any, unit: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=dt.UTC), tick=False):
        services.report_values_save(
            form=weekly_form, unit=unit("BP-BGM-XPN"), period="2026W5", values={"members": "7"}, by=SYSTEM
        )
        report = selectors.report_get(
            form=weekly_form, unit=unit("BP-BGM-XPN"), period="2026W5", for_user=SYSTEM
        )
        assert report is not None
        services.report_submit(report=report, by=SYSTEM)
    result = selectors.completeness(
        form=weekly_form, unit=unit("BP-BGM"), period="2026W5", for_user=SYSTEM, today=dt.date(2026, 2, 5)
    )
    by_code = {s.code: s.status for s in result.expected}
    assert by_code == {"BP-BGM": "missing", "BP-BGM-XPN": "on_time", "BP-BGM-XDK": "missing"}
    assert result.deadline == dt.date(2026, 2, 3)
