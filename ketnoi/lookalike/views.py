"""Screens of the look-alike watch: the review queue grouped by imitated page, one candidate, the reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ketnoi.core import files, permissions
from ketnoi.core.audit import history_rows
from ketnoi.core.exceptions import ApplicationError
from ketnoi.core.forms import add_application_error
from ketnoi.core.paging import page_of
from ketnoi.lib import uploads
from ketnoi.lookalike import apps, imports, scoring, selectors, services
from ketnoi.lookalike.forms import (
    AddForm,
    DecisionForm,
    EvidenceForm,
    ImportForm,
    ReportStateForm,
    ThresholdForm,
)
from ketnoi.lookalike.models import Decision, PlatformReport, ReportState, Source
from ketnoi.units.selectors import unit_get

GROUPS_PER_PAGE = 10
CANDIDATES_PER_GROUP = 5


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    show = request.GET.get("show", "queue")
    queue_only = show != "all"
    page_obj = page_of(
        request, selectors.queue_groups(for_user=request.user, q=q, queue_only=queue_only), GROUPS_PER_PAGE
    )
    group_rows = []
    for page in page_obj:
        rows = selectors.candidate_list(for_user=request.user, q=q, page_id=page.pk, queue_only=queue_only)
        group_rows.append(
            {
                "page": page,
                "candidates": [
                    {"c": c, "reasons": scoring.reasons_of(c.signals, page.name)}
                    for c in rows[:CANDIDATES_PER_GROUP]
                ],
            }
        )
    form = AddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.candidate_add(
                source=Source.MANUAL,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                by=request.user,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(
                request, _("Kept as a candidate: it resembles “%(name)s”.") % {"name": added.page.name}
            )
            return redirect("lookalike:detail", pk=added.pk)
    return render(
        request,
        "lookalike/queue.html",
        {
            "page_obj": page_obj,
            "groups": group_rows,
            "q": q,
            "show": show,
            "form": form,
            "per_group": CANDIDATES_PER_GROUP,
            "import_form": ImportForm(),
            "threshold_form": _threshold_form(request)
            if permissions.can_any(request.user, "manage")
            else None,
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(pk=pk, for_user=request.user)
    may_edit = permissions.can(request.user, "edit", candidate.unit)
    report = PlatformReport.objects.filter(candidate=candidate).first()
    signals = candidate.signals
    context: dict[str, Any] = {
        "c": candidate,
        "may_edit": may_edit,
        "report": report,
        "signals": signals,
        "reasons": scoring.reasons_of(signals, candidate.page.name),
        "decision_form": DecisionForm(initial={"decision": candidate.decision, "note": candidate.note}),
        "evidence_form": EvidenceForm(),
        "report_form": ReportStateForm(),
        "evidence": [{"e": e, "url": files.url_for(apps.EVIDENCE, e.pk)} for e in candidate.evidence.all()],
        "avatar_url": files.url_for(apps.AVATAR, candidate.pk) if candidate.avatar else "",
        "history": history_rows(candidate, limit=20),
        "report_history": history_rows(report, limit=20) if report else [],
        "Decision": Decision,
    }
    return render(request, "lookalike/detail.html", context)


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    candidate = selectors.candidate_get(pk=pk, for_user=request.user)
    try:
        if action == "decide":
            form: Any = DecisionForm(request.POST)
            if form.is_valid():
                services.candidate_review(
                    candidate=candidate,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
                messages.success(request, _("Decision recorded."))
        elif action == "evidence":
            form = EvidenceForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                services.evidence_add(
                    candidate=candidate,
                    name=upload.name,
                    data=uploads.read_uploaded(upload, kind="evidence"),
                    note=form.cleaned_data["note"],
                    captured_on=form.cleaned_data["captured_on"],
                    by=request.user,
                )
                messages.success(request, _("Evidence stored."))
        elif action == "report":
            form = ReportStateForm(request.POST)
            if form.is_valid():
                services.candidate_update(
                    candidate=candidate,
                    report_state=form.cleaned_data["state"],
                    report_on=form.cleaned_data["on"],
                    report_reference=form.cleaned_data["reference"] or None,
                    by=request.user,
                )
                messages.success(request, _("Report state recorded."))
        elif action == "publish":
            services.candidate_publish(
                candidate=candidate, published=request.POST.get("published") == "1", by=request.user
            )
            messages.success(request, _("Publication changed."))
        if "form" in locals() and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("lookalike:detail", pk=candidate.pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "decide")


@login_required
@require_POST
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "evidence")


@login_required
@require_POST
def report_state(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "report")


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "publish")


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    rows = selectors.report_list(for_user=request.user, state=state if state in ReportState.values else "")
    page_obj = page_of(request, rows)
    return render(
        request,
        "lookalike/reports.html",
        {"page_obj": page_obj, "state": state, "states": ReportState.choices},
    )


@login_required
@require_POST
def import_list(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("lookalike:queue")
    upload = form.cleaned_data["file"]
    try:
        summary = imports.candidates_import(
            file_name=upload.name, data=uploads.read_uploaded(upload, kind="report_sheet"), by=request.user
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        for where, problem in list(exc.fields.items())[:20]:
            line, _sep, column = str(where).partition(":")
            messages.error(
                request,
                _("Line %(line)s, “%(column)s”: %(problem)s")
                % {"line": line, "column": column, "problem": problem},
            )
        return redirect("lookalike:queue")
    messages.success(
        request,
        _(
            "%(file)s: %(rows)s addresses read; %(kept)s resemble an official page and are kept, "
            "%(other)s do not."
        )
        % {
            "file": summary.file_name,
            "rows": summary.rows,
            "kept": summary.kept,
            "other": summary.not_resembling,
        },
    )
    return redirect("lookalike:queue")


def _threshold_form(request: HttpRequest, data: Any = None) -> ThresholdForm:
    units = permissions.top_units(request.user, "manage")
    choices = [(u.code, f"{u.name} ({selectors.threshold_for(u):.2f})".replace(".", ",")) for u in units]
    return ThresholdForm(data, units=choices)


@login_required
@require_POST
def set_threshold(request: HttpRequest) -> HttpResponse:
    form = _threshold_form(request, request.POST)
    if form.is_valid():
        try:
            unit = unit_get(code=form.cleaned_data["unit"], for_user=request.user, verb="manage")
            services.watch_setting_set(
                unit=unit, threshold=float(form.cleaned_data["threshold"]), by=request.user
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("Threshold saved for %(unit)s and the units under it.") % {"unit": unit.name}
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("lookalike:queue")
