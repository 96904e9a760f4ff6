"""Server-rendered screens: drafts in one action, the text around the live blocks, issue, download, the list
of where every number came from, renders in the task queue with their progress, certificates and signing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ketnoi.core import permissions
from ketnoi.core.exceptions import ApplicationError
from ketnoi.core.paging import page_of
from ketnoi.documents import selectors, services
from ketnoi.documents.api import DOCX
from ketnoi.documents.models import DocStatus
from ketnoi.lib import uploads
from ketnoi.units.selectors import unit_get


@login_required
def home(request: HttpRequest) -> HttpResponse:
    documents = page_of(request, selectors.document_list(for_user=request.user))
    templates = list(selectors.template_list(for_user=request.user)[:200])  # choices of the draft form
    units = permissions.top_units(request.user, "edit")
    return render(
        request,
        "documents/home.html",
        {"documents": documents, "templates": templates, "can_draft": bool(units)},
    )


@login_required
@require_POST
def draft(request: HttpRequest) -> HttpResponse:
    try:
        template = selectors.template_get(code=request.POST.get("template", ""), for_user=request.user)
        unit = unit_get(code=request.POST.get("unit", "").strip(), for_user=request.user)
        document = services.document_draft(
            template=template, unit=unit, period=request.POST.get("period", "").strip(), by=request.user
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("documents:home")
    return redirect("documents:detail", pk=document.pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    try:
        figures = services.computed(document, request.user)
        sources = services.sources(document, request.user, figures)
        error = ""
    except ApplicationError as exc:
        figures, sources, error = {}, [], str(exc.message)
    can_edit = permissions.can(request.user, "edit", document.unit) and not document.is_issued
    can_sign = (
        document.is_issued
        and not document.signed_pdf
        and permissions.can(request.user, "approve", document.unit)
    )
    certificates = (
        list(selectors.certificate_list(for_user=request.user, unit=document.unit)) if can_sign else []
    )
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "sources": sources,
            "error": error,
            "can_edit": can_edit,
            "can_sign": can_sign,
            "certificates": certificates,
            "keys": sorted(document.template.blocks),
            "issued": document.status == DocStatus.ISSUED,
        },
    )


@login_required
@require_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    try:
        services.document_edit(document=document, body=request.POST.get("body", ""), by=request.user)
        messages.success(request, _("The text is saved; the figures stay live until the report is issued."))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("documents:detail", pk=pk)


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    try:
        document = services.document_issue(document=document, by=request.user)
        messages.success(
            request, _("Issued as %(number)s; its figures are frozen.") % {"number": document.number}
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("documents:detail", pk=pk)


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    if fmt == "docx":
        data, content_type = services.render_docx(document, request.user), DOCX
    else:
        data, content_type = services.render_pdf(document, request.user), "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{document.pk}.{fmt}"'
    return response


@login_required
@require_POST
def render_start(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    job = services.job_start(document=document, fmt=request.POST.get("format", "pdf"), by=request.user)
    return redirect("documents:job", pk=job.pk)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.job_get(pk=pk, for_user=request.user)
    if request.GET.get("file") and found.state == "done" and found.result:
        with found.result.open("rb") as handle:
            data = handle.read()
        response = HttpResponse(data, content_type=DOCX if found.fmt == "docx" else "application/pdf")
        response["Content-Disposition"] = f'attachment; filename="bao-cao-{found.document_id}.{found.fmt}"'
        return response
    template = "documents/_job.html" if request.htmx else "documents/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": found})


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    raw = request.POST.get("certificate", "")
    cert = (
        selectors.certificate_list(for_user=request.user, unit=document.unit).filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if cert is None:
        messages.error(request, _("Choose one of the unit's certificates."))
        return redirect("documents:detail", pk=pk)
    try:
        result = services.document_sign(
            document=document, certificate=cert, by=request.user, password=request.POST.get("password", "")
        )
        (messages.success if result.ok else messages.error)(request, result.message)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("documents:detail", pk=pk)


@login_required
def certificates(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            unit = unit_get(code=request.POST.get("unit", "").strip(), for_user=request.user, verb="manage")
            upload = request.FILES.get("file")
            if upload is None:
                raise uploads.UploadRefused(_("Choose a .p12 file."), fields={"file": _("Required.")})
            data = uploads.read_uploaded(upload, kind="document")
            services.certificate_upload(
                unit=unit,
                data=data,
                name=upload.name or "cert.p12",
                password=request.POST.get("password", ""),
                by=request.user,
            )
            messages.success(request, _("The certificate is stored; its password is kept encrypted."))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return redirect("documents:certificates")
    rows = page_of(request, selectors.certificate_list(for_user=request.user))
    return render(request, "documents/certificates.html", {"rows": rows})


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise uploads.UploadRefused(_("Choose a PDF file."), fields={"file": _("Required.")})
            data = uploads.read_uploaded(upload, kind="document")
            result = services.pdf_verify(data=data, name=upload.name or "file.pdf", by=request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    return render(request, "documents/verify.html", {"result": result})
