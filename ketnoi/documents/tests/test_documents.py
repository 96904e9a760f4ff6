"""Drafts, issue, the API and the web screens, signing and verification, with the rights they need."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ketnoi.core.exceptions import Conflict, PermissionDenied
from ketnoi.core.permissions import SYSTEM
from ketnoi.documents import services, signing
from ketnoi.documents.models import DocStatus, SigningCertificate
from ketnoi.documents.tests import world
from ketnoi.reporting import services as reporting_services
from ketnoi.reporting.models import Report, ReportForm

HAS_SOFFICE = shutil.which("soffice") is not None
needs_soffice = pytest.mark.skipif(
    not HAS_SOFFICE and not __import__("os").environ.get("CI"),
    reason="LibreOffice is not installed (Debian: libreoffice-writer-nogui)",
)


def make_p12(password: str = "mat-khau") -> bytes:  # noqa: S107 - a test certificate
    """A self-signed certificate with its key, as a unit's PKCS#12 file (the tests make their own)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tỉnh ủy Bình Phước"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Văn phòng Tỉnh ủy Bình Phước"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, True, False, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"unit", key, cert, None, serialization.BestAvailableEncryption(password.encode())
    )


def _change_docs_total(value: int) -> None:
    """The province's figure changes (the report is reopened, corrected and approved again)."""
    form = ReportForm.objects.get(code="review_2017_2020")
    report = Report.objects.get(form=form, unit__code="BP", period="2017-2020")
    reporting_services.report_reopen(report=report, by=SYSTEM, reason="Sửa số liệu")
    reporting_services.report_values_save(
        form=form,
        unit=report.unit,
        period="2017-2020",
        values={"documents_issued_total": value},
        by=SYSTEM,
        reason="Sửa số liệu",
    )


@pytest.mark.django_db
@needs_soffice
def test_a_changed_figure_changes_the_draft_and_never_the_issued_report() -> None:
    world.build()
    draft = world.review_draft()
    assert services.computed(draft, SYSTEM)["docs_total"]["text"] == "61"
    issued = services.document_issue(document=draft, by=SYSTEM, on=dt.date(2020, 9, 10))
    assert issued.status == DocStatus.ISSUED
    assert issued.number == "1-BC/TU"  # the register of outgoing reports of 2020 had none before
    assert issued.register_entry is not None and issued.register_entry.number == "1-BC/TU"
    issued_docx = services.render_docx(issued, SYSTEM)

    _change_docs_total(64)
    new_draft = world.review_draft()
    assert new_draft.pk != issued.pk
    assert services.computed(new_draft, SYSTEM)["docs_total"]["text"] == "64"
    issued.refresh_from_db()
    assert services.computed(issued, SYSTEM)["docs_total"]["text"] == "61"
    assert services.render_docx(issued, SYSTEM) == issued_docx
    with pytest.raises(Conflict):
        services.document_edit(document=issued, body="# Khác", by=SYSTEM)


@pytest.mark.django_db
def test_edits_to_the_text_are_kept_when_the_figures_are_regenerated() -> None:
    world.build()
    draft = world.review_draft()
    body = draft.body.replace("Ngày 17/4/2017", "Ngày 17 tháng 4 năm 2017")
    services.document_edit(document=draft, body=body, by=SYSTEM)
    _change_docs_total(70)
    figures = services.document_regenerate(document=draft, by=SYSTEM)
    draft.refresh_from_db()
    assert "Ngày 17 tháng 4 năm 2017" in draft.body
    assert figures["docs_total"]["text"] == "70"


@pytest.mark.django_db
def test_a_text_naming_an_undefined_block_is_refused_with_the_block_named() -> None:
    world.build()
    draft = world.review_draft()
    with pytest.raises(Exception) as caught:
        services.document_edit(document=draft, body="Có {{khong_co}} trang.", by=SYSTEM)
    assert "khong_co" in str(caught.value)


@pytest.mark.django_db
def test_an_editor_of_a_district_cannot_draft_the_province_report_nor_see_it(bob: Any, api_as: Any) -> None:
    world.build()
    draft = world.review_draft()
    template = draft.template
    with pytest.raises(PermissionDenied):
        services.document_draft(template=template, unit=draft.unit, period="2017-2020", by=bob)
    assert api_as(bob).get(f"report-documents/{draft.pk}").status_code == 403
    assert api_as(bob).get(f"report-documents/{draft.pk}.docx").status_code == 403
    assert api_as(bob).get("report-documents").json() == []


