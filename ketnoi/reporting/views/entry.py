"""Data entry for one unit and period, and the workflow around it (submit, approve, return, reopen)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ketnoi.core import permissions
from ketnoi.core.audit import history_rows
from ketnoi.core.exceptions import ApplicationError, ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors, services, ui_selectors
from ketnoi.reporting.forms import ReasonForm
from ketnoi.reporting.models import INTEGER_TYPES, TEXT_TYPES, ReportForm, ReportStatus, ValueType
from ketnoi.reporting.views.common import (
    display_value,
    fmt_number,
    get_form,
    get_period,
    get_reporting_unit,
)
from ketnoi.units.models import Unit

SKIP_KEYS = {"csrfmiddlewaretoken", "action"}


def _field_rows(
    sheet: selectors.EntrySheet, errors: dict[str, str] | None = None, posted: Any = None
) -> list[dict[str, Any]]:
    rows = []
    section = None
    for i, f in enumerate(sheet.fields):
        new_section = f.section != section and bool(f.section)
        section = f.section
        rows.append(
            {
                "f": f,
                "dom": f"v{i}",
                "label": f.indicator.name if f.option is None else f"{f.indicator.name} — {f.option.name}",
                "shown": posted.get(f.key, "") if posted is not None else display_value(f.indicator, f.value),
                "previous": display_value(f.indicator, f.previous),
                "section": f.section if new_section else "",
                "error": (errors or {}).get(f.key, ""),
                "numeric": f.indicator.value_type
                in (INTEGER_TYPES | {ValueType.NUMBER, ValueType.PERCENTAGE}),
                "boolean": f.indicator.value_type in (ValueType.BOOLEAN, ValueType.TRUE_ONLY),
                "text": f.indicator.value_type in TEXT_TYPES,
            }
        )
    return rows


def _context(
    request: HttpRequest, form: ReportForm, unit: Unit, period: P.Period, **extra: Any
) -> dict[str, Any]:
    sheet = selectors.entry_sheet(form=form, unit=unit, period=period.id, for_user=request.user)
    report = sheet.report
    status = report.status if report else ""
    user = request.user
    context = {
        "form": form,
        "unit": unit,
        "period": period,
        "sheet": sheet,
        "report": report,
        "rows": _field_rows(sheet, extra.pop("errors", None), extra.pop("posted", None)),
        "computed": [(ind, fmt_number(v, ind.decimals or None)) for ind, v in sheet.computed],
        "periods": ui_selectors.period_choices(form, period),
        "can_enter": permissions.can(user, "enter_data", unit),
        "can_submit": sheet.editable and permissions.can(user, "enter_data", unit),
        "can_approve": status == ReportStatus.SUBMITTED and services.may_approve(user, unit),
        "can_reopen": report is not None and services.may_reopen(user, report),
        "overdue": sheet.deadline < timezone.localdate()
        and status not in (ReportStatus.SUBMITTED, ReportStatus.APPROVED),
        "next_pending": selectors.approvals_pending(for_user=user, form=form)
        .filter(period=period.id)
        .exclude(unit=unit)
        .first()
        if permissions.can_any(user, "approve")
        else None,
        "history": history_rows(report) if report else [],
        "reason_form": ReasonForm(),
    }
    context.update(extra)
    return context


@login_required
def entry(request: HttpRequest, form_code: str, period_id: str, unit_code: str) -> HttpResponse:
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    unit = get_reporting_unit(request, form, unit_code)
    return render(request, "reporting/entry.html", _context(request, form, unit, period))


def _submitted_values(request: HttpRequest, form: ReportForm) -> tuple[dict[str, str], dict[str, str]]:
    """The posted fields of the form, as typed: the services read them in the Vietnamese dialect."""
    keys = services.form_field_keys(form)
    values = {key: request.POST.get(key, "") for key in request.POST if key not in SKIP_KEYS and key in keys}
    return values, {}


@login_required
@require_POST
def save(request: HttpRequest, form_code: str, period_id: str, unit_code: str) -> HttpResponse:
    """Save the posted fields as a draft. An htmx request saves one field and answers with its message."""
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    unit = get_reporting_unit(request, form, unit_code)
    permissions.require(request.user, "enter_data", unit)
    values, errors = _submitted_values(request, form)
    warnings: list[str] = []
    saved = False
    if not errors and values:
        try:
            result = services.report_values_save(
                form=form, unit=unit, period=period.id, values=values, by=request.user
            )
        except ValidationError as exc:
            errors = {k: str(v) for k, v in exc.fields.items()} or {"": str(exc.message)}
        except ApplicationError as exc:
            errors = {"": str(exc.message)}
        else:
            saved = True
            warnings = result.warnings
    if request.htmx:  # type: ignore[attr-defined]
        key = next(iter(values), next(iter(errors), ""))
        message = errors.get(key) or next(iter(errors.values()), "")
        return render(
            request,
            "reporting/_field_result.html",
            {"saved": saved, "error": message, "warnings": warnings, "now": timezone.localtime()},
        )
    if errors:
        for message in errors.values():
            messages.error(request, message)
        context = _context(request, form, unit, period, errors=errors, posted=request.POST)
        return render(request, "reporting/entry.html", context, status=422)
    for warning in warnings:
        messages.warning(request, warning)
    if saved:
        messages.success(request, _("The figures are saved as a draft."))
    if request.POST.get("action") == "submit":
        return _submit(request, form, unit, period)
    return redirect("reporting:entry", form.code, period.id, unit.code)


def _report(request: HttpRequest, form: ReportForm, unit: Unit, period: P.Period) -> Any:
    report = selectors.report_get(form=form, unit=unit, period=period.id, for_user=request.user)
    if report is None:
        report = services.report_open(form=form, unit=unit, period=period.id, by=request.user)
    return report


def _submit(request: HttpRequest, form: ReportForm, unit: Unit, period: P.Period) -> HttpResponse:
    report = _report(request, form, unit, period)
    try:
        services.report_submit(report=report, by=request.user)
    except ValidationError as exc:
        messages.error(request, str(exc.message))
        for message in exc.fields.values():
            messages.error(request, str(message))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("The report of %(unit)s for %(period)s is submitted to the approver.")
            % {"unit": unit.name, "period": period.label()},
        )
    return redirect("reporting:entry", form.code, period.id, unit.code)


@login_required
@require_POST
def submit(request: HttpRequest, form_code: str, period_id: str, unit_code: str) -> HttpResponse:
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    unit = get_reporting_unit(request, form, unit_code)
    permissions.require(request.user, "enter_data", unit)
    return _submit(request, form, unit, period)


@login_required
@require_POST
def decide(request: HttpRequest, form_code: str, period_id: str, unit_code: str, action: str) -> HttpResponse:
    """Approve, return (with a reason) or reopen (with a reason) the unit's report."""
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    unit = get_reporting_unit(request, form, unit_code)
    report = selectors.report_get(form=form, unit=unit, period=period.id, for_user=request.user)
    if report is None:
        messages.error(request, _("There is no report to act on yet."))
        return redirect("reporting:entry", form.code, period.id, unit.code)
    try:
        if action == "approve":
            services.report_approve(report=report, by=request.user)
            messages.success(
                request,
                _("Approved: %(unit)s, %(period)s. The figures are locked.")
                % {"unit": unit.name, "period": period.label()},
            )
        else:
            reason_form = ReasonForm(request.POST)
            if not reason_form.is_valid():
                messages.error(request, _("Please give a reason."))
                return redirect("reporting:entry", form.code, period.id, unit.code)
            reason = reason_form.cleaned_data["reason"]
            if action == "return":
                services.report_return(report=report, reason=reason, by=request.user)
                messages.success(request, _("Returned to %(unit)s with your reason.") % {"unit": unit.name})
            else:
                services.report_reopen(report=report, reason=reason, by=request.user)
                messages.success(
                    request, _("Reopened: %(unit)s may change the figures again.") % {"unit": unit.name}
                )
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(exc.message))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/reports/"):
        return redirect(next_url)
    return redirect("reporting:entry", form.code, period.id, unit.code)


@login_required
def value_history(
    request: HttpRequest, form_code: str, period_id: str, unit_code: str, key: str
) -> HttpResponse:
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    unit = get_reporting_unit(request, form, unit_code)
    field, records = ui_selectors.value_history(
        form=form, unit=unit, period=period, key=key, for_user=request.user
    )
    if field is None:
        raise ValidationError(
            _("“%(key)s” is not a field of the form %(form)s.") % {"key": key, "form": form.name}
        )
    rows = []
    for i, rec in enumerate(records):
        older = records[i + 1] if i + 1 < len(records) else None
        rows.append(
            {
                "when": rec.history_date,
                "who": rec.history_user,
                "type": rec.history_type,
                "old": display_value(field.indicator, older.value)
                if older and older.history_type != "-"
                else "",
                "new": "" if rec.history_type == "-" else display_value(field.indicator, rec.value),
                "reason": rec.history_change_reason or "",
            }
        )
    template = "reporting/_value_history.html" if request.htmx else "reporting/value_history.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"form": form, "unit": unit, "period": period, "field": field, "rows": rows},
    )
