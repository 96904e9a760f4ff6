"""Each indicator's own aggregation rules, over units and separately over time."""

from __future__ import annotations

from typing import Any

import pytest

from ketnoi.core.exceptions import ValidationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors, services


def _set(values: dict[tuple[str, str, str], str]) -> None:
    services.values_import(
        rows=[services.ImportRow(c, p, u, v) for (c, p, u), v in values.items()], by=SYSTEM
    )


def _get(code: str, unit: Any, pid: str) -> float | None:
    from ketnoi.reporting.models import Indicator

    ind = Indicator.objects.get(code=code)
    return selectors.aggregate(indicators=[ind], unit=unit, periods=[P.parse(pid)])[(code, pid)]


def test_average_min_max_and_weighted_average_over_units(province: Any, unit: Any) -> None:
    services.indicator_create(code="staff", name="Cán bộ", by=SYSTEM)
    services.indicator_create(
        code="avg_age",
        name="Tuổi bình quân",
        by=SYSTEM,
        value_type="number",
        unit_aggregation="average",
        time_aggregation="average",
    )
    services.indicator_create(
        code="low", name="Thấp nhất", by=SYSTEM, unit_aggregation="min", time_aggregation="min"
    )
    services.indicator_create(
        code="high", name="Cao nhất", by=SYSTEM, unit_aggregation="max", time_aggregation="max"
    )
    staff = services.indicator_create(code="staff_w", name="Cán bộ (trọng số)", by=SYSTEM)
    services.indicator_create(
        code="score",
        name="Mức độ hoàn thành",
        by=SYSTEM,
        value_type="percentage",
        unit_aggregation="average_weighted",
        time_aggregation="last",
        weight=staff,
    )
    _set(
        {
            ("avg_age", "202001", "BP-BGM-XPN"): "40",
            ("avg_age", "202001", "BP-BGM-XDK"): "50",
            ("avg_age", "202002", "BP-BGM-XPN"): "42",
            ("low", "202001", "BP-BGM-XPN"): "3",
            ("low", "202001", "BP-BGM-XDK"): "7",
            ("high", "202001", "BP-BGM-XPN"): "3",
            ("high", "202002", "BP-BGM-XDK"): "9",
            ("staff_w", "202001", "BP-BGM-XPN"): "10",
            ("staff_w", "202001", "BP-BGM-XDK"): "30",
            ("score", "202001", "BP-BGM-XPN"): "100",
            ("score", "202001", "BP-BGM-XDK"): "50",
        }
    )
    bgm = unit("BP-BGM")
    assert _get("avg_age", bgm, "202001") == 45
    assert _get("avg_age", bgm, "2020Q1") == pytest.approx((45 + 42) / 2)
    assert _get("low", bgm, "202001") == 3
    assert _get("high", bgm, "2020Q1") == 9
    assert _get("score", bgm, "202001") == pytest.approx((100 * 10 + 50 * 30) / 40)


def test_a_not_aggregated_indicator_shows_only_the_units_own_value(province: Any, unit: Any) -> None:
    services.indicator_create(
        code="note_n", name="Số hiệu", by=SYSTEM, unit_aggregation="none", time_aggregation="none"
    )
    _set({("note_n", "202001", "BP-BGM"): "7", ("note_n", "202001", "BP-BGM-XPN"): "5"})
    assert _get("note_n", unit("BP-BGM"), "202001") == 7
    assert _get("note_n", unit("BP"), "202001") is None
    assert _get("note_n", unit("BP-BGM"), "2020Q1") is None


def test_disaggregated_values_roll_up_per_option_and_in_total(province: Any, unit: Any) -> None:
    services.disaggregation_create(
        code="platform", name="Nền tảng", options=[("fb", "Facebook"), ("zl", "Zalo")], by=SYSTEM
    )
    from ketnoi.reporting.models import Disaggregation, DisaggregationOption, Indicator

    services.indicator_create(
        code="posts",
        name="Số bài đăng",
        by=SYSTEM,
        disaggregation=Disaggregation.objects.get(code="platform"),
    )
    services.values_import(
        rows=[
            services.ImportRow("posts", "202001", "BP-BGM-XPN", "10", option="fb"),
            services.ImportRow("posts", "202001", "BP-BGM-XPN", "4", option="zl"),
            services.ImportRow("posts", "202001", "BP-DX-PTP", "6", option="Facebook"),
        ],
        by=SYSTEM,
    )
    ind = Indicator.objects.get(code="posts")
    fb = DisaggregationOption.objects.get(code="fb").pk
    assert _get("posts", unit("BP"), "202001") == 20
    assert (
        selectors.aggregate(indicators=[ind], unit=unit("BP"), periods=[P.parse("202001")], option=fb)[
            ("posts", "202001")
        ]
        == 16
    )
    with pytest.raises(ValidationError):
        services.values_import(rows=[services.ImportRow("posts", "202001", "BP-DX", "1")], by=SYSTEM)


def test_a_formula_may_use_only_known_codes_and_arithmetic(province: Any) -> None:
    services.indicator_create(code="a", name="A", by=SYSTEM)
    with pytest.raises(ValidationError):
        services.indicator_create(code="r", name="R", by=SYSTEM, formula="a / zz")
    with pytest.raises(ValidationError):
        services.indicator_create(code="r", name="R", by=SYSTEM, formula="__import__('os')")
    with pytest.raises(ValidationError):
        services.indicator_create(code="w", name="W", by=SYSTEM, unit_aggregation="average_weighted")
