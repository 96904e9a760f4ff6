"""The demo review report rendered once (one LibreOffice conversion for the module) and read back as the
issue asks: pdftotext for the header, title, figures and footnotes; pdffonts; pdftoppm; the .docx's
sections, default font and repeated table headers; the State format's own header and margins."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from docx import Document as open_docx

from ketnoi.core.permissions import SYSTEM
from ketnoi.documents import pdf, services
from ketnoi.documents.tests import world

TOOLS = ("soffice", "pdftotext", "pdffonts", "pdftoppm")
needs_tools = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS) and not __import__("os").environ.get("CI"),
    reason="LibreOffice and poppler-utils are not installed (Debian: libreoffice-writer-nogui poppler-utils)",
)


def _squash(text: str) -> str:
    """Text without any whitespace: justified lines make pdftotext split words, never letters' marks."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered(django_db_setup: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock(), transaction.atomic():
        world.build()
        document = world.review_draft()
        figures = services.computed(document, SYSTEM)
        docx = services.render_docx(document, SYSTEM, figures=figures)
        sources = services.sources(document, SYSTEM, figures)
        transaction.set_rollback(True)
    out: dict[str, Any] = {"docx": docx, "figures": figures, "sources": sources}
    if all(shutil.which(t) for t in TOOLS):
        out["pdf"] = pdf.docx_to_pdf(docx)
    return out


def _run(tool: str, *args: str) -> str:
    """A poppler tool by its full path (the tests check it is installed)."""
    path = shutil.which(tool) or tool
    return subprocess.run([path, *args], check=True, capture_output=True, text=True).stdout  # noqa: S603


