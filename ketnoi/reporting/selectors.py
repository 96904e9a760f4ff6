"""Every read of periodic reporting. Signatures are stable; the web UI builds on them.

Lists and look-ups (scoped to what the user may see; one object: NotFound 404 / PermissionDenied 403)
    indicator_list(*, for_user, q="") -> QuerySet[Indicator]
    form_list(*, for_user) -> list[ReportForm]               forms owned in, or reported by, the user's scope
    form_get(*, code, for_user) -> ReportForm
    form_reporting_units(form, *, under=None, day=None, tree=None) -> list[Unit]
    report_get(*, form, unit, period, for_user) -> Report | None
    report_list(*, for_user, form=None, period=None, status=None, under=None) -> QuerySet[Report]
    approvals_pending(*, for_user, form=None) -> QuerySet[Report]       submitted, awaiting the user
    entry_sheet(*, form, unit, period, for_user) -> EntrySheet         the form's fields with current and
                                                                        previous-period values
Completeness
    completeness(*, form, unit, period, for_user, today=None, tree=None) -> Completeness
Roll-up and analytics (figures for a subtree as it stood in each period; values count at once)
    aggregate(*, indicators, unit, periods, option=None) -> dict[(code, period_id), float | None]
    analytics(*, for_user, indicators: Sequence[str], units: Sequence[str], periods: Sequence[str],
              by_option=False) -> Analytics
    pivot_units_by_periods(*, for_user, indicator, unit, periods) -> Pivot   (unit and its children)
    pivot_periods_by_indicators(*, for_user, unit, indicators, periods) -> Pivot
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.exceptions import NotFound, PermissionDenied, ValidationError
from ketnoi.lib import periods as P
from ketnoi.lib.vn_text import fold, sort_key
from ketnoi.reporting import expressions, rollup
from ketnoi.reporting.models import (
    Aggregation,
    DataValue,
    DisaggregationOption,
    FormIndicator,
    Indicator,
    Report,
    ReportForm,
    ReportStatus,
    Rollup,
    RollupPeriod,
)
from ketnoi.reporting.periods import read_period
from ketnoi.units import selectors as unit_selectors
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

# ----------------------------------------------------------------------------------------------- lists


def indicator_list(*, for_user: Actor, q: str = "") -> QuerySet[Indicator]:
    qs = Indicator.objects.filter(Q(owner__isnull=True) | permissions.scope_q(for_user, "view", "owner"))
    if not permissions.can_any(for_user, "view"):
        return qs.none()
    if q:
        for word in fold(q).split():
            qs = qs.filter(Q(code__icontains=word) | Q(name__icontains=word))
    return qs.select_related("disaggregation", "weight").order_by("code")


def form_list(*, for_user: Actor) -> list[ReportForm]:
    """Forms the user may see: owned by a unit in their scope, or reported by one."""
    if not permissions.can_any(for_user, "view"):
        return []
    owned = ReportForm.objects.filter(permissions.scope_q(for_user, "view", "owner"))
    reported = ReportForm.objects.filter(units__in=Unit.objects.filter(permissions.scope_q(for_user, "view")))
    ids = set(owned.values_list("pk", flat=True)) | set(reported.values_list("pk", flat=True))
    forms = list(ReportForm.objects.filter(pk__in=ids).select_related("owner"))
    return sorted(forms, key=lambda f: sort_key(f.name))


def _may_see_form(user: Actor, form: ReportForm) -> bool:
    if permissions.can(user, "view", form.owner):
        return True
    return form.units.filter(permissions.scope_q(user, "view")).exists()


def form_get(*, code: str, for_user: Actor) -> ReportForm:
    try:
        form = ReportForm.objects.select_related("owner").get(code=code)
    except ReportForm.DoesNotExist as exc:
        raise NotFound() from exc
    if not _may_see_form(for_user, form):
        raise PermissionDenied()
    return form


def form_reporting_units(
    form: ReportForm,
    *,
    under: Unit | None = None,
    day: dt.date | None = None,
    tree: dict[int, unit_selectors.UnitOnDate] | None = None,
) -> list[Unit]:
    """The form's reporting units (in ``under``'s subtree as of ``day`` when given), in tree order.

    ``tree``: ``units.selectors.tree_as_of(day)`` when the caller has it already (read once per request).
    """
    qs = form.units.all()
    if under is not None:
        if day is not None:
            qs = qs.filter(pk__in=unit_selectors.subtree_ids_as_of(under, day, tree))
        else:
            qs = qs.filter(path__startswith=under.path)
    if day is not None:
        qs = qs.filter(unit_selectors.existing_q(day))
    return list(qs.order_by("path"))


def report_get(*, form: ReportForm, unit: Unit, period: str, for_user: Actor) -> Report | None:
    if not permissions.can(for_user, "view", unit):
        raise PermissionDenied()
    return Report.objects.filter(form=form, unit=unit, period=period).first()


def report_list(
    *,
    for_user: Actor,
    form: ReportForm | None = None,
    period: str | None = None,
    status: str | None = None,
    under: Unit | None = None,
) -> QuerySet[Report]:
    qs = Report.objects.filter(permissions.scope_q(for_user, "view", "unit")).select_related("form", "unit")
    if form is not None:
        qs = qs.filter(form=form)
    if period:
        qs = qs.filter(period=period)
    if status:
        qs = qs.filter(status=status)
    if under is not None:
        qs = qs.filter(unit__path__startswith=under.path)
    return qs.order_by("-period_end", "unit__path")


def approvals_pending(*, for_user: Actor, form: ReportForm | None = None) -> QuerySet[Report]:
    """Submitted reports of units whose parent the user may approve for (strictly below their scope roots)."""
    paths = [u.path for u in permissions.top_units(for_user, "approve")]
    if not paths:
        return Report.objects.none()
    q = Q()
    for path in paths:
        q |= Q(unit__path__startswith=path, unit__depth__gt=len(path) // Unit.steplen)
    if permissions.is_system_admin(for_user):
        q = Q()
    qs = Report.objects.filter(q, status=ReportStatus.SUBMITTED).select_related("form", "unit")
    if form is not None:
        qs = qs.filter(form=form)
    return qs.order_by("submitted_at")


# ---------------------------------------------------------------------------------------- entry sheet


@dataclass
class EntryField:
    key: str  # name of the input: code, or code.option
    indicator: Indicator
    option: DisaggregationOption | None
    section: str
    required: bool
    value: str  # as stored ("" when empty)
    previous: str  # the unit's value in the previous period
    comment: str = ""


@dataclass
class EntrySheet:
    form: ReportForm
    unit: Unit
    period: P.Period
    previous_period: P.Period
    report: Report | None
    fields: list[EntryField]
    computed: list[tuple[Indicator, float | None]]
    editable: bool
    deadline: dt.date


def entry_sheet(*, form: ReportForm, unit: Unit, period: str, for_user: Actor) -> EntrySheet:
    """What the data-entry screen and the XLSX template show for one unit and period."""
    from ketnoi.reporting.periods import form_deadline, form_period
    from ketnoi.reporting.values import value_key

    if not permissions.can(for_user, "view", unit):
        raise PermissionDenied()
    p = form_period(form, period)
    prev = p.previous()
    items = list(
        FormIndicator.objects.filter(form=form).select_related("indicator").order_by("sort_order", "id")
    )
    opts: dict[int, list[DisaggregationOption]] = defaultdict(list)
    for o in DisaggregationOption.objects.filter(
        disaggregation_id__in={
            it.indicator.disaggregation_id for it in items if it.indicator.disaggregation_id
        }
    ).order_by("sort_order", "id"):
        opts[o.disaggregation_id].append(o)
    values: dict[tuple[int, int | None, str], tuple[str, str]] = {
        (ind, opt, pid): (value, comment)
        for ind, opt, pid, value, comment in DataValue.objects.filter(
            unit=unit, period__in=[p.id, prev.id], indicator_id__in=[it.indicator_id for it in items]
        ).values_list("indicator_id", "option_id", "period", "value", "comment")
    }
    fields: list[EntryField] = []
    numbers: dict[str, float | None] = {}
    for it in items:
        ind = it.indicator
        if ind.is_computed:
            continue
        for opt in opts[ind.disaggregation_id] if ind.disaggregation_id else [None]:
            oid = opt.pk if opt else None
            value, comment = values.get((ind.pk, oid, p.id), ("", ""))
            previous = values.get((ind.pk, oid, prev.id), ("", ""))[0]
            fields.append(
                EntryField(value_key(ind, opt), ind, opt, it.section, it.required, value, previous, comment)
            )
            try:
                if value and ind.is_numeric:
                    numbers[ind.code] = (numbers.get(ind.code) or 0.0) + (
                        1.0 if value == "true" else 0.0 if value == "false" else float(value)
                    )
            except ValueError:
                pass
    computed = [
        (it.indicator, expressions.evaluate(it.indicator.formula, numbers))
        for it in items
        if it.indicator.is_computed
    ]
    report = Report.objects.filter(form=form, unit=unit, period=p.id).first()
    editable = permissions.can(for_user, "enter_data", unit) and (report is None or report.is_editable)
    return EntrySheet(form, unit, p, prev, report, fields, computed, editable, form_deadline(form, p))


# ---------------------------------------------------------------------------------------- completeness


@dataclass
class UnitStatus:
    unit_id: int
    code: str
    name: str
    status: str  # on_time | late | missing | draft | returned
    report_status: str  # draft/submitted/approved/returned or ""
    submitted_at: dt.datetime | None
    days_late: int  # days after the deadline (submission, or today when missing and overdue)

    @property
    def submitted(self) -> bool:
        """The unit has submitted for the period (on time or late)."""
        return self.status in ("on_time", "late")


@dataclass
class Completeness:
    form: ReportForm
    unit: Unit
    period: P.Period
    deadline: dt.date
    overdue: bool  # the deadline has passed
    expected: list[UnitStatus] = field(default_factory=list)

    @property
    def on_time(self) -> list[UnitStatus]:
        return [s for s in self.expected if s.status == "on_time"]

    @property
    def late(self) -> list[UnitStatus]:
        return [s for s in self.expected if s.status == "late"]

    @property
    def missing(self) -> list[UnitStatus]:
        return [s for s in self.expected if not s.submitted]

    @property
    def rate(self) -> float:
        """Share of expected units that submitted (on time or late), in percent."""
        n = len(self.expected)
        return 100.0 * (len(self.on_time) + len(self.late)) / n if n else 0.0

    @property
    def timely_rate(self) -> float:
        n = len(self.expected)
        return 100.0 * len(self.on_time) / n if n else 0.0


def completeness(
    *,
    form: ReportForm,
    unit: Unit,
    period: str,
    for_user: Actor,
    today: dt.date | None = None,
    tree: dict[int, unit_selectors.UnitOnDate] | None = None,
) -> Completeness:
    """Which reporting units of ``unit``'s subtree (as it then stood) reported on time, late or not at all.

    ``tree``: ``units.selectors.tree_as_of`` of the period's last day when the caller has it already; the
    whole tree is otherwise read once here (a province's tree holds thousands of units).
    """
    from ketnoi.reporting.periods import form_deadline, form_period

    if not permissions.can(for_user, "view", unit):
        raise PermissionDenied()
    p = form_period(form, period)
    today = today or timezone.localdate()
    deadline = form_deadline(form, p)
    tree = tree if tree is not None else unit_selectors.tree_as_of(p.end)
    # Three columns of the units and three of the reports, not model instances: a province's page reads
    # thousands of rows (``form_reporting_units`` is the same rule for callers that need the units). A large
    # subtree is matched here rather than sent to the database as a list of thousands of ids.
    members = unit_selectors.subtree_ids_as_of(unit, p.end, tree)
    large = len(members) > 200
    units_qs = form.units.filter(unit_selectors.existing_q(p.end)).order_by("path")
    reports_qs = Report.objects.filter(form=form, period=p.id)
    if not large:
        units_qs = units_qs.filter(pk__in=members)
        reports_qs = reports_qs.filter(unit_id__in=members)
    units = [row for row in units_qs.values_list("pk", "code", "name") if row[0] in members]
    reports = {
        unit_id: (status, submitted_at)
        for unit_id, status, submitted_at in reports_qs.values_list("unit_id", "status", "submitted_at")
        if unit_id in members
    }
    result = Completeness(form, unit, p, deadline, today > deadline)
    missing_late = max(0, (today - deadline).days)
    done = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
    for pk, code, own_name in units:
        node = tree.get(pk)
        name = node.name if node is not None else own_name
        status, submitted_at = reports.get(pk, ("", None))
        if status in done and submitted_at:
            late = max(0, (timezone.localtime(submitted_at).date() - deadline).days)
            result.expected.append(
                UnitStatus(pk, code, name, "late" if late else "on_time", status, submitted_at, late)
            )
        else:
            result.expected.append(
                UnitStatus(pk, code, name, status or "missing", status, None, missing_late)
            )
    return result


# ------------------------------------------------------------------------------------------ aggregation


def _time_aggregate(kind: str, series: list[tuple[P.Period, float]], asked: P.Period) -> float | None:
    if not series:
        return None
    series.sort(key=lambda x: x[0].start)
    values = [v for _p, v in series]
    if kind == Aggregation.SUM:
        return sum(values)
    if kind in (Aggregation.AVERAGE, Aggregation.AVERAGE_WEIGHTED):
        return sum(values) / len(values)
    if kind == Aggregation.LAST:
        return values[-1]
    if kind == Aggregation.MIN:
        return min(values)
    if kind == Aggregation.MAX:
        return max(values)
    # NONE: only a period asked exactly as stored.
    exact = [v for p, v in series if p.id == asked.id]
    return exact[0] if exact else None


def _raw_by_period(
    ind: Indicator, unit: Unit, span: tuple[dt.date, dt.date], option_id: int | None
) -> dict[str, list[tuple[int, float]]]:
    """Slow path (min/max/weighted over units): (unit id, number) of the subtree per stored period."""
    out: dict[str, list[tuple[int, float]]] = defaultdict(list)
    qs = DataValue.objects.filter(
        indicator=ind, period_start__gte=span[0], period_end__lte=span[1], number__isnull=False
    )
    if option_id:
        qs = qs.filter(option_id=option_id)
    by_period: dict[str, list[tuple[int, float]]] = defaultdict(list)
    # Candidates: today's subtree plus anything that was under the unit then; filter per period below.
    for pid, uid, number in qs.values_list("period", "unit_id", "number"):
        by_period[pid].append((uid, number or 0.0))
    for pid, rows in by_period.items():
        members = unit_selectors.subtree_ids_as_of(unit, P.parse(pid).end)
        per_unit: dict[int, float] = defaultdict(float)
        for uid, number in rows:
            if uid in members:
                per_unit[uid] += number
        out[pid] = list(per_unit.items())
    return out


def _cells(
    unit_id: int, indicator_ids: list[int], start: dt.date, end: dt.date, option: int | None
) -> tuple[list[tuple[int, str, float, int, float, int]], list[str]]:
    """The roll-up rows of the unit and the unit's own values per indicator and period, and the ids of
    stale roll-up periods in the span; on PostgreSQL in one round trip."""
    ops = connection.ops
    a, b = ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)
    marks = ", ".join(["%s"] * max(1, len(indicator_ids)))
    ids = indicator_ids or [0]
    own_option = "AND option_id = %s" if option else ""
    statements: list[tuple[str, list[Any]]] = [
        (
            f"SELECT 0, indicator_id, period, total, n FROM {Rollup._meta.db_table} "  # noqa: S608 - model table
            f"WHERE ancestor_id = %s AND option_id = %s AND indicator_id IN ({marks}) "
            "AND period_start >= %s AND period_end <= %s",
            [unit_id, option or 0, *ids, a, b],
        ),
        (
            f"SELECT 1, indicator_id, period, number, 1 FROM {DataValue._meta.db_table} "  # noqa: S608 - model table
            f"WHERE unit_id = %s AND indicator_id IN ({marks}) AND period_start >= %s AND period_end <= %s "
            f"AND number IS NOT NULL {own_option}",
            [unit_id, *ids, a, b, *([option] if option else [])],
        ),
        (
            f"SELECT 2, 0, period, 0, 0 FROM {RollupPeriod._meta.db_table} "  # noqa: S608 - model table
            "WHERE built = %s AND period_end >= %s AND period_end <= %s",
            [False, a, b],
        ),
    ]
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One round trip: on a busy server each one costs more than the queries themselves.
            cursor.execute(
                " UNION ALL ".join(sql for sql, _p in statements), [p for _s, ps in statements for p in ps]
            )
            rows = cursor.fetchall()
        else:
            # SQLite plans a UNION ALL of these far worse than each alone, and has no round trips.
            for sql, params in statements:
                cursor.execute(sql, params)
                rows += cursor.fetchall()
    cells: dict[tuple[int, str], list[float]] = {}
    stale: list[str] = []
    for kind, iid, pid, total, n in rows:
        if kind == 2:
            stale.append(pid)
            continue
        cell = cells.setdefault((iid, pid), [0.0, 0, 0.0, 0])
        cell[0] += total
        cell[1] += n
        if kind == 1:
            cell[2] += total
            cell[3] += 1
    out = [(iid, pid, c[0], int(c[1]), c[2], int(c[3])) for (iid, pid), c in cells.items()]
    return out, [pid for pid in stale if P.parse(pid).start >= start]


def aggregate(
    *, indicators: Sequence[Indicator], unit: Unit, periods: Sequence[P.Period], option: int | None = None
) -> dict[tuple[str, str], float | None]:
    """Aggregated figure of each indicator for ``unit``'s subtree in each period.

    Over units first, within each stored period (the hierarchy as it stood at that period's end),
    then over the stored periods lying inside the asked period, by the indicator's own rules.
    Computed indicators are their formula applied to the aggregated operands (a ratio of sums).
    """
    if not periods:
        return {}
    # Stored weeks count where their fourth day falls (Period.holds): read the days around the span too.
    start = min(p.start for p in periods) - dt.timedelta(days=3)
    end = max(p.end for p in periods) + dt.timedelta(days=10)
    wanted: dict[str, Indicator] = {i.code: i for i in indicators}
    # Operands of computed indicators (and weights) are aggregated too.
    pending = [i for i in indicators if i.is_computed]
    while pending:
        ind = pending.pop()
        for code in expressions.codes(ind.formula):
            if code not in wanted:
                found = Indicator.objects.filter(code=code).first()
                if found is not None:
                    wanted[code] = found
                    if found.is_computed:
                        pending.append(found)
    base = [i for i in wanted.values() if not i.is_computed]
    for ind in list(base):
        if ind.weight_id and ind.weight is not None and ind.weight.code not in wanted:
            wanted[ind.weight.code] = ind.weight
            base.append(ind.weight)
    base_ids = [i.pk for i in base]
    # Per indicator and stored period: (total, n, own total, own n) = roll-up of the units below + own value.
    cells: dict[int, dict[str, tuple[float, int, float, int]]] = defaultdict(dict)
    cell_rows, stale = _cells(unit.pk, base_ids, start, end, option)
    if stale:
        # A reorganisation touched these periods since they were last read: rebuild, then read again.
        for pid in sorted(stale):
            rollup.rebuild(pid)
        cell_rows, stale = _cells(unit.pk, base_ids, start, end, option)
    for iid, pid, total, n, own_total, own_n in cell_rows:
        cells[iid][pid] = (total, n, own_total, own_n)
    stored: dict[str, P.Period] = {}
    per_period: dict[int, dict[str, float]] = defaultdict(dict)
    for ind in base:
        ua, mine, values = ind.unit_aggregation, cells.get(ind.pk, {}), per_period[ind.pk]
        if ua == Aggregation.SUM:
            values.update({pid: c[0] for pid, c in mine.items() if c[1]})
        elif ua == Aggregation.AVERAGE:
            values.update({pid: c[0] / c[1] for pid, c in mine.items() if c[1]})
        elif ua == Aggregation.NONE:
            values.update({pid: c[2] for pid, c in mine.items() if c[3]})
        elif ua in (Aggregation.MIN, Aggregation.MAX):
            for pid, unit_rows in _raw_by_period(ind, unit, (start, end), option).items():
                nums = [v for _u, v in unit_rows]
                if nums:
                    values[pid] = min(nums) if ua == Aggregation.MIN else max(nums)
        elif ua == Aggregation.AVERAGE_WEIGHTED and ind.weight is not None:
            # Weighted averages over units need the weight's values per unit.
            weights = _raw_by_period(ind.weight, unit, (start, end), None)
            for pid, unit_rows in _raw_by_period(ind, unit, (start, end), option).items():
                w = dict(weights.get(pid, []))
                den = sum(w.get(u, 0.0) for u, _v in unit_rows)
                if den:
                    values[pid] = sum(v * w.get(u, 0.0) for u, v in unit_rows) / den
        for pid in values:
            if pid not in stored:
                stored[pid] = P.parse(pid)
    out: dict[tuple[str, str], float | None] = {}
    for asked in periods:
        inside = {pid for pid, sp in stored.items() if asked.holds(sp)}
        for ind in base:
            values = per_period[ind.pk]
            series = [(stored[pid], v) for pid, v in values.items() if pid in inside]
            if ind.time_aggregation == Aggregation.AVERAGE_WEIGHTED and ind.weight is not None:
                wser = per_period[ind.weight.pk]
                num = sum(v * wser.get(sp.id, 0.0) for sp, v in series)
                weight_sum = sum(wser.get(sp.id, 0.0) for sp, _v in series)
                out[(ind.code, asked.id)] = num / weight_sum if weight_sum else None
            else:
                out[(ind.code, asked.id)] = _time_aggregate(ind.time_aggregation, series, asked)
        for ind in wanted.values():
            if ind.is_computed:
                out[(ind.code, asked.id)] = _computed(ind, asked, out, wanted)
    requested = {i.code for i in indicators}
    return {k: v for k, v in out.items() if k[0] in requested}


def _computed(
    ind: Indicator, asked: P.Period, out: dict[tuple[str, str], float | None], wanted: dict[str, Indicator]
) -> float | None:
    operands: dict[str, float | None] = {}
    for code in expressions.codes(ind.formula):
        if (code, asked.id) not in out and code in wanted and wanted[code].is_computed:
            out[(code, asked.id)] = _computed(wanted[code], asked, out, wanted)
        operands[code] = out.get((code, asked.id))
    return expressions.evaluate(ind.formula, operands)


# ------------------------------------------------------------------------------------------- analytics


@dataclass
class Analytics:
    indicators: list[Indicator]
    units: list[Unit]
    periods: list[P.Period]
    # (indicator code, unit code, period id) -> value
    values: dict[tuple[str, str, str], float | None]

    def rows(self) -> list[tuple[str, str, str, float]]:
        return [(i, u, p, v) for (i, u, p), v in self.values.items() if v is not None]


def parse_periods(ids: Sequence[str]) -> list[P.Period]:
    return [read_period(pid, field="pe") for pid in ids]


def indicators_by_codes(codes: Sequence[str]) -> list[Indicator]:
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes).select_related("weight")}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            _("Unknown indicators: %(codes)s") % {"codes": ", ".join(unknown)},
            fields={"dx": ", ".join(unknown)},
        )
    return [found[c] for c in codes]


def analytics(
    *, for_user: Actor, indicators: Sequence[str], units: Sequence[str], periods: Sequence[str]
) -> Analytics:
    """Aggregated values per indicator, unit (its subtree) and period; units must be in the caller's scope."""
    inds = indicators_by_codes(indicators)
    unit_objs = [unit_selectors.unit_get(code=c, for_user=for_user) for c in units]
    pes = parse_periods(periods)
    values: dict[tuple[str, str, str], float | None] = {}
    for u in unit_objs:
        for (code, pid), v in aggregate(indicators=inds, unit=u, periods=pes).items():
            values[(code, u.code, pid)] = v
    return Analytics(inds, unit_objs, pes, values)


@dataclass
class Pivot:
    title: str
    row_labels: list[str]
    col_labels: list[str]
    row_keys: list[str]
    col_keys: list[str]
    cells: list[list[float | None]]
    totals: list[float | None] = field(default_factory=list)  # the first row's unit (or the whole) per column


def pivot_units_by_periods(*, for_user: Actor, indicator: str, unit: Unit, periods: Sequence[str]) -> Pivot:
    """Rows: the unit's children (today's tree) then the unit itself; columns: periods."""
    if not permissions.can(for_user, "view", unit):
        raise PermissionDenied()
    ind = indicators_by_codes([indicator])[0]
    pes = parse_periods(periods)
    children = unit_selectors.unit_children(unit, include_dissolved=True)
    rows = [*children, unit]
    cells = []
    for u in rows:
        agg = aggregate(indicators=[ind], unit=u, periods=pes)
        cells.append([agg.get((ind.code, p.id)) for p in pes])
    return Pivot(
        ind.name,
        [u.name for u in rows],
        [p.label() for p in pes],
        [u.code for u in rows],
        [p.id for p in pes],
        cells,
        cells[-1],
    )


def pivot_periods_by_indicators(
    *, for_user: Actor, unit: Unit, indicators: Sequence[str], periods: Sequence[str]
) -> Pivot:
    """Rows: periods; columns: indicators; figures for the unit's subtree."""
    if not permissions.can(for_user, "view", unit):
        raise PermissionDenied()
    inds = indicators_by_codes(indicators)
    pes = parse_periods(periods)
    agg = aggregate(indicators=inds, unit=unit, periods=pes)
    return Pivot(
        unit.name,
        [p.label() for p in pes],
        [i.name for i in inds],
        [p.id for p in pes],
        [i.code for i in inds],
        [[agg.get((i.code, p.id)) for i in inds] for p in pes],
    )
