"""Every CSV and XLSX export goes through ketnoi.lib.exports: text that a spreadsheet would run as a formula
is escaped, numbers (negative ones included) stay numbers, and the product's own CSV reads back exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils.http import urlencode
from openpyxl import load_workbook

from ketnoi.core.permissions import SYSTEM
from ketnoi.lib.exports import FORMULA_START
from ketnoi.reporting import services
from ketnoi.reporting.models import DataValue

COMMENTS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture(autouse=True)
def _april() -> Any:
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def hostile(monthly_form: Any, clerk: Any, api_as: Any) -> Any:
    services.indicator_create(code="balance", name='=HYPERLINK("http://evil.example","x")', by=SYSTEM)
    codes = ["members", "trained", "studied", "studied_pct", "followers", "balance"]
    services.form_set_indicators(form=monthly_form, indicators=codes, by=SYSTEM)
    values = [
        {
            "dataElement": "trained",
            "period": f"2026{n:02d}",
            "orgUnit": "BP-BGM-XPN",
            "value": "5",
            "comment": c,
        }
        for n, c in enumerate(COMMENTS, start=1)
    ]
    values.append({"dataElement": "balance", "period": "202601", "orgUnit": "BP-BGM-XPN", "value": "-5"})
    response = api_as(clerk).post("dataValueSets", {"dataValues": values})
    assert response.status_code == 200, response.content
    return api_as(clerk)


def _dangerous(text: str) -> bool:
    return text.startswith(FORMULA_START) and text.lstrip("+-").replace(".", "").isdigit() is False


def test_the_dhis2_csv_escapes_comments_keeps_negative_values_and_reads_back_exactly(hostile: Any) -> None:
    response = hostile.get(
        "dataValueSets.csv", {"orgUnit": "BP-BGM", "startDate": "2026-01-01", "endDate": "2026-12-31"}
    )
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    comments = sorted(r["comment"] for r in rows if r["comment"])
    assert comments == sorted("'" + c for c in COMMENTS)
    assert not any(_dangerous(cell) for r in rows for cell in r.values())
    assert [r["value"] for r in rows if r["dataelement"] == "balance"] == ["-5"]
    # The product's own file imports back with the comments as they were typed.
    DataValue.objects.all().delete()
    back = hostile.client.post(
        "/api/v1/dataValueSets.csv",
        data=text.encode(),
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {hostile.token}",
    )
    assert back.status_code == 200, back.content
    assert sorted(DataValue.objects.exclude(comment="").values_list("comment", flat=True)) == sorted(COMMENTS)
    assert DataValue.objects.get(indicator__code="balance").value == "-5"


def test_pivot_exports_carry_no_formula(hostile: Any, approver: Any, web_as: Any) -> None:
    client = web_as(approver)
    params = {"form": "monthly", "ou": "BP", "pt": "monthly", "start": "202601", "end": "202603"}
    params["dx"] = ["balance", "trained"]  # type: ignore[assignment]
    base = reverse("reporting:pivot") + "?"
    book = load_workbook(
        io.BytesIO(client.get(base + urlencode({**params, "format": "xlsx"}, doseq=True)).content)
    )
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(isinstance(c.value, str) and "HYPERLINK" in c.value for c in cells)
    assert all(c.data_type != "f" for c in cells)
    assert not any(isinstance(c.value, str) and _dangerous(c.value) for c in cells)
    assert any(c.value == -5 for c in cells)
    text = client.get(base + urlencode({**params, "format": "csv"}, doseq=True)).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert any("HYPERLINK" in cell for row in table for cell in row)
    assert not any(_dangerous(cell) for row in table for cell in row)
