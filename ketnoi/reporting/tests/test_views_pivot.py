"""Roll-up views: the province total for a quarter appears at once and matches the sum of its units;
the chart has its table; XLSX and CSV exports; a print stylesheet; other subtrees are refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services

FIGURES = {  # members per commune and month of the first quarter of 2026
    "BP-BGM-XPN": (1200, 1210, 1225),
    "BP-BGM-XDK": (800, 805, 799),
    "BP-DX-PTP": (2500, 2490, 2510),
}


@pytest.fixture(autouse=True)
def _april() -> Any:
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def entered(monthly_form: Any) -> None:
    """The communes' figures, imported in one all-or-nothing batch (as from a DHIS2 file)."""
    services.values_import(
        rows=[
            services.ImportRow(data_element="members", period=month, org_unit=code, value=members)
            for code, months in FIGURES.items()
            for month, members in zip(("202601", "202602", "202603"), months, strict=True)
        ],
        by=SYSTEM,
        source="test",
    )


def _url(**params: Any) -> str:
    from django.utils.http import urlencode

    return reverse("reporting:pivot") + "?" + urlencode(params, doseq=True)


def _cells(html: str, label: str) -> list[str]:
    row = re.search(r"<tr[^>]*><th scope=\"row\">" + re.escape(label) + r"</th>(.*?)</tr>", html, re.S)
    assert row, f"no row {label}"
    return re.findall(r"<td class=\"num[^\"]*\">([^<]*)</td>", row.group(1))


def test_the_province_total_for_a_quarter_appears_at_once_and_is_the_sum_of_its_units(
    entered: Any, approver: Any, web_as: Any, unit: Any, monthly_form: Any
) -> None:
    client = web_as(approver)
    params = {
        "form": "monthly",
        "ou": "BP",
        "pt": "quarterly",
        "start": "2026Q1",
        "end": "2026Q1",
        "dx": ["members"],
    }
    html = client.get(_url(**params)).content.decode()
    bgm = sum(FIGURES["BP-BGM-XPN"]) + sum(FIGURES["BP-BGM-XDK"])
    dx = sum(FIGURES["BP-DX-PTP"])
    assert _cells(html, "Huyện Bù Gia Mập") == [f"{bgm:,}".replace(",", ".")]
    assert _cells(html, "Thành phố Đồng Xoài") == [f"{dx:,}".replace(",", ".")]
    assert _cells(html, "Toàn Tỉnh Bình Phước") == [f"{bgm + dx:,}".replace(",", ".")]
    # A value saved now counts at once.
    services.report_values_save(
        form=monthly_form, unit=unit("BP-DX-PTP"), period="202603", values={"members": 2610}, by=SYSTEM
    )
    html = client.get(_url(**params)).content.decode()
    assert _cells(html, "Toàn Tỉnh Bình Phước") == [f"{bgm + dx + 100:,}".replace(",", ".")]


def test_each_chart_has_its_table_and_plotly_comes_from_the_product(
    entered: Any, approver: Any, web_as: Any
) -> None:
    html = (
        web_as(approver)
        .get(_url(form="monthly", ou="BP-BGM", pt="monthly", start="202601", end="202603", dx=["members"]))
        .content.decode()
    )
    assert reverse("core:plotly_js") in html and "cdn" not in html.lower()
    data = json.loads(
        re.search(r'<script id="chart-1" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    # Ranked units for the latest period with figures, beside the subtree's total over the periods.
    assert data["kind"] == "ranked" and data["period"] == "Tháng 03/2026"
    assert [(b["name"], b["value"]) for b in data["bars"]] == [("Xã Phú Nghĩa", 1225), ("Xã Đa Kia", 799)]
    assert data["trend"]["x"] == ["Tháng 01/2026", "Tháng 02/2026", "Tháng 03/2026"]
    assert _cells(html, "Xã Phú Nghĩa") == ["1.200", "1.210", "1.225"]
    assert "reporting.css" in html  # the print stylesheet


def test_periods_by_indicators_shows_one_row_per_period(entered: Any, approver: Any, web_as: Any) -> None:
    html = (
        web_as(approver)
        .get(
            _url(
                form="monthly",
                ou="BP",
                pt="monthly",
                start="202601",
                end="202603",
                dx=["members", "trained"],
                layout="indicators",
            )
        )
        .content.decode()
    )
    assert _cells(html, "Tháng 01/2026") == ["4.500", "—"]
    assert _cells(html, "Tháng 03/2026") == ["4.534", "—"]


def test_the_pivot_exports_as_xlsx_and_csv(entered: Any, approver: Any, web_as: Any) -> None:
    client = web_as(approver)
    params = {
        "form": "monthly",
        "ou": "BP",
        "pt": "quarterly",
        "start": "2026Q1",
        "end": "2026Q1",
        "dx": ["members"],
    }
    book = client.get(_url(format="xlsx", **params))
    assert book["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(book.content)).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3) if any(c.value is not None for c in r)]
    assert rows[0] == ["Đơn vị", "Quý 1/2026"]
    assert rows[-1] == ["Toàn Tỉnh Bình Phước", 13539]
    text = client.get(_url(format="csv", **params)).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert ["Toàn Tỉnh Bình Phước", "13539"] in table


def test_a_pivot_of_another_subtree_is_refused(entered: Any, charlie: Any, web_as: Any) -> None:
    answer = web_as(charlie).get(
        _url(form="monthly", ou="BP-BGM", pt="quarterly", start="2026Q1", end="2026Q1", dx=["members"])
    )
    assert answer.status_code == 403
    export = web_as(charlie).get(
        _url(
            form="monthly",
            ou="BP-BGM",
            pt="quarterly",
            start="2026Q1",
            end="2026Q1",
            dx=["members"],
            format="csv",
        )
    )
    assert export.status_code == 403


def test_a_bad_period_is_explained_in_vietnamese(entered: Any, approver: Any, web_as: Any) -> None:
    html = (
        web_as(approver)
        .get(_url(form="monthly", ou="BP", pt="quarterly", start="2026Q7", end="2026Q1"))
        .content
    )
    assert "2026Q7 không phải mã kỳ" in html.decode()


def test_a_review_span_of_years_is_rolled_up_for_its_own_period(
    province: Any, unit: Any, indicators: Any, admin_user: Any, web_as: Any
) -> None:
    services.form_create(
        code="review",
        name="Sơ kết 2017–2020",
        period_type="custom",
        span_years=4,
        span_anchor=2017,
        owner=province,
        by=SYSTEM,
        indicators=["members"],
        units=[unit("BP-BGM-XPN"), unit("BP-DX-PTP")],
    )
    services.values_import(
        rows=[
            services.ImportRow(data_element="members", period="2017-2020", org_unit="BP-BGM-XPN", value=61),
            services.ImportRow(data_element="members", period="2017-2020", org_unit="BP-DX-PTP", value=39),
        ],
        by=SYSTEM,
    )
    page = web_as(admin_user).get(_url(form="review", ou="BP", dx=["members"])).content.decode()
    assert "Giai đoạn 2017–2020" in page
    assert _cells(page, "Toàn Tỉnh Bình Phước")[0] == "100"
