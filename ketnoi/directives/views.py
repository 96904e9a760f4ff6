"""Server-rendered pages of the register: overview, documents, proposals to confirm, tasks with
progress and cascading, overdue and due-soon lists, calendar, per-unit progress and search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import Case, QuerySet, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ketnoi.core import permissions
from ketnoi.core.exceptions import ApplicationError, PermissionDenied
from ketnoi.core.forms import add_application_error
from ketnoi.core.paging import page_of
from ketnoi.directives import selectors, services
from ketnoi.directives.forms import (
    AttachForm,
    CascadeForm,
    DocumentEditForm,
    DocumentForm,
    ProgressForm,
    TaskAddForm,
    TaskEditForm,
)
from ketnoi.directives.models import Document, DocumentKind, Recurrence, TaskStatus
from ketnoi.lib import uploads as upload_guard
from ketnoi.lib.docnumber import parse_date
from ketnoi.units.addressing import addressing_root
from ketnoi.units.models import Unit
from ketnoi.units.selectors import existing_q, unit_get


def _day(raw: str) -> dt.date | None:
    raw = raw.strip()
    if len(raw) == 10 and raw[4] == "-":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return None
    return parse_date(raw)


def _active(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Units that exist today, in tree order (dissolved ones cannot receive new tasks)."""
    return units.filter(existing_q()).order_by("path")


def _assignable(document: Any) -> list[Unit]:
    """Units a document's tasks may go to: its sender's subtree, or its committee's for an advisory body."""
    return list(_active(Unit.objects.filter(path__startswith=addressing_root(document.unit).path)))


def _editable_units(user: Any) -> list[Unit]:
    return list(_active(Unit.objects.filter(permissions.scope_q(user, "edit")))[:500])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    open_tasks = selectors.task_list(for_user=user, status="open")
    context = {
        "reminders": selectors.reminders_for(user=user),
        "overdue": selectors.overdue(for_user=user, limit=10),
        "due_soon": selectors.due_soon(for_user=user, limit=10),
        "documents": list(selectors.document_list(for_user=user)[:10]),
        "stats": {
            "documents": selectors.document_list(for_user=user).count(),
            "open": open_tasks.count(),
            "overdue": selectors.task_list(for_user=user, status="overdue").count(),
            "done": selectors.task_list(for_user=user, status=TaskStatus.DONE).count(),
        },
        "can_edit": permissions.can_any(user, "edit"),
    }
    return render(request, "directives/home.html", context)


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    # A search's best hundred, or the whole register a page at a time.
    documents: Sequence[Document] | Page[Document]
    if q:
        found = selectors.search(for_user=request.user, q=q, limit=100)
        documents, tasks = found["documents"], found["tasks"]
    else:
        documents, tasks = page_of(request, selectors.document_list(for_user=request.user, kind=kind)), []
    context = {"q": q, "kind": kind, "kinds": DocumentKind.choices, "documents": documents, "tasks": tasks}
    template = "directives/_search_results.html" if request.htmx else "directives/documents.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _upload(file: Any, kind: upload_guard.Kind) -> services.Upload:
    """An uploaded file for the services, read only once the upload guard has measured its size."""
    return services.Upload(file.name or "file", upload_guard.read_uploaded(file, kind=kind))


