"""REST endpoints of periodic reporting, mounted at the API root (DHIS2-like paths).

GET  /forms                                   forms the caller may see
GET  /forms/{code}                            one form: indicators, reporting units, rules
GET  /indicators                              indicators the caller may see
GET  /dataValueSets[.csv|.xml|.adx]?dataSet&orgUnit&period&startDate&endDate&children   stored values
POST /dataValueSets[.csv]?dryRun&importStrategy&atomicMode&dataSet   import, answers DHIS2's import summary
                                             (all-or-nothing unless atomicMode=NONE)
GET  /analytics?dx=A;B&ou=BP;BP-DX&pe=2020Q1;2020Q2    aggregated values for each unit's subtree
GET  /completeness?form&ou&pe                 expected, on time, late, missing units
GET  /reports/{form}/{unit}/{period}          the entry sheet of one unit and period
PUT  /reports/{form}/{unit}/{period}          save values (a draft)
POST /reports/{form}/{unit}/{period}/{submit|approve|return|reopen}
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ketnoi.core.exceptions import NotFound, ValidationError
from ketnoi.lib import uploads
from ketnoi.lib import values as V
from ketnoi.lib.textfiles import decode_text
from ketnoi.reporting import dhis2, dhis2_xml, selectors, services
from ketnoi.reporting.models import Report, ReportForm
from ketnoi.units.selectors import unit_get

router = Router(tags=["reporting"])


class FormOut(Schema):
    code: str
    name: str
    period_type: str
    span_years: int
    owner: str
    deadline_days: int
    reminder_days: int
    indicators: list[str]


class IndicatorOut(Schema):
    code: str
    name: str
    value_type: str
    unit_of_measure: str
    unit_aggregation: str
    time_aggregation: str
    formula: str
    disaggregation: str | None
    options: list[str]


class ImportCount(Schema):
    imported: int
    updated: int
    ignored: int
    deleted: int


class Conflict(Schema):
    object: str
    value: str
    errorCode: str | None = None


class ImportSummaryOut(Schema):
    responseType: str = "ImportSummary"
    status: str
    description: str = ""
    dryRun: bool = False
    importCount: ImportCount
    conflicts: list[Conflict]
    dataSetComplete: str = "false"


class UnitRef(Schema):
    code: str
    name: str
    status: str
    days_late: int
    submitted_at: dt.datetime | None


class CompletenessOut(Schema):
    form: str
    ou: str
    period: str
    deadline: dt.date
    overdue: bool
    expected: int
    on_time: int
    late: int
    missing: list[UnitRef]
    missing_count: int
    on_time_units: list[UnitRef]
    late_units: list[UnitRef]
    rate: float


class ValuesIn(Schema):
    values: dict[str, str | float | int | bool | None]
    comments: dict[str, str] = Field(default_factory=dict)


class ReasonIn(Schema):
    reason: str = ""


class FieldOut(Schema):
    key: str
    indicator: str
    option: str | None
    name: str
    value: str
    previous: str
    required: bool


class SheetOut(Schema):
    form: str
    unit: str
    period: str
    status: str
    editable: bool
    deadline: dt.date
    reason: str
    fields: list[FieldOut]
    computed: dict[str, float | None]
    warnings: list[str] = Field(default_factory=list)


def _form_out(form: ReportForm) -> dict[str, Any]:
    return {
        "code": form.code,
        "name": form.name,
        "period_type": form.period_type,
        "span_years": form.span_years,
        "owner": form.owner.code,
        "deadline_days": form.deadline_days,
        "reminder_days": form.reminder_days,
        "indicators": [it.indicator.code for it in form.items.all()],
    }


@router.get("/forms", response=list[FormOut], summary="Report forms (DHIS2 data sets) the caller may see")
def forms(request: HttpRequest) -> list[dict[str, Any]]:
    found = selectors.form_list(for_user=request.user)
    prefetch_related_objects(found, "items__indicator")
    return [_form_out(f) for f in found]


@router.get("/forms/{code}", summary="One report form with its reporting units and rules")
def form_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    form = selectors.form_get(code=code, for_user=request.user)
    out = _form_out(form)
    out["units"] = [u.code for u in selectors.form_reporting_units(form)]
    out["rules"] = [
        {"left": r.left, "operator": r.operator, "right": r.right, "severity": r.severity}
        for r in form.rules.all()
    ]
    return out


@router.get("/indicators", response=list[IndicatorOut], summary="Indicators (DHIS2 data elements)")
def indicators(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    out = []
    for ind in selectors.indicator_list(for_user=request.user, q=q).prefetch_related(
        "disaggregation__options"
    ):
        dis = ind.disaggregation
        out.append(
            {
                "code": ind.code,
                "name": ind.name,
                "value_type": ind.value_type,
                "unit_of_measure": ind.unit_of_measure,
                "unit_aggregation": ind.unit_aggregation,
                "time_aggregation": ind.time_aggregation,
                "formula": ind.formula,
                "disaggregation": dis.code if dis else None,
                "options": [o.code for o in dis.options.all()] if dis else [],
            }
        )
    return out


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").replace(",", ";").split(";") if p.strip()]


class ImportOptions(Schema):
    """DHIS2's import parameters (query string)."""

    dryRun: bool = False
    importStrategy: str = "CREATE_AND_UPDATE"
    atomicMode: str = "ALL"  # ALL: nothing is written when a value conflicts; NONE: DHIS2's partial import
    dataSet: str | None = None


