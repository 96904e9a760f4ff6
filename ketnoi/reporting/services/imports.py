"""Bulk import of values (DHIS2 data value sets, CSV, XLSX, ADX, the page registry feed).

All-or-nothing by default (any conflict: nothing is written, DHIS2's ``atomicMode=ALL``); DHIS2's partial
import (``atomicMode=NONE``: good values in, bad ones listed as conflicts and counted as ignored) on request.
``importStrategy`` as DHIS2: ``CREATE`` (new values only), ``UPDATE`` (existing ones only),
``CREATE_AND_UPDATE`` (the default; an empty value deletes) and ``DELETE`` (the values named are deleted,
whatever value is given).
Each conflict carries DHIS2's error code (E7610 unknown data element, E7611 bad period, E7612 unknown unit,
E7613/E7634 option, E7617 unit outside the caller's units, E7619 value of the wrong type, E7632 period of
another type than the data set's, E7633 element not in the data set, E7636 unit not assigned to the data set,
E7642 values of a submitted or approved report).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ketnoi.core import permissions
from ketnoi.core.audit import security_event, stamp
from ketnoi.core.exceptions import NotAuthenticated, ValidationError
from ketnoi.lib import periods as P
from ketnoi.lib import values as V
from ketnoi.lib.vn_text import fold
from ketnoi.reporting import bulk, rollup
from ketnoi.reporting.models import (
    DataValue,
    DisaggregationOption,
    FormIndicator,
    Indicator,
    Report,
    ReportForm,
    ReportStatus,
    ValueType,
)
from ketnoi.reporting.periods import form_period
from ketnoi.reporting.services.entry import _form_items
from ketnoi.reporting.values import clean_value
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


class ImportRow(NamedTuple):
    """One value to import; element, unit and option by code (or by exact name).

    A named tuple rather than a dataclass: an import builds hundreds of thousands of them.
    """

    data_element: str
    period: str
    org_unit: str
    value: Any
    option: str = ""
    comment: str = ""
    line: int | None = None  # row or line number in the source, for messages


CREATE = "CREATE"
UPDATE = "UPDATE"
CREATE_AND_UPDATE = "CREATE_AND_UPDATE"
DELETE = "DELETE"
STRATEGIES = (CREATE, UPDATE, CREATE_AND_UPDATE, DELETE)


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    deleted: int = 0
    ignored: int = 0
    conflicts: list[dict[str, str]] = field(default_factory=list)
    partial: bool = False  # conflicts were left out and the rest written (atomicMode=NONE)
    dry_run: bool = False

    @property
    def status(self) -> str:
        if not self.conflicts:
            return "SUCCESS"
        return "WARNING" if self.partial else "ERROR"

    def as_dhis2(self) -> dict[str, Any]:
        if self.status == "ERROR":
            description = _("Nothing was imported: every conflict is listed.")
        elif self.status == "WARNING":
            description = _("Imported except the values listed as conflicts.")
        else:
            description = _("Import process completed successfully")
        return {
            "responseType": "ImportSummary",
            "status": self.status,
            "description": description,
            "dryRun": self.dry_run,
            "importCount": {
                "imported": self.imported,
                "updated": self.updated,
                "ignored": self.ignored,
                "deleted": self.deleted,
            },
            "conflicts": self.conflicts,
            "dataSetComplete": "false",
        }


class ImportRejected(ValidationError):
    """An import with conflicts: nothing was written. ``summary.conflicts`` lists every problem."""

    def __init__(self, summary: ImportSummary, source: str = "") -> None:
        self.summary = summary
        first = summary.conflicts[:20]
        super().__init__(
            _("%(source)s: %(n)d problem(s) found; nothing was imported.")
            % {"source": source or _("The import"), "n": len(summary.conflicts)},
            fields={c["object"]: c["value"] for c in first},
        )


def _lookup(model_rows: list[tuple[int, str, str]], *, names: bool = True) -> dict[str, int]:
    """code and folded name -> id (a name shared by two rows is ambiguous and left out)."""
    by_code: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for pk, code, name in model_rows:
        by_code[code] = pk
        by_code[code.upper()] = pk
        if names:
            by_name.setdefault(fold(name), []).append(pk)
    for key, pks in by_name.items():
        if len(pks) == 1:
            by_code.setdefault(key, pks[0])
    return by_code


def _chunks(items: Sequence[Any], size: int = 2000) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _find(table: dict[str, int], text: str) -> int | None:
    t = text.strip()
    return table.get(t) or table.get(t.upper()) or table.get(fold(t))


# (indicator, unit, period, option) -> (row, stored text, number)
Cleaned = dict[tuple[int, int, str, int | None], tuple[ImportRow, str, float | None]]
# unit id -> (code, name, path, valid_from, valid_to)
UnitInfo = dict[int, tuple[Any, ...]]


def _import_units(texts: set[str]) -> tuple[UnitInfo, dict[str, int | None]]:
    """The units named in an import (by code, else by exact name) and what each text resolves to."""
    names = sorted({t.strip() for t in texts})
    cols = ("id", "code", "name", "path", "valid_from", "valid_to")
    info: UnitInfo = {}
    for chunk in _chunks(sorted(set(names) | {n.upper() for n in names})):
        info.update({r[0]: r[1:] for r in Unit.objects.filter(code__in=chunk).values_list(*cols)})
    table = _lookup([(pk, i[0], i[1]) for pk, i in info.items()], names=False)
    unresolved = [n for n in names if _find(table, n) is None]
    if unresolved:
        for chunk in _chunks(sorted({fold(n) for n in unresolved})):
            found = {r[0]: r[1:] for r in Unit.objects.filter(name_folded__in=chunk).values_list(*cols)}
            info.update(found)
            table.update(_lookup([(pk, i[0], i[1]) for pk, i in found.items()]))
    return info, {t: _find(table, t) for t in texts}


class _DataSetChecks:
    """DHIS2's checks of a value against the data set a payload names (here: a form)."""

    def __init__(self, form: ReportForm) -> None:
        self.form = form
        self.indicators = set(FormIndicator.objects.filter(form=form).values_list("indicator_id", flat=True))
        self.units = set(form.units.values_list("pk", flat=True))
        self.periods: dict[str, bool] = {}

    def check(self, row: ImportRow, ind: Indicator, unit_id: int, p: P.Period, conflict: Any) -> bool:
        form = self.form
        if ind.pk not in self.indicators:
            message = _("%(name)s is not in the form %(form)s.") % {"name": ind.name, "form": form.name}
            conflict(row, ind.code, message, "E7633")
            return False
        if unit_id not in self.units:
            message = _("%(unit)s does not report the form %(form)s.") % {
                "unit": row.org_unit,
                "form": form.name,
            }
            conflict(row, row.org_unit, message, "E7636")
            return False
        if p.id not in self.periods:
            try:
                form_period(form, p.id)
                self.periods[p.id] = True
            except ValidationError:
                self.periods[p.id] = False
        if not self.periods[p.id]:
            message = _("The form %(form)s is reported per %(type)s; %(period)s is not such a period.") % {
                "form": form.name,
                "type": form.get_period_type_display().lower(),
                "period": row.period,
            }
            conflict(row, row.period, message, "E7632")
            return False
        return True


