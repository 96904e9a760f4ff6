"""The spreadsheet template on its own: layout, protection, validation, and reading uploads back."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ketnoi.reporting import xlsx

COLUMNS = [
    xlsx.ColumnSpec("members_total", "Tổng số đảng viên", "integer", "người", minimum=Decimal(0)),
    xlsx.ColumnSpec("members_studied", "Số đảng viên đã học tập", "integer", "người", minimum=Decimal(0)),
    xlsx.ColumnSpec("studied_pct", "Tỷ lệ học tập", "percentage", "%"),
    xlsx.ColumnSpec("has_page", "Có trang chính thức", "yes_no"),
    xlsx.ColumnSpec("note", "Ghi chú", "text"),
]
ROWS = [
    xlsx.RowSpec("BP-BGM-XPN", "Xã Phú Nghĩa", {"members_total": Decimal(120)}),
    xlsx.RowSpec(
        "BP-BGM-XDK", "Xã Đa Kia", {"members_total": Decimal(80)}, locked=True, status_label="đã duyệt"
    ),
]
SPEC = xlsx.TemplateSpec(
    form_code="monthly",
    form_name="Báo cáo tháng",
    period_id="202603",
    period_label="Tháng 03/2026",
    unit_code="BP-BGM",
    unit_name="Huyện Bù Gia Mập",
    columns=COLUMNS,
    rows=ROWS,
)


def _filled(edits: dict[str, object]) -> bytes:
    wb = load_workbook(io.BytesIO(xlsx.build_template(SPEC)))
    ws = wb[xlsx.DATA_SHEET]
    for ref, value in edits.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_has_codes_names_values_a_locked_header_and_validation() -> None:
    wb = load_workbook(io.BytesIO(xlsx.build_template(SPEC)))
    ws = wb[xlsx.DATA_SHEET]
    assert [c.value for c in ws[xlsx.CODE_ROW]][:4] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "members_total",
        "members_studied",
    ]
    assert ws.cell(row=xlsx.NAME_ROW, column=3).value == "Tổng số đảng viên (người)"
    assert ws["A5"].value == "BP-BGM-XPN" and ws["C5"].value == 120
    assert ws.freeze_panes == "C5"
    assert ws.protection.sheet is True
    assert ws["C5"].protection.locked is False  # open row: editable
    assert ws["C6"].protection.locked is True  # approved row: locked
    assert ws["C3"].protection.locked is True  # header: locked
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"whole", "decimal", "list"} <= kinds
    assert wb[xlsx.META_SHEET].sheet_state == "hidden"
    assert xlsx.GUIDE_SHEET in wb.sheetnames


def test_an_unchanged_template_uploads_nothing() -> None:
    parsed = xlsx.read_upload(xlsx.build_template(SPEC), filename="t.xlsx", columns=COLUMNS, rows=ROWS)
    assert parsed.errors == []
    assert parsed.values == []
    assert (parsed.form_code, parsed.period_id, parsed.unit_code) == ("monthly", "202603", "BP-BGM")


def test_changed_cells_are_read_with_vietnamese_numbers_and_yes_no() -> None:
    data = _filled({"C5": "16.000", "D5": 15000, "E5": "93,75", "F5": "Có", "G5": "  đã họp  "})
    parsed = xlsx.read_upload(data, filename="t.xlsx", columns=COLUMNS, rows=ROWS)
    assert parsed.errors == []
    got = {(v.unit_code, v.indicator_code): v.value for v in parsed.values}
    assert got == {
        ("BP-BGM-XPN", "members_total"): Decimal(16000),
        ("BP-BGM-XPN", "members_studied"): Decimal(15000),
        ("BP-BGM-XPN", "studied_pct"): Decimal("93.75"),
        ("BP-BGM-XPN", "has_page"): True,
        ("BP-BGM-XPN", "note"): "đã họp",
    }


def test_every_bad_cell_is_reported_with_sheet_row_column_unit_and_indicator() -> None:
    data = _filled(
        {"C5": "mười hai", "D5": 12.5, "E5": 140, "F5": "có lẽ", "C6": 99, "A8": "BP-DX-PTP", "C8": 3}
    )
    parsed = xlsx.read_upload(data, filename="t.xlsx", columns=COLUMNS, rows=ROWS)
    text = [str(e) for e in parsed.errors]
    assert len(parsed.errors) == 6, text
    assert (
        text[0] == "trang “Số liệu”, dòng 5, cột C (Xã Phú Nghĩa — Tổng số đảng viên): "
        "“mười hai” không phải là số nguyên."
    )
    assert any("cột D" in t and "số nguyên" in t for t in text)
    assert any("cột E" in t and "lớn hơn mức tối đa 100" in t for t in text)
    assert any("cột F" in t and "Có hoặc Không" in t for t in text)
    assert any("dòng 6" in t and "Xã Đa Kia" in t and "đã duyệt" in t for t in text)
    assert any("dòng 8" in t and "BP-DX-PTP" in t for t in text)


def test_a_file_that_is_not_a_template_is_refused_by_name() -> None:
    with pytest.raises(xlsx.TemplateError, match=r"baocao\.xlsx"):
        xlsx.read_upload(b"not a workbook", filename="baocao.xlsx", columns=COLUMNS, rows=ROWS)
    other = io.BytesIO()
    from openpyxl import Workbook

    Workbook().save(other)
    with pytest.raises(xlsx.TemplateError, match=r"khac\.xlsx"):
        xlsx.read_upload(other.getvalue(), filename="khac.xlsx", columns=COLUMNS, rows=ROWS)


def test_exports_keep_vietnamese_text_and_numbers() -> None:
    table = xlsx.Table(
        title="Tổng hợp",
        headings=["Đơn vị", "Quý 1/2026"],
        rows=[["Xã Phú Nghĩa", Decimal(16000)], ["Xã Đa Kia", Decimal("2.5")]],
        total=["Tổng", Decimal("16002.5")],
    )
    wb = load_workbook(io.BytesIO(xlsx.tables_to_xlsx([table])))
    ws = wb.active
    assert ws is not None
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert values == [
        ["Đơn vị", "Quý 1/2026"],
        ["Xã Phú Nghĩa", 16000],
        ["Xã Đa Kia", 2.5],
        ["Tổng", 16002.5],
    ]
    csv_text = xlsx.tables_to_csv([table])
    assert csv_text.startswith("\ufeffTổng hợp")
    assert "Xã Phú Nghĩa,16000" in csv_text


def test_exported_text_never_runs_as_a_spreadsheet_formula() -> None:
    table = xlsx.Table(title="T", headings=["Đơn vị", "Ghi chú"], rows=[['=HYPERLINK("x")', "-bớt"]])
    assert "'=HYPERLINK" in xlsx.tables_to_csv([table])
    ws = load_workbook(io.BytesIO(xlsx.tables_to_xlsx([table]))).worksheets[0]
    assert ws["A4"].value == '\'=HYPERLINK("x")' and ws["A4"].data_type == "s"
