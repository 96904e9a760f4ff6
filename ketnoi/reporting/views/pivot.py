"""Roll-up views: pick a subtree, periods and indicators; pivot tables with their charts; XLSX and CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting import charts, selectors, ui_selectors, xlsx
from ketnoi.reporting.models import Indicator, PeriodType, ReportForm
from ketnoi.reporting.periods import current_period
from ketnoi.reporting.views.common import fmt_number, get_unit

MAX_PERIODS = 60
MAX_INDICATORS = 20
UNITS = "units"
INDICATORS = "indicators"


@dataclass
class PivotTable:
    title: str
    corner: str
    col_labels: list[str]
    rows: list[tuple[str, list[float | None]]]
    total: tuple[str, list[float | None]] | None
    decimals: list[int]
    chart: dict[str, Any]
    dom_id: str = "chart"

    @property
    def has_data(self) -> bool:
        cells = [v for _label, values in self.rows for v in values]
        if self.total is not None:
            cells.extend(self.total[1])
        return any(v is not None for v in cells)

    def shown(self) -> list[tuple[str, list[str]]]:
        return [(label, [self._fmt(i, v) for i, v in enumerate(values)]) for label, values in self.rows]

    def shown_total(self) -> tuple[str, list[str]] | None:
        if self.total is None:
            return None
        return self.total[0], [self._fmt(i, v) for i, v in enumerate(self.total[1])]

    def _fmt(self, col: int, value: float | None) -> str:
        decimals = self.decimals[col] if col < len(self.decimals) else 0
        return fmt_number(value, decimals if decimals else None)

    def as_export(self) -> xlsx.Table:
        return xlsx.Table(
            title=self.title,
            headings=[self.corner, *self.col_labels],
            rows=[[label, *values] for label, values in self.rows],
            total=[self.total[0], *self.total[1]] if self.total else None,
        )


def _period_list(
    period_type: str, start_id: str, end_id: str, form: ReportForm | None = None
) -> list[P.Period]:
    periods = selectors.parse_periods([start_id, end_id])
    start, end = sorted(periods)
    span, anchor = (form.span_years, form.span_anchor) if form is not None else (1, None)
    found = P.between(
        period_type, start.start, end.end, span_years=span, anchor=anchor, limit=MAX_PERIODS + 2
    )
    found = [p for p in found if start.start <= p.start and p.end <= end.end] or found
    if len(found) > MAX_PERIODS:
        raise ValidationError(
            _("Choose at most %(n)d periods at a time.") % {"n": MAX_PERIODS},
            fields={"end": _("Too many periods.")},
        )
    return found


def _defaults(form: ReportForm | None, today: dt.date) -> tuple[str, str, str]:
    if form is not None and form.period_type == PeriodType.CUSTOM:
        running = current_period(form, today)
        return PeriodType.CUSTOM, running.previous().previous().id, running.previous().id
    period_type = form.period_type if form is not None else "quarterly"
    last = P.for_date(period_type, today).previous()
    first = last
    for _i in range(5 if period_type != "yearly" else 3):
        first = first.previous()
    return period_type, first.id, last.id


def _is_custom(form: ReportForm | None) -> bool:
    return form is not None and form.period_type == PeriodType.CUSTOM


@login_required
def pivot(request: HttpRequest) -> HttpResponse:
    user = request.user
    forms = selectors.form_list(for_user=user)
    form_code = request.GET.get("form") or (forms[0].code if forms else "")
    form = next((f for f in forms if f.code == form_code), None)
    if form_code and form is None:
        form = selectors.form_get(code=form_code, for_user=user)
    visible = selectors.indicator_list(for_user=user)
    if form is not None:
        choices = [it.indicator for it in form.items.select_related("indicator").order_by("sort_order", "id")]
        allowed = set(visible.values_list("pk", flat=True))
        choices = [i for i in choices if i.pk in allowed]
    else:
        choices = list(visible[:200])
    codes = [c for c in request.GET.getlist("dx") if c][:MAX_INDICATORS] or [i.code for i in choices[:3]]
    allowed_codes = {i.code for i in visible.filter(code__in=codes)}
    codes = [c for c in codes if c in allowed_codes]
    default_type, default_start, default_end = _defaults(form, timezone.localdate())
    period_type = request.GET.get("pt") or default_type
    allowed_types = [k for k, _v in PeriodType.choices if k != PeriodType.CUSTOM or _is_custom(form)]
    if period_type not in allowed_types:
        period_type = default_type
    start_id = request.GET.get("start") or default_start
    end_id = request.GET.get("end") or default_end
    layout = request.GET.get("layout") or UNITS
    if layout not in (UNITS, INDICATORS):
        layout = UNITS
    unit_code = request.GET.get("ou")
    root = get_unit(request, unit_code) if unit_code else ui_selectors.default_root(user, form)
    periods: list[P.Period] = []
    tables: list[PivotTable] = []
    problem = ""
    try:
        periods = _period_list(period_type, start_id, end_id, form if _is_custom(form) else None)
    except ValidationError as exc:
        problem = str(exc.message)
    if root is not None and codes and periods:
        tables = build_tables(user, root=root, codes=codes, periods=periods, layout=layout)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv") and tables:
        return _export(fmt, tables, root, periods)
    context = {
        "forms": forms,
        "form": form,
        "choices": choices,
        "codes": codes,
        "period_type": period_type,
        "period_types": [(k, v) for k, v in PeriodType.choices if k in allowed_types],
        "start": start_id,
        "end": end_id,
        "layout": layout,
        "root": root,
        "roots": ui_selectors.summary_units(user),
        "tables": tables,
        "problem": problem,
        "query": request.GET.urlencode(),
        "now": timezone.localtime(),
    }
    return render(request, "reporting/pivot.html", context)


def build_tables(
    user: Any, *, root: Any, codes: list[str], periods: list[P.Period], layout: str
) -> list[PivotTable]:
    """The pivot tables of the selection; every figure comes from the engine's roll-up."""
    ids = [p.id for p in periods]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    tables: list[PivotTable] = []
    if layout == UNITS:
        units, values = ui_selectors.units_by_periods(for_user=user, unit=root, codes=codes, periods=periods)
        col_labels = [p.label() for p in periods]
        total_label = _("All of %(unit)s") % {"unit": root.name}
        for code in codes:
            ind = indicators[code]
            cells = [[values.get((u.pk, code, pid)) for pid in ids] for u in units]
            rows = [(u.name, row) for u, row in zip(units[:-1], cells[:-1], strict=True)]
            title = f"{ind.name}{' (' + ind.unit_of_measure + ')' if ind.unit_of_measure else ''}"
            tables.append(
                PivotTable(
                    title=title,
                    corner=_("Unit"),
                    col_labels=col_labels,
                    rows=rows,
                    total=(total_label, cells[-1]),
                    decimals=[ind.decimals] * len(ids),
                    chart=charts.ranked_units(
                        title=title,
                        unit_of_measure=ind.unit_of_measure,
                        additive=ind.unit_aggregation == "sum",
                        rows=rows,
                        total=cells[-1],
                        periods=periods,
                        decimals=ind.decimals,
                    ),
                )
            )
    else:
        pv = selectors.pivot_periods_by_indicators(for_user=user, unit=root, indicators=codes, periods=ids)
        rows = list(zip(pv.row_labels, pv.cells, strict=True))
        title = _("%(unit)s by period") % {"unit": root.name}
        tables.append(
            PivotTable(
                title=title,
                corner=_("Period"),
                col_labels=pv.col_labels,
                rows=rows,
                total=None,
                decimals=[indicators[c].decimals for c in codes],
                chart=charts.small_multiples(
                    title=title,
                    series=[
                        (
                            name,
                            indicators[code].unit_of_measure,
                            [r[1][i] for r in rows],
                            indicators[code].decimals,
                        )
                        for i, (code, name) in enumerate(zip(pv.col_keys, pv.col_labels, strict=True))
                    ],
                    periods=periods,
                ),
            )
        )
    for i, table in enumerate(tables, start=1):
        table.dom_id = f"chart-{i}"
    return tables


def _export(fmt: str, tables: list[PivotTable], root: Any, periods: list[P.Period]) -> HttpResponse:
    exports = [t.as_export() for t in tables]
    name = f"tong-hop_{slugify(root.code)}_{periods[0].id}-{periods[-1].id}"
    if fmt == "xlsx":
        response = HttpResponse(xlsx.tables_to_xlsx(exports), content_type=xlsx.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(xlsx.tables_to_csv(exports), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