@permissions.gated
@transaction.atomic
def values_import(
    *,
    rows: Sequence[ImportRow],
    by: Actor,
    source: str = "",
    dry_run: bool = False,
    dialect: V.Dialect = V.EXCHANGE,
    strategy: str = CREATE_AND_UPDATE,
    atomic: bool = True,
    data_set: ReportForm | None = None,
) -> ImportSummary:
    """Import values given by codes (or names): all-or-nothing unless ``atomic=False``, one summary in
    DHIS2's shape; ``strategy`` is DHIS2's importStrategy; ``data_set`` (a form) adds DHIS2's data set checks.

    Values are read in ``dialect`` (``ketnoi.lib.values``): ``EXCHANGE`` for the API and files of machines.

    Each row is checked for a known element, unit, period and option, the caller's ``enter_data``
    right on the unit, an unlocked report, and a valid value; any problem rejects the whole import.
    Codes, periods, rights and unit lifetimes are resolved once per distinct text, not per row.
    """
    if by is None:
        raise NotAuthenticated()
    if strategy not in STRATEGIES:
        raise ValidationError(
            _("importStrategy must be one of %(list)s.") % {"list": ", ".join(STRATEGIES)},
            fields={"importStrategy": strategy[:40]},
        )
    summary = ImportSummary(dry_run=dry_run)
    src = source or _("The import")
    refused_rows: set[int] = set()

    def conflict(row: ImportRow, obj: str, message: str, code: str = "") -> None:
        where_ = _("line %(n)d") % {"n": row.line} if row.line is not None else ""
        text = f"{src}, {where_}: {message}" if where_ else f"{src}: {message}"
        item = {"object": f"{row.line or len(summary.conflicts) + 1}:{obj}", "value": text}
        if code:
            item["errorCode"] = code
        summary.conflicts.append(item)
        refused_rows.add(id(row))

    form_checks = _DataSetChecks(data_set) if data_set is not None else None

    ind_table = _lookup(list(Indicator.objects.values_list("id", "code", "name")))
    ind_of = {c: _find(ind_table, c) for c in {r.data_element for r in rows}}
    indicators = {
        i.pk: i for i in Indicator.objects.filter(pk__in={x for x in ind_of.values() if x is not None})
    }
    # Whole-number indicators: (min, max), for the inline check of the common case.
    int_bounds = {
        pk: (i.min_value, i.max_value)
        for pk, i in indicators.items()
        if i.value_type in (ValueType.INTEGER, ValueType.INTEGER_ZERO_OR_POSITIVE)
    }
    unit_info, unit_of = _import_units({r.org_unit for r in rows})
    unit_objs: dict[int, Unit] = {}

    def unit_obj(pk: int) -> Unit:
        if not unit_objs:
            unit_objs.update(Unit.objects.in_bulk(list(unit_info)))
        return unit_objs[pk]

    opt_table = _lookup(list(DisaggregationOption.objects.values_list("id", "code", "name")))
    options = {o.pk: o for o in DisaggregationOption.objects.all()}
    opt_of: dict[str, int | None] = {}
    allowed: dict[int, bool] = {}
    alive: dict[tuple[int, str], bool] = {}
    parsed: dict[str, P.Period | None] = {}
    periods: dict[str, P.Period] = {}  # by canonical id
    cleaned: Cleaned = {}
    for row in rows:
        ind_id = ind_of[row.data_element]
        if ind_id is None:
            conflict(
                row, row.data_element, _("unknown indicator “%(x)s”.") % {"x": row.data_element}, "E7610"
            )
            continue
        unit_id = unit_of[row.org_unit]
        if unit_id is None:
            conflict(row, row.org_unit, _("unknown unit “%(x)s”.") % {"x": row.org_unit}, "E7612")
            continue
        ind = indicators[ind_id]
        if row.period in parsed:
            p = parsed[row.period]
        else:
            try:
                p = P.parse(row.period)
                periods.setdefault(p.id, p)
            except P.PeriodError:
                p = None
            parsed[row.period] = p
        if p is None:
            conflict(
                row,
                row.period,
                _("“%(x)s” is not a period (examples: 2026W5, 202601, 2026Q1, 2026).") % {"x": row.period},
                "E7611",
            )
            continue
        if ind.is_computed:
            conflict(
                row,
                ind.code,
                _("%(name)s is computed from other indicators and is not imported.") % {"name": ind.name},
                "E7610",
            )
            continue
        option_id: int | None = None
        opt = row.option.strip() if row.option else ""
        if opt and opt.lower() != "default":
            if row.option not in opt_of:
                opt_of[row.option] = _find(opt_table, row.option)
            option_id = opt_of[row.option]
            if option_id is None or options[option_id].disaggregation_id != ind.disaggregation_id:
                conflict(
                    row,
                    row.option,
                    _("%(name)s has no option “%(x)s”.") % {"name": ind.name, "x": row.option},
                    "E7634",
                )
                continue
        elif ind.disaggregation_id:
            conflict(
                row,
                ind.code,
                _("%(name)s is entered per option; give the option.") % {"name": ind.name},
                "E7630",
            )
            continue
        if unit_id not in allowed:
            allowed[unit_id] = permissions.can(by, "enter_data", unit_obj(unit_id))
        if not allowed[unit_id]:
            if permissions.can(by, "view", unit_obj(unit_id)):
                conflict(
                    row,
                    unit_info[unit_id][0],
                    _("you may not enter data for %(unit)s.") % {"unit": unit_info[unit_id][1]},
                    "E7617",
                )
            else:  # outside the caller's units: answered as an unknown unit, its name never shown
                conflict(row, row.org_unit, _("unknown unit “%(x)s”.") % {"x": row.org_unit}, "E7612")
            continue
        if form_checks is not None and not form_checks.check(row, ind, unit_id, p, conflict):
            continue
        live = alive.get((unit_id, p.id))
        if live is None:
            valid_from, valid_to = unit_info[unit_id][3], unit_info[unit_id][4]
            live = alive[(unit_id, p.id)] = not (
                (valid_from and p.end < valid_from) or (valid_to and p.start >= valid_to)
            )
        if not live:
            conflict(
                row,
                unit_info[unit_id][0],
                _("%(unit)s did not exist in %(period)s.")
                % {"unit": unit_info[unit_id][1], "period": p.label()},
                "E7612",
            )
            continue
        raw = "" if strategy == DELETE else row.value  # DELETE: the value given does not matter
        text = ""
        number: float | None = None
        bounds = int_bounds.get(ind_id)
        if (
            bounds is not None
            and type(raw) is str
            and raw.isdigit()
            and raw.isascii()
            and len(raw) < 10  # below 2**31: DHIS2 reads whole numbers as 32-bit integers
            and (raw[0] != "0" or len(raw) == 1)
        ):
            # The common case of a bulk import, checked inline: a plain whole number within bounds, as
            # ``ketnoi.lib.values`` reads it in either dialect; anything else goes through the parser.
            whole = int(raw)
            if (bounds[0] is None or whole >= bounds[0]) and (bounds[1] is None or whole <= bounds[1]):
                number = float(whole)
                text = raw
        if number is None and not (raw is None or (isinstance(raw, str) and not raw.strip())):
            try:
                text, number = clean_value(
                    ind,
                    raw,
                    unit=unit_obj(unit_id),
                    period=p,
                    option=options.get(option_id or 0),
                    dialect=dialect,
                )
            except ValueError as exc:
                conflict(row, ind.code, str(exc), "E7619")
                continue
        key = (ind_id, unit_id, p.id, option_id)
        if key in cleaned:
            conflict(
                row,
                ind.code,
                _("the same value is given twice (also on line %(n)s).") % {"n": cleaned[key][0].line},
            )
            continue
        cleaned[key] = (row, text, number)
    _check_locked(cleaned, indicators, unit_info, periods, conflict)
    if summary.conflicts:
        if atomic:
            summary.ignored = len(rows)
            raise ImportRejected(summary, src)
        summary.partial = True
        summary.ignored += sum(1 for row in rows if id(row) in refused_rows)
        cleaned = {k: v for k, v in cleaned.items() if id(v[0]) not in refused_rows}
    _import_write(cleaned, periods, by, summary, src, strategy)
    if dry_run:
        transaction.set_rollback(True)
    elif not isinstance(by, permissions.SystemActor):
        security_event("import", by, None, detail={"kind": "data_values", "rows": len(cleaned)})
    return summary


