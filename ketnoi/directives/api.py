"""REST endpoints of the register (mounted at the API root by ketnoi.site.api).

GET/POST /documents        GET /documents/{id}        GET /documents/{id}/proposals
POST /documents/{id}/tasks (confirm proposals)        POST /documents/{id}/links
GET/POST /tasks            GET/PATCH /tasks/{id}      POST /tasks/{id}/cascade
GET /search?q=...
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ketnoi.core import files, paging
from ketnoi.core.exceptions import PermissionDenied, ValidationError
from ketnoi.directives import selectors, services
from ketnoi.directives.apps import ATTACHMENT, EVIDENCE
from ketnoi.directives.models import Document, LinkKind, Task
from ketnoi.units.models import Unit
from ketnoi.units.selectors import unit_get

router = Router(tags=["directives"])


class DocumentIn(Schema):
    unit: str = Field(description="Code of the unit that registers (or issued) the document")
    title: str = ""
    kind: str = ""
    number: str = Field("", description="Number and symbol, e.g. 23-CT/TU or 53/2022/NĐ-CP")
    summary: str = ""
    issuing_body: str = ""
    issued_on: dt.date | None = None
    signer: str = ""
    signer_capacity: str = ""
    text: str = Field("", description="Full text; blank fields are read from it")
    recipients: list[str] = Field(default_factory=list, description="Unit codes")


class FileOut(Schema):
    name: str
    size: int = Field(description="Size in bytes")
    content_type: str
    url: str = Field(description="Download address; the caller must be allowed to see the document or task")


class DocumentOut(Schema):
    id: int
    unit: str
    kind: str
    number: str
    number_value: int | None
    kind_code: str
    issuer_code: str
    number_year: int | None
    title: str
    summary: str
    issuing_body: str
    issued_on: dt.date | None
    signer: str
    signer_capacity: str
    recipients: list[str]
    recipients_text: str
    files: list[FileOut]


def _doc_out(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "unit": d.unit.code,
        "kind": d.kind,
        "number": d.number,
        "number_value": d.number_value,
        "kind_code": d.kind_code,
        "issuer_code": d.issuer_code,
        "number_year": d.number_year,
        "title": d.title,
        "summary": d.summary,
        "issuing_body": d.issuing_body,
        "issued_on": d.issued_on,
        "signer": d.signer,
        "signer_capacity": d.signer_capacity,
        "recipients": [u.code for u in d.recipients.all()],
        "recipients_text": d.recipients_text,
        "files": [files.describe(ATTACHMENT, f.pk, f.name, f.size) for f in d.files.all()],
    }


class TaskIn(Schema):
    document: int
    lead_unit: str
    text: str
    number: str = ""
    due_date: dt.date | None = None
    recurrence: str = ""
    coordinating_units: list[str] = Field(default_factory=list)
    parent: int | None = None


class TaskPatch(Schema):
    text: str | None = None
    number: str | None = None
    due_date: dt.date | None = None
    recurrence: str | None = None
    lead_unit: str | None = None
    coordinating_units: list[str] | None = None
    status: str | None = None
    progress: int | None = Field(None, ge=0, le=100)
    note: str = ""
    link: str = ""
    period_end: dt.date | None = None


class TaskOut(Schema):
    id: int
    document: int
    parent: int | None
    number: str
    text: str
    lead_unit: str
    assigned_by: str
    coordinating_units: list[str]
    due_date: dt.date | None
    recurrence: str
    status: str = Field(description="not_started, in_progress, done or overdue (deadline passed, not done)")
    progress: int = Field(description="The lead unit's own progress, as it reported it (%)")
    lower_units: int | None = Field(
        description="Roll-up of the tasks cascaded from this one to lower units (%); null while none"
    )
    rollup: int = Field(
        description="The figure this task gives the task above: own progress, or the lower units' roll-up"
    )


def _task_out(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk,
        "document": t.document_id,
        "parent": t.parent_id,
        "number": t.number,
        "text": t.text,
        "lead_unit": t.lead_unit.code,
        "assigned_by": t.assigned_by.code,
        "coordinating_units": [u.code for u in t.coordinating_units.all()],
        "due_date": t.due_date,
        "recurrence": t.recurrence,
        "status": t.shown_status,
        "progress": t.progress,
        "lower_units": t.lower_units,
        "rollup": t.rollup,
    }


def _units(request: HttpRequest, codes: list[str], field: str) -> list[Unit]:
    units = list(Unit.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {u.code for u in units})
    if missing:
        raise ValidationError(
            _("Unknown unit codes: %(codes)s") % {"codes": ", ".join(missing)},
            fields={field: ", ".join(missing)},
        )
    return units


@router.get(
    "/documents",
    response=list[DocumentOut],
    summary="Documents the caller may see; q searches with or without diacritics",
)
def document_list(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    unit: str = "",
    limit: paging.Limit500 = 100,
    offset: paging.Offset = 0,
) -> list[dict[str, Any]]:
    under = unit_get(code=unit, for_user=request.user) if unit else None
    qs = selectors.document_list(for_user=request.user, q=q, kind=kind, unit=under).prefetch_related(
        "recipients", "files"
    )
    return [_doc_out(d) for d in qs[offset : offset + limit]]


@router.post(
    "/documents",
    response={201: DocumentOut},
    summary="Register a document (blank fields are read from its text)",
)
def document_create(request: HttpRequest, payload: DocumentIn) -> Status[dict[str, Any]]:
    unit = unit_get(code=payload.unit, for_user=request.user, verb="edit")
    document = services.document_create(
        unit=unit,
        by=request.user,
        title=payload.title,
        kind=payload.kind,
        number=payload.number,
        summary=payload.summary,
        issuing_body=payload.issuing_body,
        issued_on=payload.issued_on,
        signer=payload.signer,
        signer_capacity=payload.signer_capacity,
        body=payload.text,
        recipients=_units(request, payload.recipients, "recipients"),
    )
    return Status(201, _doc_out(document))


@router.get("/documents/{doc_id}", response=DocumentOut)
def document_detail(request: HttpRequest, doc_id: int) -> dict[str, Any]:
    return _doc_out(selectors.document_get(pk=doc_id, for_user=request.user))


@router.get(
    "/documents/{doc_id}/proposals",
    summary="Tasks proposed from the document's text, with the units they address",
)
def document_proposals(request: HttpRequest, doc_id: int) -> dict[str, Any]:
    document = selectors.document_get(pk=doc_id, for_user=request.user)
    return services.document_proposals(document=document, by=request.user)


class ProposalIn(Schema):
    number: str = ""
    text: str
    units: list[str]
    coordinating_units: list[str] = Field(default_factory=list)
    due_date: dt.date | None = None
    recurrence: str = ""


@router.post(
    "/documents/{doc_id}/tasks",
    response={201: list[TaskOut]},
    summary="Confirm proposals: one task per addressed unit",
)
def document_confirm(
    request: HttpRequest, doc_id: int, payload: list[ProposalIn]
) -> Status[list[dict[str, Any]]]:
    document = selectors.document_get(pk=doc_id, for_user=request.user)
    confirmed = [
        services.ConfirmedProposal(
            number=p.number,
            text=p.text,
            units=_units(request, p.units, "units"),
            coordinating=_units(request, p.coordinating_units, "coordinating_units"),
            due_date=p.due_date,
            recurrence=p.recurrence,
        )
        for p in payload
    ]
    tasks = services.tasks_confirm(document=document, proposals=confirmed, by=request.user)
    return Status(201, [_task_out(t) for t in tasks])


class LinkIn(Schema):
    target: int | None = None
    number: str = Field(
        "", description="Number and symbol of a document cited in the text (registered if new)"
    )
    kind_word: str = Field("", description="Its kind as the text names it, e.g. 'Quy định'")
    kind: str = LinkKind.CITES


@router.post(
    "/documents/{doc_id}/links",
    response={201: dict[str, Any]},
    summary="Link to a registered document, or to one cited by number",
)
def document_link(request: HttpRequest, doc_id: int, payload: LinkIn) -> Status[dict[str, Any]]:
    document = selectors.document_get(pk=doc_id, for_user=request.user)
    if payload.target is not None:
        target = selectors.document_get(pk=payload.target, for_user=request.user)
        link = services.document_link(source=document, target=target, kind=payload.kind, by=request.user)
    else:
        link = services.reference_accept(
            document=document,
            number=payload.number,
            kind=payload.kind,
            kind_word=payload.kind_word,
            by=request.user,
        )
    return Status(201, {"source": link.source_id, "target": link.target_id, "kind": link.kind})


@router.get("/tasks", response=list[TaskOut], summary="Tasks the caller may see; status may be 'overdue'")
def task_list(
    request: HttpRequest,
    document: int | None = None,
    unit: str = "",
    status: str = "",
    q: str = "",
    limit: paging.Limit1000 = 200,
    offset: paging.Offset = 0,
) -> list[dict[str, Any]]:
    doc = selectors.document_get(pk=document, for_user=request.user) if document else None
    under = unit_get(code=unit, for_user=request.user) if unit else None
    qs = selectors.task_list(
        for_user=request.user, document=doc, unit=under, status=status, q=q
    ).prefetch_related("coordinating_units")
    return [_task_out(t) for t in qs[offset : offset + limit]]


@router.post("/tasks", response={201: TaskOut}, summary="Assign a task (or cascade one, with parent)")
def task_create(request: HttpRequest, payload: TaskIn) -> Status[dict[str, Any]]:
    document = selectors.document_get(pk=payload.document, for_user=request.user)
    lead = unit_get(code=payload.lead_unit, for_user=request.user)
    parent = selectors.task_get(pk=payload.parent, for_user=request.user) if payload.parent else None
    task = services.task_create(
        document=document,
        lead_unit=lead,
        text=payload.text,
        number=payload.number,
        by=request.user,
        due_date=payload.due_date,
        recurrence=payload.recurrence,
        coordinating=_units(request, payload.coordinating_units, "coordinating_units"),
        parent=parent,
    )
    return Status(201, _task_out(task))


@router.get("/tasks/{task_id}", response=TaskOut)
def task_detail(request: HttpRequest, task_id: int) -> dict[str, Any]:
    return _task_out(selectors.task_get(pk=task_id, for_user=request.user))


@router.patch(
    "/tasks/{task_id}",
    response=TaskOut,
    summary="Change the assignment, or report progress (status, progress, note, link)",
)
def task_patch(request: HttpRequest, task_id: int, payload: TaskPatch) -> dict[str, Any]:
    task = selectors.task_get(pk=task_id, for_user=request.user)
    data = payload.dict(exclude_unset=True)
    nulls = [k for k in ("text", "number", "recurrence") if k in data and data[k] is None]
    if nulls:
        message = _("Leave the field out to keep its value; it cannot be null.")
        raise ValidationError(message, fields=dict.fromkeys(nulls, message))
    assignment: dict[str, Any] = {
        k: data[k] for k in ("text", "number", "due_date", "recurrence") if k in data
    }
    if data.get("lead_unit"):
        assignment["lead_unit"] = _units(request, [data["lead_unit"]], "lead_unit")[0]
    coordinating = (
        _units(request, data["coordinating_units"], "coordinating_units")
        if data.get("coordinating_units") is not None
        else None
    )
    if assignment or coordinating is not None:
        task = services.task_update(task=task, by=request.user, coordinating=coordinating, **assignment)
    report = {k: data[k] for k in ("status", "progress", "note", "link", "period_end") if k in data}
    if report:
        if report.get("status") == "overdue":
            message = _("Overdue is worked out from the deadline; report progress or mark the task done.")
            raise ValidationError(message, fields={"status": message})
        services.task_report_progress(task=task, by=request.user, **report)
    if not (assignment or coordinating is not None or report):
        raise ValidationError(_("Nothing to change."), fields={"request": _("Nothing to change.")})
    task.refresh_from_db()
    return _task_out(task)


class ProgressOut(Schema):
    id: int
    status: str
    progress: int
    note: str
    link: str
    period_end: dt.date | None
    created_at: dt.datetime
    file: FileOut | None


@router.get(
    "/tasks/{task_id}/updates",
    response=list[ProgressOut],
    summary="Progress reports on a task, newest first, with their evidence files",
)
def task_updates(request: HttpRequest, task_id: int) -> list[dict[str, Any]]:
    task = selectors.task_get(pk=task_id, for_user=request.user)
    return [
        {
            "id": u.pk,
            "status": u.status,
            "progress": u.progress,
            "note": u.note,
            "link": u.link,
            "period_end": u.period_end,
            "created_at": u.created_at,
            "file": files.describe(EVIDENCE, u.pk, u.shown_file_name, u.file_size) if u.file else None,
        }
        for u in task.updates.all()
    ]


class CascadeIn(Schema):
    units: list[str]
    text: str = ""
    due_date: dt.date | None = None


@router.post(
    "/tasks/{task_id}/cascade",
    response={201: list[TaskOut]},
    summary="Turn a task received into tasks for units below",
)
def task_cascade(request: HttpRequest, task_id: int, payload: CascadeIn) -> Status[list[dict[str, Any]]]:
    task = selectors.task_get(pk=task_id, for_user=request.user)
    units = _units(request, payload.units, "units")
    if any(not u.path.startswith(task.lead_unit.path) for u in units):
        raise PermissionDenied()
    children = services.task_cascade(
        task=task, units=units, text=payload.text, due_date=payload.due_date, by=request.user
    )
    return Status(201, [_task_out(t) for t in children])


class SearchOut(Schema):
    documents: list[DocumentOut]
    tasks: list[TaskOut]


@router.get("/search", response=SearchOut, summary="Documents and tasks, with or without diacritics")
def search(request: HttpRequest, q: str, limit: paging.Limit100 = 30) -> dict[str, Any]:
    found = selectors.search(for_user=request.user, q=q, limit=limit)
    return {
        "documents": [_doc_out(d) for d in found["documents"]],
        "tasks": [_task_out(t) for t in found["tasks"]],
    }
