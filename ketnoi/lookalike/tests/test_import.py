"""A list of addresses (CSV, XLSX) is imported all or nothing; resembling addresses become candidates."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ketnoi.lookalike.imports import candidates_import
from ketnoi.lookalike.models import Candidate, Source
from ketnoi.pages.imports.reading import ImportFailed

GOOD = (
    "Tên trang,Địa chỉ\n"
    "Bù Gia Mập Online,https://facebook.com/bugiamap0nline\n"
    "Quán cà phê Suối Mơ,https://facebook.com/quancaphesuoimo\n"
).encode()


def test_a_csv_list_keeps_the_addresses_that_resemble_an_official_page(
    official: dict[str, Any], bob: Any
) -> None:
    summary = candidates_import(file_name="goi-y.csv", data=GOOD, by=bob)
    assert (summary.rows, summary.kept, summary.not_resembling) == (2, 1, 1)
    kept = Candidate.objects.get()
    assert kept.source == Source.IMPORT and kept.page == official["bgm"]


def test_a_bad_row_stops_the_whole_file_and_is_named_by_line_and_column(
    official: dict[str, Any], bob: Any
) -> None:
    bad = GOOD + "Nguyễn Văn A,https://facebook.com/profile.php?id=1000123\nTrống,\n".encode()
    with pytest.raises(ImportFailed) as caught:
        candidates_import(file_name="goi-y.csv", data=bad, by=bob)
    assert "goi-y.csv" in str(caught.value.message)
    assert set(caught.value.fields) == {"4:Địa chỉ", "5:Địa chỉ"}
    assert "tài khoản cá nhân" in caught.value.fields["4:Địa chỉ"]
    assert not Candidate.objects.exists()


def test_an_xlsx_list_is_read_too(official: dict[str, Any], bob: Any) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["address", "name"])
    sheet.append(["facebook.com/bugiamaponline.official", "Bù Gia Mập Online"])
    out = io.BytesIO()
    book.save(out)
    assert candidates_import(file_name="list.xlsx", data=out.getvalue(), by=bob).kept == 1


def test_the_import_screen_says_what_was_kept_and_names_bad_rows(
    official: dict[str, Any], bob: Any, web_as: Any
) -> None:
    client = web_as(bob)
    ok = client.post("/lookalike/import/", {"file": SimpleUploadedFile("goi-y.csv", GOOD)}, follow=True)
    assert "1 giống một trang chính thức" in ok.content.decode()
    bad = client.post(
        "/lookalike/import/",
        {"file": SimpleUploadedFile("sai.csv", b"address\nnot an address\n")},
        follow=True,
    )
    assert "sai.csv" in bad.content.decode() and "Dòng 2" in bad.content.decode()