def _pdftotext(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return _run("pdftotext", f.name, "-")


@needs_tools
def test_the_demo_pdf_shows_the_party_header_title_and_every_live_figure_with_exact_diacritics(
    rendered: dict[str, Any],
) -> None:
    text = _squash(_pdftotext(rendered["pdf"]))
    for expected in (
        "ĐẢNGCỘNGSẢNVIỆTNAM",
        "TỈNHỦYBÌNHPHƯỚC",
        "*",
        "Số-BC/TU",  # a draft: the number is given on issue, never a colon in a Party number line
        "BÁOCÁO",
        "sơkếtthựchiệnChỉthịsố23-CT/TU",
        "I.CÔNGTÁCLÃNHĐẠO,CHỈĐẠOTRIỂNKHAITHỰCHIỆN",
        "1.1.Hìnhthứctổchứchọctập,quántriệt",
        "Toàn Đảng bộ tỉnh có 98% cán bộ",
        "ban hành 61 văn bản",
        "Ban Tuyên giáo Tỉnh ủy ban hành 11 văn bản",
        "thực hiện 120 tin, bài",
        "62 tin, bài trên báo in",
        "cấp phát 6.913 hộp thư",
        "khoảng 200 trang",
        "Bù Gia Mập Online (17.475 thích, 24.828 người theo dõi)",
        "Tự hào Bình Phước (16.000 thích, 20.000 người theo dõi)",
        "Nơinhận:",
        "T/MBANTHƯỜNGVỤ",
        "HuỳnhThịHằng",
    ):
        assert _squash(expected) in text, expected
    assert "Số:" not in text.split("BÁOCÁO")[0]


@needs_tools
def test_the_grassroots_footnote_marker_and_its_breakdown_by_unit_are_in_the_pdf(
    rendered: dict[str, Any],
) -> None:
    text = _squash(_pdftotext(rendered["pdf"]))
    assert _squash("đã xây dựng được 3 trang, nhóm cộng đồng cấp cơ sở1") in text
    assert _squash("1 Huyện Bù Gia Mập (2 trang); Thành phố Đồng Xoài (1 trang).") in text
    assert rendered["figures"]["grassroots_note"]["total"] == 3


@needs_tools
def test_every_font_of_the_pdf_is_embedded(rendered: dict[str, Any]) -> None:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(rendered["pdf"])
        f.flush()
        out = _run("pdffonts", f.name)
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column
    assert any("Serif" in row or "Times" in row for row in rows)


@needs_tools
def test_the_pages_convert_to_images(rendered: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "r.pdf"
        source.write_bytes(rendered["pdf"])
        _run("pdftoppm", "-r", "30", "-png", str(source), f"{tmp}/p")
        pngs = sorted(Path(tmp).glob("p-*.png"))
        assert len(pngs) >= 2
        assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)


def test_the_party_docx_has_a4_the_party_margins_and_times_new_roman_14(rendered: dict[str, Any]) -> None:
    doc = open_docx(io.BytesIO(rendered["docx"]))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(round(m.mm, 1) for m in margins) == (20, 20, 30, 15)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    assert {"KN Body", "KN Heading 1", "KN Heading 4"} <= {s.name for s in doc.styles}


def test_tables_repeat_their_header_row_and_the_place_and_date_are_in_italics(
    rendered: dict[str, Any],
) -> None:
    doc = open_docx(io.BytesIO(rendered["docx"]))
    xml = doc.element.xml
    assert xml.count("<w:tblHeader") >= 2  # tasks and top pages tables
    header_cell = doc.tables[0].rows[0].cells[1]
    date_runs = [r for p in header_cell.paragraphs for r in p.runs if "Bình Phước, ngày" in r.text]
    assert date_runs and all(r.italic for r in date_runs)


def test_the_tasks_table_counts_done_in_progress_and_overdue_by_lead_unit(rendered: dict[str, Any]) -> None:
    rows = rendered["figures"]["tasks"]["rows"]
    assert rows[0][:5] == ["Huyện Bù Gia Mập", "1", "1", "0", "0"]
    assert rows[1][:5] == ["Thành phố Đồng Xoài", "1", "0", "0", "1"]
    assert rows[-1][:5] == ["Tổng", "2", "1", "0", "1"]


def test_each_number_records_its_source(rendered: dict[str, Any]) -> None:
    by_key = {row["key"]: row for row in rendered["sources"]}
    docs = by_key["docs_total"]
    assert (docs["shown"], docs["indicator"], docs["units"], docs["periods"]) == (
        "61",
        "documents_issued_total",
        "BP",
        "2017-2020",
    )
    assert docs["tree_as_of"] == "2020-12-31"
    assert by_key["grassroots_note"]["shown"].startswith("Huyện Bù Gia Mập (2 trang)")


@pytest.mark.django_db
def test_a_state_report_has_the_national_motto_a_number_with_a_colon_and_margins_inside_decree_30() -> None:
    bp = world.units()
    template = services.template_create(
        code="bao-cao-ubnd",
        unit=bp,
        by=SYSTEM,
        name="Báo cáo của UBND",
        format="state",
        parent_body="",
        issuing_body="Ủy ban nhân dân tỉnh Bình Phước",
        issuer_code="UBND",
        place="Bình Phước",
        title="Báo cáo",
        subject="Kết quả công tác thông tin trên mạng",
        body="# KẾT QUẢ\n## Trang chính thức\nCó {{n}} trang.\n### Chi tiết\n#### Ở cấp xã\nNội dung.",
        blocks={"n": {"kind": "figure", "pages": "official"}},
        recipients="Như trên,\nLưu: VT.",
        signing_capacity="TM. Ủy ban nhân dân",
        signer_title="Chủ tịch",
        signer_name="Trần Văn A",
    )
    document = services.document_draft(template=template, unit=bp, period="2020", by=SYSTEM)
    doc = open_docx(io.BytesIO(services.render_docx(document, SYSTEM)))
    section = doc.sections[0]
    top, bottom, left, right = (
        round(m.mm, 1)
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    )
    assert 20 <= top <= 25 and 20 <= bottom <= 25 and 30 <= left <= 35 and 15 <= right <= 20
    assert section.different_first_page_header_footer  # page numbers from the second page
    header = "\n".join(p.text for c in doc.tables[0].rows[0].cells for p in c.paragraphs)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header
    assert "Độc lập - Tự do - Hạnh phúc" in header
    assert "Số:        /BC-UBND" in header
    assert "ĐẢNG CỘNG SẢN" not in header
    texts = [p.text for p in doc.paragraphs]
    assert "I. KẾT QUẢ" in texts and "1. Trang chính thức" in texts
    assert "1.1. Chi tiết" in texts and "a) Ở cấp xã" in texts
