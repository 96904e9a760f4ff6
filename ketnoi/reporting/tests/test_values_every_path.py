"""One table of typed values, run through every way a value enters the engine, with the same answer.

People's paths (the entry screen, the spreadsheet upload) read the Vietnamese dialect; machines' paths (the
REST API's PUT of a report, DHIS2 data value sets as JSON and as CSV) read the exchange dialect
(``ketnoi.lib.values``). Each path stores exactly the dialect's answer, or refuses the value with a 4xx and
stores nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services, xlsx
from ketnoi.reporting.models import DataValue

REFUSED = None
UNIT = "BP-BGM-XPN"

# (indicator, typed text, stored by the Vietnamese dialect, stored by the exchange dialect)
CASES = [
    ("members", "16000", "16000", "16000"),
    ("members", "16.000", "16000", REFUSED),  # sixteen thousand to a person; ambiguous from a machine
    ("members", "16 000", "16000", REFUSED),
    ("members", "+5", "5", REFUSED),
    ("members", "007", "7", REFUSED),
    ("members", "1,5", REFUSED, REFUSED),  # not a whole number / not a plain number
    ("members", "1,234,567", REFUSED, REFUSED),  # English grouping: refused, never guessed
    ("members", "12abc", REFUSED, REFUSED),
    ("members", "9" * 25, REFUSED, REFUSED),  # beyond 64 bits
    ("members", "9" * 5000, REFUSED, REFUSED),  # 5,000 digits
    ("share", "1.5", "1.5", "1.5"),
    ("share", "1,5", "1.5", REFUSED),
    ("share", "1.234,5", "1234.5", REFUSED),
    ("share", "1,234.5", REFUSED, REFUSED),
    ("share", "12.500", "12500", "12.5"),  # the two dialects differ, each by its own rule
    ("online", "Có", "true", REFUSED),
    ("online", "không", "false", REFUSED),
    ("online", "đạt", "true", REFUSED),
    ("online", "yes", "true", REFUSED),
    ("online", "true", "true", "true"),
    ("online", "FALSE", "false", "false"),
    ("online", "có lẽ", REFUSED, REFUSED),
]


@pytest.fixture(autouse=True)
def _february() -> Any:
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def form(monthly_form: Any) -> Any:
    services.indicator_create(code="share", name="Tỷ lệ", by=SYSTEM, value_type="number")
    services.indicator_create(code="online", name="Có trang trực tuyến", by=SYSTEM, value_type="boolean")
    services.form_set_indicators(
        form=monthly_form,
        indicators=["members", "trained", "studied", "studied_pct", "followers", "share", "online"],
        by=SYSTEM,
    )
    return monthly_form


def _stored(code: str, period: str) -> str | None:
    row = DataValue.objects.filter(indicator__code=code, unit__code=UNIT, period=period).first()
    return row.value if row else None


def _screen(client: Any, code: str, text: str, period: str) -> int:
    url = reverse("reporting:save", args=["monthly", period, UNIT])
    return int(client.post(url, {code: text}, HTTP_HX_REQUEST="true").status_code)


def _spreadsheet(client: Any, code: str, text: str, period: str) -> int:
    got = client.get(reverse("reporting:template", args=["monthly", period]) + "?unit=BP-BGM")
    wb = load_workbook(io.BytesIO(got.content))
    ws = wb[xlsx.DATA_SHEET]
    row = next(
        r for r in range(xlsx.FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(row=r, column=1).value == UNIT
    )
    col = next(
        c
        for c in range(xlsx.FIRST_VALUE_COL, ws.max_column + 1)
        if ws.cell(row=xlsx.CODE_ROW, column=c).value == code
    )
    ws.cell(row=row, column=col, value=text)
    out = io.BytesIO()
    wb.save(out)
    answer = client.post(
        reverse("reporting:upload", args=["monthly", period]),
        {"unit": "BP-BGM", "file": SimpleUploadedFile("bao-cao.xlsx", out.getvalue())},
    )
    return int(answer.status_code)


def _api_put(api: Any, code: str, text: str, period: str) -> int:
    return int(api.put(f"reports/monthly/{UNIT}/{period}", {"values": {code: text}}).status_code)


def _data_value_set(api: Any, code: str, text: str, period: str) -> int:
    payload = {"dataValues": [{"dataElement": code, "period": period, "orgUnit": UNIT, "value": text}]}
    return int(api.post("dataValueSets", payload).status_code)


def _csv(api: Any, code: str, text: str, period: str) -> int:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["dataelement", "period", "orgunit", "value"])
    writer.writerow([code, period, UNIT, text])
    answer = api.client.post(
        "/api/v1/dataValueSets",
        data=out.getvalue().encode(),
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    return int(answer.status_code)


@pytest.mark.parametrize(("code", "text", "vietnamese", "exchange"), CASES, ids=[c[1][:12] for c in CASES])
def test_every_path_gives_the_same_answer_for_the_same_text(
    form: Any, clerk: Any, web_as: Any, api_as: Any, code: str, text: str, vietnamese: Any, exchange: Any
) -> None:
    web, api = web_as(clerk), api_as(clerk)
    paths = [
        ("screen", lambda p: _screen(web, code, text, p), vietnamese),
        ("spreadsheet", lambda p: _spreadsheet(web, code, text, p), vietnamese),
        ("api", lambda p: _api_put(api, code, text, p), exchange),
        ("dataValueSets", lambda p: _data_value_set(api, code, text, p), exchange),
        ("csv", lambda p: _csv(api, code, text, p), exchange),
    ]
    answers = {}
    for (name, send, _expected), period in zip(
        paths, ["202601", "202512", "202511", "202510", "202509"], strict=True
    ):
        status = send(period)
        assert status < 500, (name, status)
        answers[name] = _stored(code, period)
        if answers[name] is None and name != "screen":
            assert 400 <= status < 500, (name, status)
    assert answers == {name: expected for name, _send, expected in paths}
