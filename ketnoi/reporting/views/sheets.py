"""The spreadsheet path: download the pre-filled template for a form, period and subtree; upload it back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ketnoi.core import permissions
from ketnoi.core.exceptions import ApplicationError, ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors, services, ui_selectors, xlsx
from ketnoi.reporting.forms import UploadForm
from ketnoi.reporting.models import (
    DataValue,
    DisaggregationOption,
    FormIndicator,
    Report,
    ReportForm,
    ReportStatus,
    ValueType,
)
from ketnoi.reporting.views.common import get_form, get_period, get_unit
from ketnoi.units.models import Unit

_TYPES = {
    ValueType.INTEGER: "integer",
    ValueType.INTEGER_POSITIVE: "integer",
    ValueType.INTEGER_NEGATIVE: "integer",
    ValueType.INTEGER_ZERO_OR_POSITIVE: "integer",
    ValueType.NUMBER: "number",
    ValueType.PERCENTAGE: "percentage",
    ValueType.BOOLEAN: "yes_no",
    ValueType.TRUE_ONLY: "yes_no",
    ValueType.TEXT: "text",
    ValueType.LONG_TEXT: "text",
}


def _columns(form: ReportForm) -> list[xlsx.ColumnSpec]:
    """One column per field: an indicator, or one per option of a disaggregated indicator."""
    items = list(
        FormIndicator.objects.filter(form=form).select_related("indicator").order_by("sort_order", "id")
    )
    options: dict[int, list[DisaggregationOption]] = {}
    for option in DisaggregationOption.objects.filter(
        disaggregation_id__in={
            it.indicator.disaggregation_id for it in items if it.indicator.disaggregation_id
        }
    ).order_by("sort_order", "id"):
        options.setdefault(option.disaggregation_id, []).append(option)
    out = []
    for it in items:
        ind = it.indicator
        if ind.is_computed:
            continue
        low = Decimal(repr(ind.min_value)) if ind.min_value is not None else None
        high = Decimal(repr(ind.max_value)) if ind.max_value is not None else None
        kind = _TYPES.get(ValueType(ind.value_type), "text")
        slots: list[DisaggregationOption | None] = (
            list(options.get(ind.disaggregation_id, [])) if ind.disaggregation_id else [None]
        )
        for opt in slots:
            code = ind.code if opt is None else f"{ind.code}.{opt.code}"
            name = ind.name if opt is None else f"{ind.name} — {opt.name}"
            out.append(xlsx.ColumnSpec(code, name, kind, ind.unit_of_measure, low, high))
    return out


def _rows(
    form: ReportForm, period: P.Period, units: list[Unit], columns: list[xlsx.ColumnSpec]
) -> list[xlsx.RowSpec]:
    """The units' current values (read in one query) and whether their report is locked."""
    by_unit: dict[int, dict[str, Any]] = {u.pk: {} for u in units}
    for unit_id, ind_code, opt_code, value, vtype in DataValue.objects.filter(
        unit_id__in=list(by_unit), period=period.id, indicator__form_items__form=form
    ).values_list("unit_id", "indicator__code", "option__code", "value", "indicator__value_type"):
        key = ind_code if opt_code is None else f"{ind_code}.{opt_code}"
        if vtype == ValueType.BOOLEAN:
            by_unit[unit_id][key] = value == "true"
        else:
            by_unit[unit_id][key] = value
    statuses = dict(
        Report.objects.filter(form=form, period=period.id, unit_id__in=list(by_unit)).values_list(
            "unit_id", "status"
        )
    )
    labels = dict(ReportStatus.choices)
    rows = []
    for u in units:
        status = statuses.get(u.pk, "")
        locked = status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
        rows.append(
            xlsx.RowSpec(
                u.code, u.name, by_unit[u.pk], locked=locked, status_label=str(labels.get(status, "")).lower()
            )
        )
    return rows


def _entry_units(request: HttpRequest, form: ReportForm, period: P.Period, root: Unit) -> list[Unit]:
    """Reporting units under ``root`` (as the hierarchy stood in the period) that the person may enter."""
    units = selectors.form_reporting_units(form, under=root, day=period.end)
    return [u for u in units if permissions.can(request.user, "enter_data", u)]


def _spec(form: ReportForm, period: P.Period, root: Unit, units: list[Unit]) -> xlsx.TemplateSpec:
    columns = _columns(form)
    return xlsx.TemplateSpec(
        form_code=form.code,
        form_name=form.name,
        period_id=period.id,
        period_label=period.label(),
        unit_code=root.code,
        unit_name=root.name,
        columns=columns,
        rows=_rows(form, period, units, columns),
        deadline=services.form_deadline(form, period),
    )


