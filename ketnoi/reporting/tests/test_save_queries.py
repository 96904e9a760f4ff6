"""A report save of an 11-field form runs a bounded number of statements, however many fields it has.

Under deadline-day load every save holds SQLite's only write lock; the issue measured 73 statements for one
save of an 11-field form (a history query per field, rules read per indicator, one audit insert per value).
"""

from __future__ import annotations

from typing import Any

import pytest

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services
from ketnoi.reporting.models import DataValue

CODES = [f"f{i:02d}" for i in range(11)]


@pytest.fixture
def wide_form(province: Any, unit: Any) -> Any:
    for code in CODES:
        services.indicator_create(code=code, name=f"Chỉ tiêu {code}", by=SYSTEM, min_value=0)
    form = services.form_create(
        code="wide",
        name="Báo cáo 11 chỉ tiêu",
        period_type="monthly",
        owner=province,
        by=SYSTEM,
        indicators=CODES,
        units=[unit(c) for c in ("BP", "BP-BGM", "BP-BGM-XPN", "BP-BGM-XDK")],
    )
    services.rule_create(form=form, left="f01", operator="<=", right="f00", by=SYSTEM)
    services.rule_create(form=form, left="f02", operator="<=", right="f00", by=SYSTEM, severity="warning")
    return form


def _save(form: Any, unit: Any, period: str, values: dict[str, str], by: Any) -> Any:
    return services.report_values_save(form=form, unit=unit, period=period, values=values, by=by)


def test_a_save_of_eleven_fields_runs_a_bounded_number_of_statements(
    wide_form: Any, unit: Any, make_person: Any, django_assert_max_num_queries: Any
) -> None:
    clerk = make_person("clerk", "BP-BGM", [("data_entry", "BP-BGM")])
    xpn = unit("BP-BGM-XPN")
    for month in ("202001", "202002", "202003"):
        _save(wide_form, xpn, month, dict.fromkeys(CODES, "100"), clerk)
    # Another commune saved first: the period's roll-up exists, as on any deadline day.
    _save(wide_form, unit("BP-BGM-XDK"), "202004", dict.fromkeys(CODES, "100"), clerk)
    # New values of a new report (inserts), with history for the outlier check and one far value.
    values = dict.fromkeys(CODES, "100") | {"f05": "5.000"}
    with django_assert_max_num_queries(20):
        result = _save(wide_form, xpn, "202004", values, clerk)
    assert result.created == 11
    assert len(result.warnings) == 1 and "5.000" in result.warnings[0]
    # Changed values (updates) of the same report.
    with django_assert_max_num_queries(20):
        result = _save(wide_form, xpn, "202004", dict.fromkeys(CODES, "90"), clerk)
    assert result.updated == 11 and result.warnings == []
    # Every write left one audit row.
    value = DataValue.objects.get(unit=xpn, period="202004", indicator__code="f05")
    assert [h.value for h in value.history.order_by("history_date", "history_id")] == ["5000", "90"]
    assert {h.history_user_id for h in value.history.all()} == {clerk.pk}