@login_required
def document_new(request: HttpRequest) -> HttpResponse:
    units = _editable_units(request.user)
    if not units:
        raise PermissionDenied()
    form = DocumentForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            files = [_upload(f, "document") for f in request.FILES.getlist("attachments")]
            document = services.document_create(
                unit=data["unit"],
                by=request.user,
                title=data["title"],
                kind=data["kind"],
                number=data["number"],
                summary=data["summary"],
                issuing_body=data["issuing_body"],
                issued_on=data["issued_on"],
                signer=data["signer"],
                signer_capacity=data["signer_capacity"],
                body=data["text"],
                files=files,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(
                request, _("The document is registered. Check the tasks proposed from its text.")
            )
            return redirect("directives:review", document.pk)
    return render(request, "directives/document_new.html", {"form": form})


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    tasks = list(
        selectors.task_list(for_user=request.user, document=document).prefetch_related("coordinating_units")
    )
    references = []
    can_edit = permissions.can(request.user, "edit", document.unit)
    if document.body:
        from ketnoi.lib.docnumber import find_references

        linked = set(document.links_out.values_list("target__number", flat=True))
        references = [
            r
            for r in find_references(document.body)
            if r.number not in linked and r.number != document.number
        ]
    context = {
        "document": document,
        "attach_form": AttachForm() if can_edit else None,
        "task_form": TaskAddForm(units=_assignable(document)) if can_edit else None,
        "groups": selectors.task_groups(tasks),
        "by_unit": selectors.progress_by_unit(tasks=[t for t in tasks if t.parent_id is None]),
        "progress": selectors.document_progress(tasks),
        "chain": selectors.document_chain(document, for_user=request.user),
        "references": references,
        "can_edit": can_edit,
        "recipients": list(document.recipients.order_by("path")),
        "files": list(document.files.all()),
        "today": timezone.localdate(),
    }
    return render(request, "directives/document_detail.html", context)


@login_required
@require_POST
def document_reference(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    services.reference_accept(
        document=document,
        number=request.POST.get("number", ""),
        kind=request.POST.get("kind", "cites"),
        kind_word=request.POST.get("kind_word", ""),
        issued_on=parse_date(request.POST.get("issued_on", "")),
        issuer=request.POST.get("issuer", ""),
        by=request.user,
    )
    messages.success(request, _("The link is recorded."))
    return redirect("directives:document", document.pk)


@login_required
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposals from the text, to edit and confirm. Nothing is created before confirmation."""
    document = selectors.document_get(pk=pk, for_user=request.user)
    analysis = services.document_proposals(document=document, by=request.user)
    assignable = _assignable(document)
    by_code = {u.code: u for u in assignable}
    error = ""
    if request.method == "POST":
        confirmed = []
        for i in range(len(analysis["tasks"])):
            if request.POST.get(f"t{i}-selected") != "on":
                continue
            units = [by_code[c] for c in request.POST.getlist(f"t{i}-units") if c in by_code]
            confirmed.append(
                services.ConfirmedProposal(
                    number=request.POST.get(f"t{i}-number", ""),
                    text=request.POST.get(f"t{i}-text", ""),
                    units=units,
                    coordinating=[
                        by_code[c] for c in request.POST.getlist(f"t{i}-coordinating") if c in by_code
                    ],
                    due_date=_day(request.POST.get(f"t{i}-due", "")),
                    recurrence=request.POST.get(f"t{i}-recurrence", ""),
                )
            )
        try:
            if not confirmed:
                raise ApplicationError(_("Tick at least one task to confirm."))
            created = services.tasks_confirm(document=document, proposals=confirmed, by=request.user)
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("%(n)s tasks were assigned.") % {"n": len(created)})
            return redirect("directives:document", document.pk)
    for proposal in analysis["tasks"]:
        # The form's date field reads dd/mm/yyyy: show the deadline found in the text that way.
        due = proposal["due_date"]
        proposal["due_shown"] = dt.date.fromisoformat(due).strftime("%d/%m/%Y") if due else ""
        wanted = set(proposal["unit_codes"]) | set(proposal["coordinating_unit_codes"])
        # The units the text names come first, then the others in tree order.
        proposal["choices"] = [u for u in assignable if u.code in wanted] + [
            u for u in assignable if u.code not in wanted
        ]
    context = {
        "document": document,
        "analysis": analysis,
        "units": assignable,
        "recurrences": Recurrence.choices,
        "error": error,
        "posted": request.POST if request.method == "POST" else None,
    }
    return render(request, "directives/review.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(pk=pk, for_user=request.user)
    can_report = permissions.can(request.user, "edit", task.lead_unit)
    below = list(
        _active(Unit.objects.filter(path__startswith=task.lead_unit.path).exclude(pk=task.lead_unit_id))
    )
    progress_form = ProgressForm(task=task)
    cascade_form = CascadeForm(units=below)
    if request.method == "POST" and can_report:
        action = request.POST.get("action")
        if action == "progress":
            progress_form = ProgressForm(request.POST, request.FILES, task=task)
            if progress_form.is_valid():
                data = progress_form.cleaned_data
                upload = request.FILES.get("file")
                try:
                    services.task_report_progress(
                        task=task,
                        by=request.user,
                        progress=data["progress"],
                        status=data["status"] or None,
                        note=data["note"],
                        link=data["link"],
                        file=_upload(upload, "evidence") if upload else None,
                        period_end=data["period_end"],
                    )
                except ApplicationError as exc:
                    progress_form.add_error(None, str(exc.message))
                else:
                    messages.success(request, _("Progress reported."))
                    return redirect("directives:task", task.pk)
        elif action == "cascade":
            cascade_form = CascadeForm(request.POST, units=below)
            if cascade_form.is_valid():
                data = cascade_form.cleaned_data
                try:
                    children = services.task_cascade(
                        task=task,
                        units=list(data["units"]),
                        text=data["text"],
                        due_date=data["due_date"],
                        by=request.user,
                    )
                except ApplicationError as exc:
                    cascade_form.add_error(None, str(exc.message))
                else:
                    messages.success(request, _("%(n)s units received the task.") % {"n": len(children)})
                    return redirect("directives:task", task.pk)
    tree = selectors.task_descendants(task, for_user=request.user)
    context = {
        "task": task,
        "updates": list(task.updates.select_related("created_by")),
        "subtasks": tree,
        "coordinating": list(task.coordinating_units.all()),
        "can_report": can_report,
        "edit_form": TaskEditForm(
            initial={"text": task.text, "due_date": task.due_date, "recurrence": task.recurrence}
        )
        if permissions.can(request.user, "edit", task.assigned_by)
        else None,
        "can_cascade": can_report and bool(below),
        "progress_form": progress_form,
        "cascade_form": cascade_form,
        "today": timezone.localdate(),
    }
    return render(request, "directives/task_detail.html", context)


@login_required
def unit_progress(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get(code=code, for_user=request.user)
    tasks = selectors.task_list(for_user=request.user, unit=unit)
    context = {
        "unit": unit,
        "rows": selectors.progress_rows(tasks),
        # Open tasks first, nearest deadline first; done tasks after.
        "tasks": page_of(
            request, tasks.order_by(Case(When(status=TaskStatus.DONE, then=1), default=0), "due_date", "id")
        ),
        "today": timezone.localdate(),
    }
    return render(request, "directives/unit_progress.html", context)


@login_required
def deadlines(request: HttpRequest) -> HttpResponse:
    context = {
        "overdue": page_of(request, selectors.overdue_tasks(for_user=request.user)),
        "due_soon": page_of(
            request, selectors.due_soon_tasks(for_user=request.user, days=14), param="soon_page"
        ),
        "today": timezone.localdate(),
        "units": permissions.top_units(request.user),
    }
    return render(request, "directives/deadlines.html", context)


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    raw = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-", 1)) if raw else (today.year, today.month)
        first = dt.date(year, month, 1)
    except ValueError:
        year, month, first = today.year, today.month, today.replace(day=1)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    context = {
        "weeks": selectors.calendar_month(for_user=request.user, year=year, month=month),
        "first": first,
        "prev": f"{prev_month:%Y-%m}",
        "next": f"{next_month:%Y-%m}",
        "today": today,
    }
    return render(request, "directives/calendar.html", context)


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    permissions.require(request.user, "edit", document.unit)
    initial = {f: getattr(document, f) for f in services.DOCUMENT_FIELDS if f != "body"}
    form = DocumentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(document=document, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The document's details are saved."))
            return redirect("directives:document", document.pk)
    return render(request, "directives/document_edit.html", {"document": document, "form": form})


@login_required
@require_POST
def document_attach(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    permissions.require(request.user, "edit", document.unit)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.document_attach(
                document=document,
                upload=_upload(upload, "document"),
                by=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The file is attached and its text can be searched."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("directives:document", document.pk)


@login_required
@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk=pk, for_user=request.user)
    permissions.require(request.user, "edit", document.unit)
    form = TaskAddForm(request.POST, units=_assignable(document))
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.tasks_confirm(
                document=document,
                proposals=[
                    services.ConfirmedProposal(
                        number=data["number"],
                        text=data["text"],
                        units=list(data["units"]),
                        due_date=data["due_date"],
                        recurrence=data["recurrence"] or "",
                    )
                ],
                by=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("%(n)s tasks were assigned.") % {"n": len(created)})
    else:
        errors = "; ".join(
            f"{form.fields[k].label}: {' '.join(str(e) for e in v)}"
            for k, v in form.errors.items()
            if k in form.fields
        )
        messages.error(request, errors or _("Some values are not valid."))
    return redirect("directives:document", document.pk)


@login_required
@require_POST
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(pk=pk, for_user=request.user)
    permissions.require(request.user, "edit", task.assigned_by)
    form = TaskEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.task_update(
                task=task,
                by=request.user,
                text=data["text"],
                due_date=data["due_date"],
                recurrence=data["recurrence"] or "",
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The assignment is changed."))
    else:
        messages.error(request, _("Some values are not valid."))
    return redirect("directives:task", task.pk)
