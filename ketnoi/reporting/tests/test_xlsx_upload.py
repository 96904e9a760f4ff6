"""The spreadsheet path end to end: download the pre-filled template for a subtree, fill it offline,
upload it back; bad cells are all reported with sheet, row, column, unit and indicator; nothing is saved."""

from __future__ import annotations

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
from ketnoi.reporting.models import DataValue, ReportStatus


@pytest.fixture(autouse=True)
def _february() -> Any:
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def _template(client: Any, unit: str = "BP-BGM", period: str = "202601") -> Any:
    response = client.get(reverse("reporting:template", args=["monthly", period]) + f"?unit={unit}")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == xlsx.XLSX_CONTENT_TYPE
    return load_workbook(io.BytesIO(response.content))


def _upload(client: Any, wb: Any, name: str = "bao-cao-thang-1.xlsx", unit: str = "BP-BGM") -> Any:
    out = io.BytesIO()
    wb.save(out)
    return client.post(
        reverse("reporting:upload", args=["monthly", "202601"]),
        {"unit": unit, "file": SimpleUploadedFile(name, out.getvalue())},
    )


def _rows(ws: Any) -> dict[str, int]:
    return {ws.cell(row=r, column=1).value: r for r in range(xlsx.FIRST_DATA_ROW, ws.max_row + 1)}


def _cols(ws: Any) -> dict[str, int]:
    return {
        ws.cell(row=xlsx.CODE_ROW, column=c).value: c for c in range(xlsx.FIRST_VALUE_COL, ws.max_column + 1)
    }


def test_the_template_has_one_row_per_unit_the_person_enters_and_one_column_per_indicator(
    monthly_form: Any, clerk: Any, unit: Any, web_as: Any
) -> None:
    services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XDK"), period="202601", values={"members": 80}, by=SYSTEM
    )
    wb = _template(web_as(clerk))
    ws = wb[xlsx.DATA_SHEET]
    assert list(_rows(ws)) == ["BP-BGM", "BP-BGM-XPN", "BP-BGM-XDK"]  # Đồng Xoài is not the clerk's
    assert list(_cols(ws)) == [
        "members",
        "trained",
        "studied",
        "followers",
    ]  # computed indicators are not entered
    assert ws.cell(row=_rows(ws)["BP-BGM-XDK"], column=_cols(ws)["members"]).value == 80  # pre-filled
    assert ws.protection.sheet and ws.freeze_panes == "C5"
    assert ws["A1"].value == "Báo cáo tháng — Tháng 01/2026 — Huyện Bù Gia Mập"


def test_a_filled_template_uploads_every_changed_figure(
    monthly_form: Any, clerk: Any, unit: Any, web_as: Any
) -> None:
    client = web_as(clerk)
    wb = _template(client)
    ws = wb[xlsx.DATA_SHEET]
    rows, cols = _rows(ws), _cols(ws)
    ws.cell(row=rows["BP-BGM-XPN"], column=cols["members"], value="16.000")
    ws.cell(row=rows["BP-BGM-XPN"], column=cols["trained"], value=1200)
    ws.cell(row=rows["BP-BGM-XDK"], column=cols["members"], value=9500)
    answer = _upload(client, wb)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    values = dict(
        DataValue.objects.filter(period="202601", indicator__code="members").values_list(
            "unit__code", "value"
        )
    )
    assert values == {"BP-BGM-XPN": "16000", "BP-BGM-XDK": "9500"}
    assert DataValue.objects.get(unit=unit("BP-BGM-XPN"), indicator__code="trained").value == "1200"
    follow = client.get(answer["Location"]).content.decode()
    assert "đã lưu 3 số liệu cho 2 đơn vị" in follow


def test_bad_cells_are_all_listed_by_sheet_row_column_unit_and_indicator_and_nothing_is_saved(
    monthly_form: Any, clerk: Any, web_as: Any
) -> None:
    client = web_as(clerk)
    wb = _template(client)
    ws = wb[xlsx.DATA_SHEET]
    rows, cols = _rows(ws), _cols(ws)
    ws.cell(row=rows["BP-BGM-XPN"], column=cols["members"], value=120)  # fine on its own
    ws.cell(row=rows["BP-BGM-XDK"], column=cols["members"], value="nhiều")
    ws.cell(row=rows["BP-BGM-XDK"], column=cols["trained"], value=-4)
    answer = _upload(client, wb)
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Chưa lưu gì: có 2 ô cần sửa" in html
    assert (
        "bao-cao-thang-1.xlsx, trang “Số liệu”, dòng 7, cột C (Xã Đa Kia — Số đảng viên): "
        "“nhiều” không phải là số nguyên." in html
    )
    assert "dòng 7, cột D" in html and "Số người được tập huấn" in html
    assert not DataValue.objects.exists()


def test_a_rule_broken_in_one_row_rejects_the_whole_file(monthly_form: Any, clerk: Any, web_as: Any) -> None:
    client = web_as(clerk)
    wb = _template(client)
    ws = wb[xlsx.DATA_SHEET]
    rows, cols = _rows(ws), _cols(ws)
    ws.cell(row=rows["BP-BGM-XPN"], column=cols["members"], value=120)
    ws.cell(row=rows["BP-BGM-XDK"], column=cols["members"], value=10)
    ws.cell(row=rows["BP-BGM-XDK"], column=cols["trained"], value=50)  # trained <= members
    answer = _upload(client, wb)
    assert answer.status_code == 422
    assert "Xã Đa Kia, Tháng 01/2026" in answer.content.decode()
    assert not DataValue.objects.exists()


