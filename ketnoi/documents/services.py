"""Every write on report templates and report documents, and the renders they need.

A draft's figures are computed at every render, so a change in the data shows at the next render
(``document_regenerate`` is that render, keeping the text the office edited). ``document_issue`` freezes
every computed block in ``snapshot``, takes the next number of the unit's register of outgoing documents
(the directives register, in the number format of ``lib/docnumber.py``), stores the .docx and .pdf and
never renders them again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.core import crypto, permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import ApplicationError, Conflict, PermissionDenied, ValidationError
from ketnoi.directives import services as directive_services
from ketnoi.directives.models import Document, DocumentKind
from ketnoi.documents import blocks, docx_render, markup, pdf, signing
from ketnoi.documents.models import (
    DocFormat,
    DocStatus,
    RenderJob,
    ReportDocument,
    ReportTemplate,
    SigningCertificate,
)
from ketnoi.lib import docnumber, uploads
from ketnoi.lib import periods as P
from ketnoi.lib.vn_text import normalise
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

KIND_CODE = "BC"  # Báo cáo
TEMPLATE_FIELDS = (
    "name",
    "format",
    "parent_body",
    "issuing_body",
    "issuer_code",
    "place",
    "title",
    "subject",
    "body",
    "blocks",
    "recipients",
    "signing_capacity",
    "signer_title",
    "signer_name",
)


def _check_template(t: ReportTemplate) -> None:
    if t.format not in DocFormat.values:
        raise ValidationError(_("Unknown format."), fields={"format": _("Party or State.")})
    for name in ("name", "issuing_body", "issuer_code", "place", "subject"):
        if not str(getattr(t, name) or "").strip():
            raise ValidationError(
                _("%(field)s is required.")
                % {"field": getattr(ReportTemplate._meta.get_field(name), "verbose_name", name)},
                fields={name: _("Required.")},
            )
    blocks.check_specs(t.blocks)
    unknown = [k for k in markup.keys(t.body) if k not in t.blocks]
    if unknown:
        raise ValidationError(
            _("The text uses blocks that are not defined: %(keys)s") % {"keys": ", ".join(unknown)},
            fields={"body": ", ".join(unknown)},
        )
    sample = (
        f"1-{KIND_CODE}/{t.issuer_code}" if t.format == DocFormat.PARTY else f"1/{KIND_CODE}-{t.issuer_code}"
    )
    try:
        docnumber.parse(sample)
    except docnumber.DocNumberError as exc:
        raise ValidationError(exc.message, fields={"issuer_code": exc.message}) from exc


@permissions.gated
@transaction.atomic
def template_create(*, code: str, unit: Unit, by: Actor, **fields: Any) -> ReportTemplate:
    permissions.require(by, "manage", unit)
    if ReportTemplate.objects.filter(code=code).exists():
        raise Conflict(_("A template with code %(code)s exists.") % {"code": code}, fields={"code": code})
    extra = set(fields) - set(TEMPLATE_FIELDS)
    if extra:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(extra))})
    template = ReportTemplate(code=code, unit=unit, **fields)
    _check_template(template)
    stamp(template, by, gettext_noop("Created"))
    template.save()
    return template


@permissions.gated
@transaction.atomic
def template_update(*, template: ReportTemplate, by: Actor, **fields: Any) -> ReportTemplate:
    permissions.require(by, "manage", template.unit)
    for name, value in fields.items():
        if name not in TEMPLATE_FIELDS:
            raise ValidationError(_("Unknown fields: %(f)s") % {"f": name})
        setattr(template, name, value)
    _check_template(template)
    stamp(template, by, gettext_noop("Changed"))
    template.save()
    return template


def _period(pid: str) -> P.Period:
    try:
        return P.parse(pid)
    except P.PeriodError as exc:
        raise ValidationError(
            _("%(period)s is not a period identifier (examples: 2020, 2020Q3, 202007, 2017-2020).")
            % {"period": pid},
            fields={"period": pid},
        ) from exc


@permissions.gated
def template_usable(template: ReportTemplate, unit: Unit, by: Actor) -> bool:
    """A template serves its own unit's subtree (a province's template for its communes)."""
    return unit.path.startswith(template.unit.path) or permissions.can(by, "view", template.unit)


@permissions.gated
@transaction.atomic
def document_draft(*, template: ReportTemplate, unit: Unit, period: str, by: Actor) -> ReportDocument:
    """The draft of ``template`` for ``unit`` and ``period`` in one action (or the draft already there)."""
    permissions.require(by, "edit", unit)
    if not template_usable(template, unit, by):
        raise ValidationError(
            _("This template belongs to another unit's tree."), fields={"template": template.code}
        )
    _period(period)
    existing = ReportDocument.objects.filter(
        template=template, unit=unit, period=period, status=DocStatus.DRAFT
    ).first()
    if existing is not None:
        return existing
    document = ReportDocument(
        template=template,
        unit=unit,
        period=period,
        body=template.body,
        created_by=permissions.person(by),
    )
    stamp(document, by, gettext_noop("Draft created"))
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        raise Conflict(_("A draft of this report is being created.")) from exc
    return document


def _refuse_issued(document: ReportDocument) -> None:
    if document.is_issued:
        raise Conflict(_("An issued report is never changed."), fields={"status": document.status})


@permissions.gated
@transaction.atomic
def document_edit(*, document: ReportDocument, body: str, by: Actor) -> ReportDocument:
    """The office's text around the live blocks; the blocks stay live (a key it drops is dropped)."""
    permissions.require(by, "edit", document.unit)
    document = ReportDocument.objects.select_for_update().get(pk=document.pk)
    _refuse_issued(document)
    unknown = [k for k in markup.keys(body) if k not in document.template.blocks]
    if unknown:
        raise ValidationError(
            _("The text uses blocks that are not defined: %(keys)s") % {"keys": ", ".join(unknown)},
            fields={"body": ", ".join(unknown)},
        )
    document.body = body
    stamp(document, by, gettext_noop("Text edited"))
    document.save()
    return document