@login_required
def template(request: HttpRequest, form_code: str, period_id: str) -> HttpResponse:
    """The pre-filled template: one row per reporting unit of the subtree the person may enter, one
    column per indicator."""
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    root = get_unit(request, request.GET.get("unit", "")) if request.GET.get("unit") else None
    root = root or ui_selectors.default_root(request.user, form)
    if root is None:
        raise ValidationError(_("You have no unit to enter data for."))
    units = _entry_units(request, form, period, root)
    if not units:
        raise ValidationError(
            _("You may not enter data for any unit of %(unit)s in the form %(form)s.")
            % {"unit": root.name, "form": form.name}
        )
    data = xlsx.build_template(_spec(form, period, root, units))
    name = f"{slugify(form.code) or 'form'}_{period.id}_{slugify(root.code) or 'unit'}.xlsx"
    response = HttpResponse(data, content_type=xlsx.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def upload(request: HttpRequest, form_code: str, period_id: str) -> HttpResponse:
    """Upload a filled-in template: every bad cell is listed and nothing is saved, or everything is."""
    form = get_form(request, form_code)
    period = get_period(form, period_id)
    code = request.POST.get("unit") or request.GET.get("unit")
    root = get_unit(request, code) if code else ui_selectors.default_root(request.user, form)
    if root is None:
        raise ValidationError(_("You have no unit to enter data for."))
    upload_form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "period": period,
        "root": root,
        "upload_form": upload_form,
        "errors": [],
    }
    if request.method == "POST" and upload_form.is_valid():
        f = upload_form.cleaned_data["file"]
        outcome = _import(request, form, period, root, f.read(), f.name)
        if isinstance(outcome, list):
            context["errors"] = outcome
            context["filename"] = f.name
            return render(request, "reporting/upload.html", context, status=422)
        messages.success(request, outcome)
        return redirect(f"{_status_url(form, period)}?{urlencode({'unit': root.code})}")
    status = 422 if request.method == "POST" else 200
    return render(request, "reporting/upload.html", context, status=status)


def _status_url(form: ReportForm, period: P.Period) -> str:
    from django.urls import reverse

    return reverse("reporting:status", args=[form.code, period.id])


def _import(
    request: HttpRequest, form: ReportForm, period: P.Period, root: Unit, data: bytes, filename: str
) -> str | list[str]:
    """Check the file, then save every changed value through the services in one transaction."""
    units = _entry_units(request, form, period, root)
    columns = _columns(form)
    rows = _rows(form, period, units, columns)
    try:
        parsed = xlsx.read_upload(data, filename=filename, columns=columns, rows=rows)
    except xlsx.TemplateError as exc:
        return [exc.message]
    problems = [f"{filename}, {e}" for e in parsed.errors]
    if parsed.form_code != form.code or parsed.period_id != period.id:
        problems.insert(
            0,
            _(
                "%(file)s was made for the form %(form)s, period %(period)s; "
                "this page is %(this)s, %(this_period)s."
            )
            % {
                "file": filename,
                "form": parsed.form_code or "?",
                "period": parsed.period_id or "?",
                "this": form.code,
                "this_period": period.id,
            },
        )
    if problems:
        return problems
    by_unit: dict[str, dict[str, str]] = {}
    places: dict[tuple[str, str], str] = {}
    for v in parsed.values:
        by_unit.setdefault(v.unit_code, {})[v.indicator_code] = v.value  # already read (Decimal, bool)
        places[(v.unit_code, v.indicator_code)] = _("row %(row)s, column %(col)s") % {
            "row": v.row,
            "col": v.column,
        }
    unit_objs = {u.code: u for u in units}
    created = updated = deleted = 0
    warnings: list[str] = []
    errors: list[str] = []
    reason = (_("Uploaded: %(file)s") % {"file": filename})[:100]
    with transaction.atomic():
        for unit_code, values in by_unit.items():
            try:
                result = services.report_values_save(
                    form=form,
                    unit=unit_objs[unit_code],
                    period=period.id,
                    values=values,
                    by=request.user,
                    reason=reason,
                )
            except ValidationError as exc:
                for key, message in (exc.fields or {"": exc.message}).items():
                    where = places.get((unit_code, key), "")
                    errors.append(f"{filename}, {xlsx.DATA_SHEET}{', ' + where if where else ''}: {message}")
                continue
            except ApplicationError as exc:
                errors.append(f"{filename}: {unit_objs[unit_code].name}: {exc.message}")
                continue
            created += result.created
            updated += result.updated
            deleted += result.deleted
            warnings.extend(result.warnings)
        if errors:
            transaction.set_rollback(True)
            return errors
    for warning in warnings[:30]:
        messages.warning(request, warning)
    changed = created + updated + deleted
    if not changed:
        return _("%(file)s: nothing had changed; no figure was saved.") % {"file": filename}
    return ngettext(
        "%(file)s: %(n)d figure saved for %(units)d unit.",
        "%(file)s: %(n)d figures saved for %(units)d units.",
        changed,
    ) % {"file": filename, "n": changed, "units": len(by_unit)}
