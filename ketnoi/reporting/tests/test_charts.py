"""Charts that can be read (issue 11 item 10): ranked units with the top N and the rest, axis titles with
units, partial periods marked, small multiples for indicators."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from ketnoi.lib import periods as P
from ketnoi.reporting import charts

MONTHS = [P.parse(p) for p in ("202609", "202610", "202611", "202612")]
TODAY = dt.date(2026, 12, 4)  # December has 4 days of figures


def _rows(n: int) -> list[tuple[str, list[float | None]]]:
    return [(f"Xã {i:02d}", [i, i, i, i if i % 2 else None]) for i in range(1, n + 1)]


def test_31_units_become_the_top_12_and_the_rest_in_one_bar_when_figures_add_up() -> None:
    with translation.override("vi"):
        spec = charts.ranked_units(
            title="Bài đăng",
            unit_of_measure="bài",
            additive=True,
            rows=_rows(31),
            total=[1, 2, 3, 4],
            periods=MONTHS,
            decimals=0,
            today=TODAY,
        )
    names = [b["name"] for b in spec["bars"]]
    assert names[:3] == ["Xã 31", "Xã 29", "Xã 27"]  # ranked on December, the latest period with figures
    assert len(names) == charts.TOP_N + 1 and names[-1] == "4 đơn vị còn lại"
    assert spec["bars"][-1]["value"] == 1 + 3 + 5 + 7
    assert spec["axis"] == "bài"
    assert spec["period"] == "Tháng 12/2026 (kỳ chưa kết thúc, số liệu chưa đủ)"
    assert spec["trend"]["partial"] == [False, False, False, True]
    assert spec["height"] >= 26 * 13  # a readable size that grows with the bars


def test_an_average_is_not_summed_into_a_rest_bar() -> None:
    with translation.override("vi"):
        spec = charts.ranked_units(
            title="Tỷ lệ",
            unit_of_measure="%",
            additive=False,
            rows=_rows(31),
            total=[1, 2, 3, 4],
            periods=MONTHS,
            decimals=1,
            today=dt.date(2027, 2, 1),
        )
    assert len(spec["bars"]) == charts.TOP_N and not any(b.get("rest") for b in spec["bars"])
    assert "bảng dưới có đủ mọi đơn vị" in spec["note"]
    assert spec["trend"]["partial"] == [False] * 4


def test_indicators_by_period_are_small_multiples_each_with_its_unit() -> None:
    spec = charts.small_multiples(
        title="Tỉnh",
        series=[("Bài đăng", "bài", [1, 2, 3, 4], 0), ("Tỷ lệ", "%", [50, 60, 70, 80], 1)],
        periods=MONTHS,
        today=TODAY,
    )
    assert [(p["name"], p["axis"]) for p in spec["panels"]] == [("Bài đăng", "bài"), ("Tỷ lệ", "%")]
    assert spec["partial"][-1] is True