@permissions.gated
def context(document: ReportDocument, by: Actor) -> blocks.Context:
    return blocks.Context(
        unit=document.unit,
        period=_period(document.period),
        for_user=by,
        day=document.issued_on or timezone.localdate(),
    )


@permissions.gated
def computed(document: ReportDocument, by: Actor) -> dict[str, Any]:
    """The blocks as printed: frozen for an issued report, computed now for a draft."""
    if document.is_issued:
        return dict(document.snapshot.get("blocks", {}))
    with translation.override("vi"):
        return blocks.compute_all(document.template.blocks, markup.keys(document.body), context(document, by))


def heading(document: ReportDocument) -> docx_render.Heading:
    t = document.template
    return docx_render.Heading(
        format=t.format,
        parent_body=t.parent_body,
        issuing_body=t.issuing_body,
        number=document.number,
        kind_code=KIND_CODE,
        issuer_code=t.issuer_code,
        place=t.place,
        day=document.issued_on,
        title=t.title,
        subject=t.subject,
        recipients=[line.strip() for line in t.recipients.splitlines() if line.strip()],
        signing_capacity=t.signing_capacity,
        signer_title=t.signer_title,
        signer_name=t.signer_name,
    )


@permissions.gated
def render_docx(document: ReportDocument, by: Actor, *, figures: dict[str, Any] | None = None) -> bytes:
    permissions.require(by, "view", document.unit)
    if document.is_issued and document.issued_docx:
        with document.issued_docx.open("rb") as handle:
            return handle.read()
    figures = figures if figures is not None else computed(document, by)
    nodes = markup.parse(document.body, inline_only=blocks.inline_keys(document.template.blocks))
    with translation.override("vi"):
        if document.template.docx_template:
            from ketnoi.documents import house_style

            return house_style.render(document.template, heading(document), nodes, figures)
        return docx_render.render(heading(document), nodes, figures)


@permissions.gated
def render_pdf(document: ReportDocument, by: Actor) -> bytes:
    permissions.require(by, "view", document.unit)
    if document.is_issued and document.issued_pdf:
        stored = document.signed_pdf or document.issued_pdf
        with stored.open("rb") as handle:
            return handle.read()
    return pdf.docx_to_pdf(render_docx(document, by))


@permissions.gated
def document_regenerate(*, document: ReportDocument, by: Actor) -> dict[str, Any]:
    """The draft's figures as they are now (the edited text is the document's own and stays)."""
    permissions.require(by, "edit", document.unit)
    _refuse_issued(document)
    return computed(document, by)


def _next_number(document: ReportDocument, year: int) -> tuple[int, str]:
    """The next number of the unit's register of outgoing reports for the year, and its symbol."""
    t = document.template
    root_path = document.unit.path[: Unit.steplen]
    used = Document.objects.filter(
        unit__path__startswith=root_path,
        kind_code=KIND_CODE,
        issuer_code=t.issuer_code,
        issued_on__year=year,
    ).aggregate(m=Max("number_value"))["m"]
    n = (used or 0) + 1
    symbol = (
        f"{n}-{KIND_CODE}/{t.issuer_code}"
        if t.format == DocFormat.PARTY
        else f"{n}/{KIND_CODE}-{t.issuer_code}"
    )
    return n, symbol