@pytest.mark.django_db
def test_the_api_lists_templates_and_drafts_and_serves_the_docx(alice: Any, api_as: Any) -> None:
    world.build()
    client = api_as(alice)
    templates = client.get("report-templates").json()
    assert [t["code"] for t in templates] == ["so-ket-ct-23"]
    created = client.post(
        "report-documents", {"template": "so-ket-ct-23", "unit": "BP", "period": "2017-2020"}
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    listed = client.get("report-documents").json()
    assert [d["id"] for d in listed] == [pk] and listed[0]["status"] == "draft"
    docx = client.get(f"report-documents/{pk}.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    sources = client.get(f"report-documents/{pk}/sources").json()
    assert any(s["key"] == "studied_pct" and s["shown"] == "98" for s in sources)
    bad = client.post("report-documents", {"template": "so-ket-ct-23", "unit": "BP", "period": "20x"})
    assert bad.status_code == 422 and "20x" in bad.json()["error"]["message"]


@pytest.mark.django_db
def test_the_web_drafts_in_one_action_and_shows_where_each_number_came_from(alice: Any, web_as: Any) -> None:
    world.build()
    client = web_as(alice)
    page = client.get("/documents/")
    assert page.status_code == 200 and "Tạo dự thảo" in page.content.decode()
    response = client.post(
        "/documents/draft/", {"template": "so-ket-ct-23", "unit": "BP", "period": "2017-2020"}
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Nguồn của từng số liệu" in detail
    assert "Số văn bản chỉ đạo, hướng dẫn đã ban hành" in detail and "31/12/2020" in detail
    assert "documents_issued_total" not in detail  # names for people, never codes


@pytest.mark.django_db
def test_a_background_render_reports_its_progress_and_gives_the_file(
    alice: Any, web_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.build()
    draft = world.review_draft()
    client = web_as(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{draft.pk}/render/", {"format": "docx"})
    assert response.status_code == 302
    job_page = client.get(response["Location"]).content.decode()
    assert "100%" in job_page
    file = client.get(response["Location"] + "?file=1")
    assert file.status_code == 200 and file.content[:2] == b"PK"


@pytest.fixture(scope="module")
def signed_pdf_material() -> dict[str, Any]:
    """A small real PDF (LibreOffice's, from a tiny report) signed with a test certificate."""
    from ketnoi.documents import docx_render, pdf
    from ketnoi.documents.markup import parse

    heading = docx_render.Heading(
        format="party",
        parent_body="",
        issuing_body="Tỉnh ủy Bình Phước",
        number="5-BC/TU",
        kind_code="BC",
        issuer_code="TU",
        place="Bình Phước",
        day=dt.date(2020, 9, 10),
        title="Báo cáo",
        subject="thử ký số",
        recipients=["Lưu VT."],
        signing_capacity="T/M Ban Thường vụ",
        signer_title="Phó Bí thư Thường trực",
        signer_name="Huỳnh Thị Hằng",
    )
    docx = docx_render.render(heading, parse("# KẾT QUẢ\nNội dung."), {})
    source = pdf.docx_to_pdf(docx)
    p12 = make_p12()
    signed = signing.sign(source, p12, "mat-khau", signer_name="Huỳnh Thị Hằng", reason="5-BC/TU")
    return {"p12": p12, "signed": signed, "der": signing.certificate_der(p12, "mat-khau")}


@needs_soffice
def test_a_signed_pdf_verifies_and_the_same_pdf_with_one_byte_changed_does_not(
    signed_pdf_material: dict[str, Any],
) -> None:
    signed, der = signed_pdf_material["signed"], signed_pdf_material["der"]
    good = signing.verify(signed, [der])
    assert good.ok and good.trusted
    assert "Văn phòng Tỉnh ủy Bình Phước" in good.signer
    assert good.signed_at is not None
    # One byte of the page content (inside the signed range) changed.
    at = signed.index(b"stream") + 20
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    bad = signing.verify(tampered, [der])
    assert not bad.ok


@needs_soffice
def test_the_signature_box_sits_over_the_signature_block_of_the_last_page(
    signed_pdf_material: dict[str, Any],
) -> None:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(signed_pdf_material["signed"]))
    last = reader.pages[-1]
    widgets = [a.get_object() for a in last.get("/Annots", [])]
    boxes = [w["/Rect"] for w in widgets if w.get("/FT") == "/Sig"]
    assert boxes, "no signature widget on the last page"
    x1 = float(boxes[0][0])
    assert x1 > float(last.mediabox.width) / 2 - 80  # the right-hand column: the signature block


@pytest.mark.django_db
@needs_soffice
def test_a_unit_admin_uploads_a_certificate_whose_password_is_never_stored_in_clear_and_signs(
    make_person: Any,
) -> None:
    world.build()
    head = make_person("bp.head", "BP", [("unit_admin", "BP"), ("approver", "BP"), ("editor", "BP")])
    p12 = make_p12("bi-mat-123")
    cert = services.certificate_upload(
        unit=world.units(), data=p12, name="tinh-uy.p12", password="bi-mat-123", by=head
    )
    stored = SigningCertificate.objects.get(pk=cert.pk)
    assert "bi-mat-123" not in stored.password_encrypted and stored.password_encrypted
    issued = services.document_issue(document=world.review_draft(), by=head, on=dt.date(2020, 9, 10))
    result = services.document_sign(document=issued, certificate=cert, by=head)
    assert result.ok and result.trusted
    assert services.document_verify(document=issued, by=head).ok
    with pytest.raises(Conflict):
        services.document_sign(document=issued, certificate=cert, by=head)