def _check_locked(
    cleaned: Cleaned,
    indicators: dict[int, Indicator],
    unit_info: UnitInfo,
    periods: dict[str, P.Period],
    conflict: Any,
) -> None:
    """A conflict for each value that belongs to a submitted or approved report of its unit and period."""
    pairs = {(k[1], k[2]) for k in cleaned}
    if not pairs:
        return
    locked = Report.objects.filter(
        unit_id__in={u for u, _p in pairs},
        period__in={p for _u, p in pairs},
        status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
    ).values_list("unit_id", "period", "form_id", "form__name")
    locked_forms: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for u, pid, form_id, form_name in locked:
        locked_forms.setdefault((u, pid), []).append((form_id, form_name))
    if not locked_forms:
        return
    form_inds: dict[int, set[int]] = {}
    for fid, iid in FormIndicator.objects.filter(
        form_id__in={f for fs in locked_forms.values() for f, _n in fs}
    ).values_list("form_id", "indicator_id"):
        form_inds.setdefault(fid, set()).add(iid)
    for (ind_id, unit_id, pid, _o), (row, _t, _n) in cleaned.items():
        for fid, fname in locked_forms.get((unit_id, pid), []):
            if ind_id in form_inds.get(fid, set()):
                conflict(
                    row,
                    indicators[ind_id].code,
                    _(
                        "the report %(form)s of %(unit)s for %(period)s is submitted or approved; "
                        "values are locked."
                    )
                    % {"form": fname, "unit": unit_info[unit_id][1], "period": periods[pid].label()},
                    "E7642",
                )
                break