@permissions.gated
@transaction.atomic
def document_issue(*, document: ReportDocument, by: Actor, on: dt.date | None = None) -> ReportDocument:
    """Freeze the figures, number the report from the unit's register, store its .docx and .pdf for good."""
    permissions.require(by, "edit", document.unit)
    document = (
        ReportDocument.objects.select_for_update().select_related("template", "unit").get(pk=document.pk)
    )
    _refuse_issued(document)
    day = on or timezone.localdate()
    figures = computed(document, by)
    _n, symbol = _next_number(document, day.year)
    t = document.template
    entry = directive_services.document_create(
        unit=document.unit,
        by=by,
        title=normalise(t.subject)[:500] or t.name,
        kind=DocumentKind.BAO_CAO,
        number=symbol,
        issuing_body=t.issuing_body,
        issued_on=day,
        signer=t.signer_name,
        signer_capacity=" ".join(x for x in (t.signing_capacity, t.signer_title) if x),
        recipients_text=t.recipients,
        read_heading=False,
    )
    document.number = entry.number
    document.issued_on = day
    document.register_entry = entry
    document.status = DocStatus.ISSUED
    document.issued_by = permissions.person(by)
    document.as_of = context(document, by).as_of
    document.snapshot = {"blocks": figures, "issued_on": day.isoformat(), "number": entry.number}
    docx = render_docx(document, by, figures=figures)
    document.issued_docx.save(f"{document.pk}.docx", ContentFile(docx), save=False)
    document.issued_pdf.save(f"{document.pk}.pdf", ContentFile(pdf.docx_to_pdf(docx)), save=False)
    stamp(document, by, gettext_noop("Issued"))
    document.save()
    return document