def test_an_approved_units_row_is_locked_and_changing_it_is_refused(
    monthly_form: Any, clerk: Any, unit: Any, web_as: Any
) -> None:
    xpn = unit("BP-BGM-XPN")
    services.report_values_save(
        form=monthly_form, unit=xpn, period="202601", values={"members": 100}, by=SYSTEM
    )
    report = services.report_open(form=monthly_form, unit=xpn, period="202601", by=SYSTEM)
    services.report_approve(report=services.report_submit(report=report, by=SYSTEM), by=SYSTEM)
    client = web_as(clerk)
    wb = _template(client)
    ws = wb[xlsx.DATA_SHEET]
    rows, cols = _rows(ws), _cols(ws)
    assert ws.cell(row=rows["BP-BGM-XPN"], column=cols["members"]).protection.locked
    ws.cell(row=rows["BP-BGM-XPN"], column=cols["members"], value=101)
    answer = _upload(client, wb)
    assert answer.status_code == 422
    assert "đã duyệt nên không sửa được" in answer.content.decode()
    assert DataValue.objects.get(unit=xpn, indicator__code="members").value == "100"
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_a_file_that_is_not_the_template_is_refused_naming_the_file(
    monthly_form: Any, clerk: Any, web_as: Any
) -> None:
    answer = web_as(clerk).post(
        reverse("reporting:upload", args=["monthly", "202601"]),
        {"unit": "BP-BGM", "file": SimpleUploadedFile("so-lieu.xlsx", b"PK\x03\x04 broken")},
    )
    assert answer.status_code == 422
    assert "Không mở được so-lieu.xlsx" in answer.content.decode()
    wrong_type = web_as(clerk).post(
        reverse("reporting:upload", args=["monthly", "202601"]),
        {"unit": "BP-BGM", "file": SimpleUploadedFile("so-lieu.csv", b"a,b")},
    )
    assert "so-lieu.csv không phải bảng tính .xlsx" in wrong_type.content.decode()


def test_a_template_of_another_period_is_refused(monthly_form: Any, clerk: Any, web_as: Any) -> None:
    client = web_as(clerk)
    wb = _template(client, period="202512")
    ws = wb[xlsx.DATA_SHEET]
    ws.cell(row=_rows(ws)["BP-BGM-XPN"], column=_cols(ws)["members"], value=5)
    answer = _upload(client, wb)
    assert answer.status_code == 422
    assert "kỳ 202512" in answer.content.decode()
    assert not DataValue.objects.exists()


def test_someone_of_another_district_cannot_download_or_upload_its_template(
    monthly_form: Any, charlie: Any, clerk: Any, web_as: Any
) -> None:
    wb = _template(web_as(clerk))
    ws = wb[xlsx.DATA_SHEET]
    ws.cell(row=_rows(ws)["BP-BGM-XPN"], column=_cols(ws)["members"], value=5)
    outsider = web_as(charlie)
    assert (
        outsider.get(reverse("reporting:template", args=["monthly", "202601"]) + "?unit=BP-BGM").status_code
        == 403
    )
    assert _upload(outsider, wb).status_code == 403
    assert not DataValue.objects.exists()


def test_a_viewer_gets_no_template_to_fill(monthly_form: Any, make_person: Any, web_as: Any) -> None:
    viewer = make_person("viewer", "BP-BGM", [("viewer", "BP-BGM")])
    answer = web_as(viewer).get(reverse("reporting:template", args=["monthly", "202601"]) + "?unit=BP-BGM")
    assert answer.status_code == 422
    assert "không có quyền nhập số liệu" in answer.content.decode()


def test_a_disaggregated_indicator_has_one_column_per_option_in_the_template_and_the_form(
    province: Any, unit: Any, clerk: Any, web_as: Any
) -> None:
    platform = services.disaggregation_create(
        code="platform", name="Nền tảng", options=[("fb", "Facebook"), ("zalo", "Zalo")], by=SYSTEM
    )
    services.indicator_create(
        code="posts", name="Số bài đăng", by=SYSTEM, disaggregation=platform, min_value=0
    )
    services.indicator_create(code="has_page", name="Có trang chính thức", by=SYSTEM, value_type="boolean")
    services.form_create(
        code="posts_form",
        name="Bài đăng theo nền tảng",
        period_type="monthly",
        owner=province,
        by=SYSTEM,
        indicators=["posts", "has_page"],
        units=[unit("BP-BGM"), unit("BP-BGM-XPN")],
    )
    client = web_as(clerk)
    page = client.get(
        reverse("reporting:entry", args=["posts_form", "202601", "BP-BGM-XPN"])
    ).content.decode()
    assert "Số bài đăng — Facebook" in page and "Số bài đăng — Zalo" in page
    response = client.get(reverse("reporting:template", args=["posts_form", "202601"]) + "?unit=BP-BGM")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb[xlsx.DATA_SHEET]
    cols, rows = _cols(ws), _rows(ws)
    assert list(cols) == ["posts.fb", "posts.zalo", "has_page"]
    ws.cell(row=rows["BP-BGM-XPN"], column=cols["posts.fb"], value=12)
    ws.cell(row=rows["BP-BGM-XPN"], column=cols["posts.zalo"], value="1.200")
    ws.cell(row=rows["BP-BGM-XPN"], column=cols["has_page"], value="Có")
    out = io.BytesIO()
    wb.save(out)
    answer = client.post(
        reverse("reporting:upload", args=["posts_form", "202601"]),
        {"unit": "BP-BGM", "file": SimpleUploadedFile("nen-tang.xlsx", out.getvalue())},
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    saved = dict(
        DataValue.objects.filter(unit=unit("BP-BGM-XPN"), period="202601").values_list(
            "option__code", "value"
        )
    )
    assert saved == {"fb": "12", "zalo": "1200", None: "true"}
