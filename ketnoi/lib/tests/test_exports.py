from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from ketnoi.lib.exports import csv_writer, safe_cell, safe_text, workbook_bytes

DANGEROUS = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-",
    "=1",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(text: str) -> None:
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["-5", "+84912345678", "-1.5", "-0,25", "2.5e-3", "-3E+2", "Bù Gia Mập", ""])
def test_numbers_written_as_text_and_ordinary_text_are_left_alone(text: str) -> None:
    assert safe_text(text) == text


def test_only_text_cells_are_touched() -> None:
    day = dt.date(2025, 6, 30)
    assert [safe_cell(v) for v in (-5, -1.5, None, day, "=1")] == [-5, -1.5, None, day, "'=1"]


def test_the_csv_writer_escapes_every_cell() -> None:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["=1+1", -5, "-5", "@x", "ok"])
    writer.writerows([["+1+1"]])
    assert out.getvalue() == "'=1+1,-5,-5,'@x,ok\n'+1+1\n"


def test_a_workbook_is_saved_with_no_formula_from_any_sheet() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "=title"
    sheet.append(['=HYPERLINK("http://evil.example")', -5, "-5", "\r=2"])
    other = book.create_sheet("Khác")
    other["C3"] = "@SUM(A1)"
    loaded = load_workbook(io.BytesIO(workbook_bytes(book)))
    first, second = loaded.worksheets
    assert [c.value for c in first[1]] == ['\'=HYPERLINK("http://evil.example")', -5, "-5", "'\r=2"]
    assert all(c.data_type != "f" for c in first[1])
    assert second["C3"].value == "'@SUM(A1)"