def _import(
    request: HttpRequest,
    rows: list[services.ImportRow],
    options: ImportOptions,
    source: str,
    data_set: str = "",
) -> Any:
    """Import and answer DHIS2's import summary: 200 (SUCCESS, or WARNING for a partial import that left
    conflicts out), 409 with every conflict when nothing was written (ERROR)."""
    mode = (options.atomicMode or "ALL").upper()
    if mode not in ("ALL", "NONE"):
        raise ValidationError(
            _("atomicMode must be ALL or NONE."), fields={"atomicMode": options.atomicMode[:40]}
        )
    code = options.dataSet or data_set
    form = selectors.form_get(code=code, for_user=request.user) if code else None
    try:
        summary = services.values_import(
            rows=rows,
            by=request.user,
            source=source,
            dry_run=options.dryRun,
            strategy=(options.importStrategy or "CREATE_AND_UPDATE").upper(),
            atomic=mode == "ALL",
            data_set=form,
        )
    except services.ImportRejected as exc:
        return Status(409, exc.summary.as_dhis2())
    return summary.as_dhis2()


def _body_bytes(request: HttpRequest) -> bytes:
    """The body, once the upload guard has measured it (size before reading)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    uploads.check_size(declared, name="dataValueSets", kind="data_values", field="body")
    data = request.body
    uploads.check_size(len(data), name="dataValueSets", kind="data_values", field="body")
    return data


def _body_text(request: HttpRequest, *, lines: bool = True) -> str:
    """The body as text, once the upload guard has measured it (size before reading, then lines)."""
    name = "dataValueSets"
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    uploads.check_size(declared, name=name, kind="data_values", field="body")
    data = request.body
    uploads.check(data, name=name, kind="data_values", lines=lines)
    try:
        return decode_text(data)
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text."), fields={"body": _("Save the file as UTF-8.")}
        ) from None


@router.post(
    "/dataValueSets",
    response={200: ImportSummaryOut, 409: ImportSummaryOut},
    summary="Import data values: DHIS2 dataValueSets JSON, CSV (text/csv), DXF2 XML (application/xml), "
    "ADX (application/adx+xml); all-or-nothing unless atomicMode=NONE",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/xml": {"schema": {"type": "string"}},
                "application/adx+xml": {"schema": {"type": "string"}},
            }
        }
    },
)
def data_value_sets_import(request: HttpRequest, options: Query[ImportOptions]) -> Any:
    content_type = (request.content_type or "").lower()
    if "adx" in content_type:
        rows, data_set = dhis2_xml.rows_from_adx(_body_bytes(request), source="ADX")
        return _import(request, rows, options, "ADX", data_set)
    if "xml" in content_type:
        rows, data_set = dhis2_xml.rows_from_dxf2(_body_bytes(request))
        return _import(request, rows, options, "dataValueSets.xml", data_set)
    if "csv" in content_type:
        rows = dhis2.rows_from_csv(_body_text(request))
        return _import(request, rows, options, "dataValueSets.csv")
    try:
        payload = uploads.loads_json(_body_text(request, lines=False) or "null", name="dataValueSets")
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("dataValueSets: not valid JSON (line %(line)d, column %(col)d).")
            % {"line": exc.lineno, "col": exc.colno},
            fields={"body": exc.msg},
        ) from None
    data_set = str(payload.get("dataSet") or "") if isinstance(payload, dict) else ""
    return _import(request, dhis2.rows_from_json(payload), options, "dataValueSets", data_set)


@router.post(
    "/dataValueSets.csv",
    response={200: ImportSummaryOut, 409: ImportSummaryOut},
    summary="Import data values from DHIS2's CSV shape; all or nothing",
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def data_value_sets_import_csv(request: HttpRequest, options: Query[ImportOptions]) -> Any:
    return _import(request, dhis2.rows_from_csv(_body_text(request)), options, "dataValueSets.csv")


def _export_args(
    request: HttpRequest,
    dataSet: str | None,
    orgUnit: str | None,
    period: str | None,
    startDate: dt.date | None,
    endDate: dt.date | None,
    children: bool,
    dataElement: str | None,
) -> dict[str, Any]:
    codes = _split(orgUnit)
    if not codes:
        raise ValidationError(_("Give orgUnit (a unit code)."), fields={"orgUnit": _("Required.")})
    form = selectors.form_get(code=dataSet, for_user=request.user) if dataSet else None
    units = [unit_get(code=c, for_user=request.user) for c in codes]
    pes = _split(period)
    selectors.parse_periods(pes)
    return {
        "for_user": request.user,
        "units": units,
        "children": children,
        "form": form,
        "indicators": _split(dataElement),
        "periods": pes,
        "start": startDate,
        "end": endDate,
    }


@router.get("/dataValueSets", summary="Stored data values as DHIS2 dataValueSets JSON")
def data_value_sets_export(
    request: HttpRequest,
    orgUnit: str | None = None,
    dataSet: str | None = None,
    period: str | None = None,
    startDate: dt.date | None = None,
    endDate: dt.date | None = None,
    children: bool = True,
    dataElement: str | None = None,
) -> Any:
    args = _export_args(request, dataSet, orgUnit, period, startDate, endDate, children, dataElement)
    accept = (request.headers.get("Accept") or "").lower()
    if "adx" in accept:
        return _xml_response(dhis2_xml.to_adx(dhis2.export_values(**args), data_set=dataSet or ""), "adx")
    if "xml" in accept and "json" not in accept:
        return _xml_response(dhis2_xml.to_dxf2(dhis2.export_values(**args), data_set=dataSet or ""), "xml")
    return dhis2.to_json(dhis2.export_values(**args), data_set=dataSet or "")


def _xml_response(chunks: Any, kind: str) -> StreamingHttpResponse:
    content_type = dhis2_xml.ADX_CONTENT_TYPE if kind == "adx" else "application/xml"
    response = StreamingHttpResponse(chunks, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dataValueSets.{kind}.xml"'
    return response


@router.get("/dataValueSets.xml", summary="Stored data values as DHIS2 DXF2 XML")
def data_value_sets_export_xml(
    request: HttpRequest,
    orgUnit: str | None = None,
    dataSet: str | None = None,
    period: str | None = None,
    startDate: dt.date | None = None,
    endDate: dt.date | None = None,
    children: bool = True,
    dataElement: str | None = None,
) -> StreamingHttpResponse:
    args = _export_args(request, dataSet, orgUnit, period, startDate, endDate, children, dataElement)
    return _xml_response(dhis2_xml.to_dxf2(dhis2.export_values(**args), data_set=dataSet or ""), "xml")


@router.get("/dataValueSets.adx", summary="Stored data values as ADX (application/adx+xml)")
def data_value_sets_export_adx(
    request: HttpRequest,
    orgUnit: str | None = None,
    dataSet: str | None = None,
    period: str | None = None,
    startDate: dt.date | None = None,
    endDate: dt.date | None = None,
    children: bool = True,
    dataElement: str | None = None,
) -> StreamingHttpResponse:
    args = _export_args(request, dataSet, orgUnit, period, startDate, endDate, children, dataElement)
    return _xml_response(dhis2_xml.to_adx(dhis2.export_values(**args), data_set=dataSet or ""), "adx")


@router.get("/dataValueSets.csv", summary="Stored data values as DHIS2 CSV")
def data_value_sets_export_csv(
    request: HttpRequest,
    orgUnit: str | None = None,
    dataSet: str | None = None,
    period: str | None = None,
    startDate: dt.date | None = None,
    endDate: dt.date | None = None,
    children: bool = True,
    dataElement: str | None = None,
) -> StreamingHttpResponse:
    args = _export_args(request, dataSet, orgUnit, period, startDate, endDate, children, dataElement)
    response = StreamingHttpResponse(
        dhis2.to_csv(dhis2.export_values(**args)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="dataValueSets.csv"'
    return response


@router.get("/analytics", summary="Aggregated values per indicator and period for each unit's subtree")
def analytics(request: HttpRequest, dx: str, ou: str, pe: str) -> dict[str, Any]:
    result = selectors.analytics(
        for_user=request.user, indicators=_split(dx), units=_split(ou), periods=_split(pe)
    )
    rows = []
    values = []
    for ind in result.indicators:
        for unit in result.units:
            for p in result.periods:
                v = result.values.get((ind.code, unit.code, p.id))
                values.append({"dx": ind.code, "ou": unit.code, "pe": p.id, "value": v})
                if v is not None:
                    rows.append([ind.code, p.id, unit.code, _num(v)])
    return {
        "headers": [
            {"name": "dx", "column": "Data"},
            {"name": "pe", "column": "Period"},
            {"name": "ou", "column": "Organisation unit"},
            {"name": "value", "column": "Value"},
        ],
        "rows": rows,
        "values": values,
        "metaData": {
            "items": {
                **{i.code: {"name": i.name} for i in result.indicators},
                **{u.code: {"name": u.name} for u in result.units},
                **{p.id: {"name": p.label()} for p in result.periods},
            },
            "dimensions": {
                "dx": [i.code for i in result.indicators],
                "ou": [u.code for u in result.units],
                "pe": [p.id for p in result.periods],
            },
        },
    }


def _num(v: float) -> str:
    """DHIS2 writes analytics values as strings: integers without a decimal point."""
    return str(int(v)) if v == int(v) else f"{v:.6g}" if abs(v) < 1e6 else repr(v)


def _unit_ref(s: selectors.UnitStatus) -> dict[str, Any]:
    return {
        "code": s.code,
        "name": s.name,
        "status": s.status,
        "days_late": s.days_late,
        "submitted_at": s.submitted_at,
    }


@router.get(
    "/completeness", response=CompletenessOut, summary="Who reported a form for a period, on time or late"
)
def completeness(request: HttpRequest, form: str, ou: str, pe: str) -> dict[str, Any]:
    f = selectors.form_get(code=form, for_user=request.user)
    unit = unit_get(code=ou, for_user=request.user)
    c = selectors.completeness(form=f, unit=unit, period=pe, for_user=request.user)
    return {
        "form": f.code,
        "ou": unit.code,
        "period": c.period.id,
        "deadline": c.deadline,
        "overdue": c.overdue,
        "expected": len(c.expected),
        "on_time": len(c.on_time),
        "late": len(c.late),
        "missing": [_unit_ref(s) for s in c.missing],
        "missing_count": len(c.missing),
        "on_time_units": [_unit_ref(s) for s in c.on_time],
        "late_units": [_unit_ref(s) for s in c.late],
        "rate": round(c.rate, 1),
    }


def _sheet(
    request: HttpRequest, form_code: str, unit_code: str, period: str, warnings: list[str]
) -> dict[str, Any]:
    form = selectors.form_get(code=form_code, for_user=request.user)
    unit = unit_get(code=unit_code, for_user=request.user)
    sheet = selectors.entry_sheet(form=form, unit=unit, period=period, for_user=request.user)
    return {
        "form": form.code,
        "unit": unit.code,
        "period": sheet.period.id,
        "status": sheet.report.status if sheet.report else "",
        "editable": sheet.editable,
        "deadline": sheet.deadline,
        "reason": sheet.report.reason if sheet.report else "",
        "fields": [
            {
                "key": f.key,
                "indicator": f.indicator.code,
                "option": f.option.code if f.option else None,
                "name": f.indicator.name if f.option is None else f"{f.indicator.name} ({f.option.name})",
                "value": f.value,
                "previous": f.previous,
                "required": f.required,
            }
            for f in sheet.fields
        ],
        "computed": {ind.code: v for ind, v in sheet.computed},
        "warnings": warnings,
    }


@router.get(
    "/reports/{form}/{unit}/{period}", response=SheetOut, summary="One unit's values of a form for a period"
)
def report_sheet(request: HttpRequest, form: str, unit: str, period: str) -> dict[str, Any]:
    return _sheet(request, form, unit, period, [])


@router.put(
    "/reports/{form}/{unit}/{period}", response=SheetOut, summary="Save values (a draft); all or nothing"
)
def report_save(request: HttpRequest, form: str, unit: str, period: str, payload: ValuesIn) -> dict[str, Any]:
    f = selectors.form_get(code=form, for_user=request.user)
    u = unit_get(code=unit, for_user=request.user)
    result = services.report_values_save(
        form=f,
        unit=u,
        period=period,
        values=payload.values,
        comments=payload.comments,
        by=request.user,
        dialect=V.EXCHANGE,
    )
    return _sheet(request, form, unit, period, result.warnings)


def _report(request: HttpRequest, form: str, unit: str, period: str, *, create: bool = False) -> Report:
    f = selectors.form_get(code=form, for_user=request.user)
    u = unit_get(code=unit, for_user=request.user)
    report = selectors.report_get(form=f, unit=u, period=period, for_user=request.user)
    if report is None:
        if not create:
            raise NotFound(_("This unit has no report of this form for this period yet."))
        report = services.report_open(form=f, unit=u, period=period, by=request.user)
    return report


@router.post("/reports/{form}/{unit}/{period}/submit", response=SheetOut, summary="Submit for approval")
def report_submit(request: HttpRequest, form: str, unit: str, period: str) -> dict[str, Any]:
    services.report_submit(report=_report(request, form, unit, period, create=True), by=request.user)
    return _sheet(request, form, unit, period, [])


@router.post(
    "/reports/{form}/{unit}/{period}/approve", response=SheetOut, summary="Approve (the parent's approver)"
)
def report_approve(request: HttpRequest, form: str, unit: str, period: str) -> dict[str, Any]:
    services.report_approve(report=_report(request, form, unit, period), by=request.user)
    return _sheet(request, form, unit, period, [])


@router.post("/reports/{form}/{unit}/{period}/return", response=SheetOut, summary="Return with a reason")
def report_return(
    request: HttpRequest, form: str, unit: str, period: str, payload: ReasonIn
) -> dict[str, Any]:
    services.report_return(
        report=_report(request, form, unit, period), reason=payload.reason, by=request.user
    )
    return _sheet(request, form, unit, period, [])


@router.post(
    "/reports/{form}/{unit}/{period}/reopen",
    response=SheetOut,
    summary="Reopen (an approver at or above the level that approved it)",
)
def report_reopen(
    request: HttpRequest, form: str, unit: str, period: str, payload: ReasonIn
) -> dict[str, Any]:
    services.report_reopen(
        report=_report(request, form, unit, period), reason=payload.reason, by=request.user
    )
    return _sheet(request, form, unit, period, [])
