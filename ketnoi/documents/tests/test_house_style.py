"""An office's own .docx with placeholders: checked on upload, filled on render."""

from __future__ import annotations

import io

import pytest
from docx import Document as new_docx

from ketnoi.core.exceptions import ValidationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.documents import services
from ketnoi.documents.tests import world


def _house_file(*paragraphs: str) -> bytes:
    doc = new_docx()
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "TỈNH ỦY BÌNH PHƯỚC\n{{so_ky_hieu}}"
    table.rows[0].cells[1].text = "ĐẢNG CỘNG SẢN VIỆT NAM\n{{dia_danh_ngay}}"
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_house_style_docx_is_filled_with_the_heading_the_body_and_live_figures() -> None:
    world.build()
    draft = world.review_draft()
    data = _house_file(
        "{{tieu_de}}", "{{trich_yeu}}", "Văn bản: {{docs_total}}.", "{{noi_dung}}", "{{nguoi_ky}}"
    )
    services.template_set_docx(template=draft.template, data=data, name="mau-rieng.docx", by=SYSTEM)
    draft.refresh_from_db()
    doc = new_docx(io.BytesIO(services.render_docx(draft, SYSTEM)))
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Văn bản: 61." in texts
    assert "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO TRIỂN KHAI THỰC HIỆN" in texts
    assert "Huỳnh Thị Hằng" in texts
    assert not any("{{" in t for t in texts)
    header = doc.tables[0].rows[0].cells[0].text
    assert "Số        -BC/TU" in header


@pytest.mark.django_db
def test_an_unknown_placeholder_or_a_missing_body_is_refused_with_the_file_named() -> None:
    world.build()
    template = world.review_draft().template
    with pytest.raises(ValidationError) as unknown:
        services.template_set_docx(
            template=template, data=_house_file("{{noi_dung}}", "{{khong_ro}}"), name="mau.docx", by=SYSTEM
        )
    assert "mau.docx" in str(unknown.value.message) and "khong_ro" in str(unknown.value.message)
    with pytest.raises(ValidationError):
        services.template_set_docx(
            template=template, data=_house_file("Không có thân"), name="mau.docx", by=SYSTEM
        )
    with pytest.raises(ValidationError):
        services.template_set_docx(template=template, data=b"not a docx", name="mau.docx", by=SYSTEM)