def _import_write(
    cleaned: Cleaned,
    periods: dict[str, P.Period],
    by: Actor,
    summary: ImportSummary,
    source: str,
    strategy: str = CREATE_AND_UPDATE,
) -> None:
    """Write the checked values period by period: new ones in bulk with their audit rows, changed ones
    with bulk_update_with_history, emptied ones deleted (audited); roll-up deltas summed per group of
    units sharing their ancestors and applied once at the end."""
    user = permissions.person(by)
    user_id = user.pk if user is not None else None
    reason = (_("Imported: %(source)s") % {"source": source})[:100]
    by_period: dict[str, list[tuple[int, int, str, int | None]]] = {}
    for k in cleaned:
        by_period.setdefault(k[2], []).append(k)
    built = rollup.lock_periods(by_period)
    deltas: rollup.Deltas = {}
    for pid in sorted(by_period):
        p = periods[pid]
        keys = by_period[pid]
        unit_ids = sorted({k[1] for k in keys})
        ind_ids = sorted({k[0] for k in keys})
        # (indicator, unit, option) -> (id, value, number, comment)
        existing: dict[tuple[int, int, int | None], tuple[int, str, float | None, str]] = {}
        for chunk_start in range(0, len(unit_ids), 500):
            for pk, iid, uid, oid, value, num, comment in (
                DataValue.objects.filter(
                    period=pid,
                    unit_id__in=unit_ids[chunk_start : chunk_start + 500],
                    indicator_id__in=ind_ids,
                )
                .select_for_update()
                .values_list("id", "indicator_id", "unit_id", "option_id", "value", "number", "comment")
            ):
                existing[(iid, uid, oid)] = (pk, value, num, comment)
        if built[pid]:
            if len(unit_ids) > 50:
                parents = rollup.parents_as_of(p.end)
                chains = {u: rollup.ancestors_in(parents, u) for u in unit_ids}
            else:
                chains = {u: rollup.ancestors_as_of(u, p.end) for u in unit_ids}
        else:
            chains = {u: [] for u in unit_ids}
        # Units with the same ancestors share one group; deltas are summed per group, then spread.
        groups: dict[tuple[int, ...], int] = {}
        group_of = {u: groups.setdefault(tuple(c), len(groups)) for u, c in chains.items()}
        local: dict[tuple[int, int, int | None], list[float]] = {}
        new: list[bulk.NewValue] = []
        changed: list[tuple[int, str, float | None, str]] = []
        gone: list[int] = []
        start, end = p.start, p.end
        for key in keys:
            ind_id, unit_id, _pid, option_id = key
            row, text, number = cleaned[key]
            old = existing.get((ind_id, unit_id, option_id))
            if (old is None and strategy in (UPDATE, DELETE)) or (old is not None and strategy == CREATE):
                summary.ignored += 1  # DHIS2: CREATE leaves existing values, UPDATE and DELETE skip new ones
                continue
            if old is None:
                if text == "":
                    summary.ignored += 1
                    continue
                new.append((ind_id, unit_id, pid, start, end, option_id, text, number, row.comment))
                if number is None:
                    continue
                total, n = number, 1
            elif text == "":
                gone.append(old[0])
                if old[2] is None:
                    continue
                total, n = -old[2], -1
            elif old[1] == text and (not row.comment or row.comment == old[3]):
                summary.ignored += 1
                continue
            else:
                changed.append((old[0], text, number, row.comment))
                total = (number or 0.0) - (old[2] or 0.0)
                n = (number is not None) - (old[2] is not None)
            cell_key = (group_of[unit_id], ind_id, option_id)
            cell = local.get(cell_key)
            if cell is None:
                local[cell_key] = [total, n]
            else:
                cell[0] += total
                cell[1] += n
        group_chains = [list(c) for c in groups]
        for (group, ind_id, option_id), (group_total, group_n) in local.items():
            rollup.add_delta(deltas, group_chains[group], ind_id, option_id, pid, group_total, int(group_n))
        if new:
            summary.imported += bulk.insert_new(new, user_id=user_id, reason=reason, now=timezone.now())
        if changed:
            objs = DataValue.objects.in_bulk([c[0] for c in changed])
            now = timezone.now()
            for pk, text, number, comment in changed:
                v = objs[pk]
                v.value, v.number, v.stored_by = text, number, user
                v.updated_at = now
                if comment:
                    v.comment = comment
            bulk_update_with_history(
                [objs[c[0]] for c in changed],
                DataValue,
                ["value", "number", "comment", "stored_by", "updated_at"],
                batch_size=2000,
                default_user=user,
                default_change_reason=reason,
            )
            summary.updated += len(changed)
        if gone:
            objs = DataValue.objects.in_bulk(gone)
            for pk in gone:
                v = objs[pk]
                stamp(v, by, reason)
                v.delete()
                summary.deleted += 1
    rollup.apply(deltas)


@permissions.gated
def feed_refresh(*, form: ReportForm, period: str, by: Actor) -> ImportSummary:
    """Fill the form's fed indicators (from the page registry) for every reporting unit whose report
    is still open. Without the page registry nothing changes."""
    from ketnoi.reporting import feeds

    permissions.require(by, "manage", form.owner)
    p = form_period(form, period)
    fed = [it.indicator for it in _form_items(form) if it.indicator.feed]
    if not fed or not feeds.available():
        return ImportSummary()
    locked = set(
        Report.objects.filter(
            form=form, period=p.id, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]
        ).values_list("unit_id", flat=True)
    )
    units = {u.pk: u for u in form.units.all() if u.pk not in locked and u.is_active_on(p.end)}
    rows: list[ImportRow] = []
    for ind in fed:
        figures = feeds.feed_values(ind.feed, units, p.end)
        for uid, unit in units.items():
            rows.append(ImportRow(ind.code, p.id, unit.code, _fmt_plain(figures.get(uid, 0.0))))
    return values_import(rows=rows, by=permissions.SYSTEM, source=_("Page registry"))


def _fmt_plain(n: float) -> str:
    return str(int(n)) if n == int(n) else repr(n)
