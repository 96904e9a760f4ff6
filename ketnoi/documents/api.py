"""REST endpoints of report documents (mounted at the API root by ketnoi.site.api).

GET /report-templates                 GET/POST /report-documents          GET /report-documents/{id}
GET /report-documents/{id}.docx       GET /report-documents/{id}.pdf      POST /report-documents/{id}/issue
GET /report-documents/{id}/sources    POST /report-documents/{id}/verify
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from ketnoi.core import paging
from ketnoi.documents import selectors, services
from ketnoi.documents.models import ReportDocument, ReportTemplate
from ketnoi.units.selectors import unit_get

router = Router(tags=["report documents"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TemplateOut(Schema):
    code: str
    name: str
    unit: str
    format: str = Field(description="party (Hướng dẫn 36-HD/VPTW) or state (Nghị định 30/2020/NĐ-CP)")
    issuing_body: str
    title: str
    subject: str
    blocks: list[str] = Field(description="Keys of the live blocks")


class DocumentOut(Schema):
    id: int
    template: str
    unit: str
    period: str
    status: str = Field(description="draft or issued")
    number: str
    issued_on: dt.date | None
    signed: bool
    docx: str
    pdf: str


class DraftIn(Schema):
    template: str = Field(description="Template code")
    unit: str = Field(description="Unit code")
    period: str = Field(description="Period id: 202007, 2020Q3, 2020, 2017-2020")


class SourceOut(Schema):
    key: str
    kind: str
    shown: str
    what: str
    indicator: str = Field(description="Indicator codes")
    units: str = Field(description="Unit codes")
    periods: str = Field(description="Period ids")
    tree_as_of: str = Field(description="Date of the unit tree (ISO)")


class VerificationOut(Schema):
    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    signer: str
    signed_at: dt.datetime | None
    message: str


def _template_out(t: ReportTemplate) -> dict[str, Any]:
    return {
        "code": t.code,
        "name": t.name,
        "unit": t.unit.code,
        "format": t.format,
        "issuing_body": t.issuing_body,
        "title": t.title,
        "subject": t.subject,
        "blocks": sorted(t.blocks),
    }


def _doc_out(d: ReportDocument) -> dict[str, Any]:
    base = f"/api/v1/report-documents/{d.pk}"
    return {
        "id": d.pk,
        "template": d.template.code,
        "unit": d.unit.code,
        "period": d.period,
        "status": d.status,
        "number": d.number,
        "issued_on": d.issued_on,
        "signed": bool(d.signed_pdf),
        "docx": f"{base}.docx",
        "pdf": f"{base}.pdf",
    }


@router.get("/report-templates", response=list[TemplateOut])
def template_list(request: HttpRequest, limit: paging.Limit500 = 100, offset: paging.Offset = 0) -> list[Any]:
    qs = selectors.template_list(for_user=request.user)
    return [_template_out(t) for t in qs[offset : offset + limit]]


@router.get("/report-documents", response=list[DocumentOut])
def document_list(
    request: HttpRequest,
    status: str = "",
    unit: str = "",
    limit: paging.Limit500 = 100,
    offset: paging.Offset = 0,
) -> list[Any]:
    under = unit_get(code=unit, for_user=request.user) if unit else None
    qs = selectors.document_list(for_user=request.user, status=status, unit=under)
    return [_doc_out(d) for d in qs[offset : offset + limit]]


@router.post("/report-documents", response={201: DocumentOut})
def document_draft(request: HttpRequest, payload: DraftIn) -> Any:
    template = selectors.template_get(code=payload.template, for_user=request.user)
    unit = unit_get(code=payload.unit, for_user=request.user)
    document = services.document_draft(template=template, unit=unit, period=payload.period, by=request.user)
    return Status(201, _doc_out(document))


@router.get("/report-documents/{int:pk}.docx")
def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    data = services.render_docx(document, request.user)
    return _file(data, DOCX, f"bao-cao-{document.pk}.docx")


@router.get("/report-documents/{int:pk}.pdf")
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    data = services.render_pdf(document, request.user)
    return _file(data, "application/pdf", f"bao-cao-{document.pk}.pdf")


@router.get("/report-documents/{int:pk}", response=DocumentOut)
def document_detail(request: HttpRequest, pk: int) -> Any:
    return _doc_out(selectors.document_get(pk=pk, for_user=request.user))


@router.get("/report-documents/{int:pk}/sources", response=list[SourceOut])
def document_sources(request: HttpRequest, pk: int) -> list[Any]:
    document = selectors.document_get(pk=pk, for_user=request.user)
    return services.sources(document, request.user)


@router.post("/report-documents/{int:pk}/issue", response=DocumentOut)
def document_issue(request: HttpRequest, pk: int) -> Any:
    document = selectors.document_get(pk=pk, for_user=request.user)
    return _doc_out(services.document_issue(document=document, by=request.user))


@router.post("/report-documents/{int:pk}/verify", response=VerificationOut)
def document_verify(request: HttpRequest, pk: int) -> Any:
    document = selectors.document_get(pk=pk, for_user=request.user)
    v = services.document_verify(document=document, by=request.user)
    return v.__dict__


def _file(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