@permissions.gated
def sources(
    document: ReportDocument, by: Actor, figures: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Where every number came from: one row per live block the text uses (codes for machines, names and
    labels for people)."""
    figures = figures if figures is not None else computed(document, by)
    codes = {c for block in figures.values() for c in block.get("source", {}).get("units", [])}
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    rows = []
    for key, block in figures.items():
        src = block.get("source", {})
        day = src.get("tree_as_of", "")
        period_ids = list(src.get("periods", []))
        rows.append(
            {
                "key": key,
                "kind": block.get("kind", ""),
                "shown": block.get("text", "") if block.get("kind") in ("figure", "footnote") else "",
                "what": src.get("what", ""),
                "indicator": src.get("indicator", ""),
                "units": ", ".join(src.get("units", [])),
                "unit_names": ", ".join(names.get(c, c) for c in src.get("units", [])),
                "periods": ", ".join(period_ids),
                "period_labels": ", ".join(_label(p) for p in period_ids),
                "tree_as_of": day,
                "tree_as_of_shown": dt.date.fromisoformat(day).strftime("%d/%m/%Y") if day else "",
            }
        )
    return rows


def _label(pid: str) -> str:
    try:
        return P.parse(pid).label()
    except P.PeriodError:
        return pid


# --- Render jobs (the task queue) -------------------------------------------------------------------


@permissions.gated
def job_start(*, document: ReportDocument, fmt: str, by: Actor) -> RenderJob:
    """A render in the task queue (a long report's PDF takes LibreOffice seconds): the page polls it."""
    permissions.require(by, "view", document.unit)
    if fmt not in ("docx", "pdf"):
        raise ValidationError(_("Format must be docx or pdf."), fields={"format": fmt})
    job = RenderJob.objects.create(document=document, fmt=fmt)
    from ketnoi.documents.tasks import render_job

    transaction.on_commit(lambda: render_job(job.pk, _actor_id(by)))
    return job


def _actor_id(by: Actor) -> int | None:
    person = permissions.person(by)
    return person.pk if person is not None else None


@permissions.gated
def job_run(*, job_id: int, by: Actor) -> None:
    """Claim a queued job (a conditional update, so two workers never both run it) and render it."""
    claimed = RenderJob.objects.filter(pk=job_id, state="queued").update(state="running", progress=10)
    if not claimed:
        return
    job = RenderJob.objects.select_related("document__template", "document__unit").get(pk=job_id)
    try:
        figures = computed(job.document, by)
        RenderJob.objects.filter(pk=job_id).update(progress=40, message="figures")
        docx = render_docx(job.document, by, figures=figures)
        RenderJob.objects.filter(pk=job_id).update(progress=60, message="docx")
        data = docx if job.fmt == "docx" else render_pdf_from(job.document, docx)
        job.result.save(f"{job.document_id}.{job.fmt}", ContentFile(data), save=False)
        job.state, job.progress, job.message = "done", 100, ""
        job.save(update_fields=["result", "state", "progress", "message", "updated_at"])
    except ApplicationError as exc:
        RenderJob.objects.filter(pk=job_id).update(state="failed", message=str(exc.message)[:255])


def render_pdf_from(document: ReportDocument, docx: bytes) -> bytes:
    if document.is_issued and document.issued_pdf:
        with (document.signed_pdf or document.issued_pdf).open("rb") as handle:
            return handle.read()
    return pdf.docx_to_pdf(docx)


# --- Certificates and signatures ---------------------------------------------------------------------


@permissions.gated
@transaction.atomic
def certificate_upload(*, unit: Unit, data: bytes, name: str, password: str, by: Actor) -> SigningCertificate:
    """A unit's PKCS#12 file; its password is kept only encrypted (core.crypto, rotated with the key)."""
    permissions.require(by, "manage", unit)
    uploads.check(data, name=name, kind="document")
    info = signing.read_pkcs12(data, password, name=name)
    cert = SigningCertificate(
        unit=unit,
        password_encrypted=crypto.encrypt(password),
        subject=info.subject[:255],
        not_after=info.not_after,
    )
    cert.file.save(name, ContentFile(data), save=False)
    stamp(cert, by, gettext_noop("Certificate uploaded"))
    cert.save()
    return cert


def _trusted() -> list[bytes]:
    out = []
    for cert in SigningCertificate.objects.filter(active=True):
        with cert.file.open("rb") as handle:
            out.append(signing.certificate_der(handle.read(), crypto.decrypt(cert.password_encrypted)))
    return out


@permissions.gated
@transaction.atomic
def document_sign(
    *, document: ReportDocument, certificate: SigningCertificate, by: Actor, password: str = ""
) -> signing.Verification:
    """Sign the issued PDF (PAdES) with the unit's certificate where Nghị định 30 puts the organisation's
    signature, then verify what was stored."""
    permissions.require(by, "approve", document.unit)
    document = ReportDocument.objects.select_for_update().get(pk=document.pk)
    if not document.is_issued or not document.issued_pdf:
        raise Conflict(_("Only an issued report is signed."), fields={"status": document.status})
    if document.signed_pdf:
        raise Conflict(_("This report is already signed."), fields={"status": "signed"})
    if not document.unit.path.startswith(certificate.unit.path):
        raise PermissionDenied(_("This certificate belongs to another unit."))
    with certificate.file.open("rb") as handle:
        p12 = handle.read()
    with document.issued_pdf.open("rb") as handle:
        source = handle.read()
    secret = password or crypto.decrypt(certificate.password_encrypted)
    signed = signing.sign(
        source, p12, secret, signer_name=document.template.signer_name, reason=document.number
    )
    document.signed_pdf.save(f"{document.pk}-signed.pdf", ContentFile(signed), save=False)
    document.signed_at = timezone.now()
    document.signed_by = certificate.subject[:255]
    stamp(document, by, gettext_noop("Signed"))
    document.save()
    return signing.verify(signed, _trusted())


@permissions.gated
def pdf_verify(*, data: bytes, name: str, by: Actor) -> signing.Verification:
    """Verify an uploaded signed PDF (valid, signer, time, unchanged) against the units' certificates."""
    permissions.require(by, "view", None)
    uploads.check(data, name=name, kind="document")
    return signing.verify(data, _trusted())


@permissions.gated
def document_verify(*, document: ReportDocument, by: Actor) -> signing.Verification:
    permissions.require(by, "view", document.unit)
    document = ReportDocument.objects.get(pk=document.pk)  # the stored copy, as signed
    if not document.signed_pdf:
        return signing.Verification(False, False, False, False, "", None, _("The file carries no signature."))
    with document.signed_pdf.open("rb") as handle:
        return signing.verify(handle.read(), _trusted())


@permissions.gated
@transaction.atomic
def template_set_docx(*, template: ReportTemplate, data: bytes, name: str, by: Actor) -> ReportTemplate:
    """The office's own .docx with placeholders (checked by the upload guard, every placeholder known)."""
    from ketnoi.documents import house_style

    permissions.require(by, "manage", template.unit)
    house_style.check(data, name=name, block_keys=set(template.blocks))
    template.docx_template.save(name, ContentFile(data), save=False)
    stamp(template, by, gettext_noop("House style uploaded"))
    template.save()
    return template
