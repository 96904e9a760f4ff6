"""Data entry: a unit's report of a form for a period, and its values."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ketnoi.core import permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import Conflict, ValidationError
from ketnoi.lib import periods as P
from ketnoi.lib import values as V
from ketnoi.reporting import expressions, rollup
from ketnoi.reporting.models import (
    DataValue,
    DisaggregationOption,
    FormIndicator,
    Indicator,
    Report,
    ReportForm,
    ReportStatus,
    Severity,
    ValidationRule,
    ValueType,
)
from ketnoi.reporting.periods import form_deadline, form_period
from ketnoi.reporting.values import clean_value, fmt_number, value_key, where
from ketnoi.units.models import Unit
from ketnoi.units.selectors import require_exists

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


def locked_reason(
    form: ReportForm | None, unit_id: int, period_id: str, indicator_ids: Sequence[int]
) -> str | None:
    """Why values of these indicators for the unit and period may not change now (None: they may)."""
    qs = Report.objects.filter(
        unit_id=unit_id, period=period_id, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]
    )
    if form is not None:
        qs = qs.filter(form=form)
    else:
        qs = qs.filter(form__items__indicator_id__in=list(indicator_ids))
    report = qs.select_related("form").first()
    if report is None:
        return None
    if report.status == ReportStatus.APPROVED:
        return _("The report %(form)s for this period is approved and locked.") % {"form": report.form.name}
    return _("The report %(form)s for this period is submitted; it can change again once returned.") % {
        "form": report.form.name
    }


@dataclass
class SaveResult:
    report: Report
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def _require_reporting_unit(form: ReportForm, unit: Unit) -> None:
    if not form.units.filter(pk=unit.pk).exists():
        raise ValidationError(
            _("%(unit)s does not report the form %(form)s.") % {"unit": unit.name, "form": form.name},
            fields={"unit": _("Not a reporting unit of this form.")},
        )


@permissions.gated
@transaction.atomic
def report_open(*, form: ReportForm, unit: Unit, period: str, by: Actor) -> Report:
    """The unit's report of the form for the period, created as a draft on first use."""
    permissions.require(by, "enter_data", unit)
    _require_reporting_unit(form, unit)
    p = form_period(form, period)
    # A unit reports the periods it existed in, on the day of the period closest to its existence.
    require_exists(unit, min(max(p.start, unit.valid_from or p.start), p.end))
    return _report_get_or_create(form, unit, p)


def _report_get_or_create(form: ReportForm, unit: Unit, p: P.Period) -> Report:
    report, _created = Report.objects.get_or_create(
        form=form,
        unit=unit,
        period=p.id,
        defaults={"period_start": p.start, "period_end": p.end, "deadline": form_deadline(form, p)},
    )
    return report


def _form_items(form: ReportForm) -> list[FormIndicator]:
    return list(
        FormIndicator.objects.filter(form=form)
        .select_related("indicator", "indicator__disaggregation")
        .order_by("sort_order", "id")
    )


def _options_by_disaggregation(items: list[FormIndicator]) -> dict[int, list[DisaggregationOption]]:
    ids = {it.indicator.disaggregation_id for it in items if it.indicator.disaggregation_id}
    out: dict[int, list[DisaggregationOption]] = {}
    for opt in DisaggregationOption.objects.filter(disaggregation_id__in=ids).order_by("sort_order", "id"):
        out.setdefault(opt.disaggregation_id, []).append(opt)
    return out


def _slots(items: list[FormIndicator]) -> dict[str, tuple[Indicator, DisaggregationOption | None]]:
    """The form's fields that take a value, by key (``value_key``): computed indicators take none."""
    options = _options_by_disaggregation(items)
    slots: dict[str, tuple[Indicator, DisaggregationOption | None]] = {}
    for it in items:
        ind = it.indicator
        if ind.is_computed:
            continue
        if ind.disaggregation_id:
            for option in options.get(ind.disaggregation_id, []):
                slots[value_key(ind, option)] = (ind, option)
        else:
            slots[ind.code] = (ind, None)
    return slots


def form_field_keys(form: ReportForm) -> set[str]:
    """The keys a save of ``form`` takes (``report_values_save``'s ``values``): what a page posts besides
    them (its buttons, the CSRF token) is not a value."""
    return set(_slots(_form_items(form)))


HISTORY_DEPTH = 12  # the outlier warning compares with the unit's last 12 periods of the field


def outlier_warning(
    indicator: Indicator, unit: Unit, period: P.Period, number: float, option_id: int | None, place: str
) -> str | None:
    """A warning when the value lies far from the unit's own history of this indicator (last 12 periods)."""
    history = _histories(unit, period, [(indicator.pk, option_id)]).get((indicator.pk, option_id), [])
    return _outlier_text(history, number, place)


def _histories(
    unit: Unit, period: P.Period, slots: Sequence[tuple[int, int | None]]
) -> dict[tuple[int, int | None], list[float]]:
    """Per (indicator, option), the unit's last numbers before the period, newest first: one query."""
    if not slots:
        return {}
    wanted = set(slots)
    rows = (
        DataValue.objects.filter(
            unit=unit,
            indicator_id__in={i for i, _o in wanted},
            period_end__lt=period.start,
            number__isnull=False,
        )
        .annotate(
            depth=Window(
                RowNumber(),
                partition_by=[F("indicator_id"), F("option_id")],
                order_by=F("period_end").desc(),
            )
        )
        .filter(depth__lte=HISTORY_DEPTH)
        .order_by("indicator_id", "option_id", "-period_end")
        .values_list("indicator_id", "option_id", "number")
    )
    out: dict[tuple[int, int | None], list[float]] = {}
    for indicator_id, option_id, number in rows:
        if (indicator_id, option_id) in wanted and number is not None:
            out.setdefault((indicator_id, option_id), []).append(number)
    return out


def _outlier_text(history: Sequence[float], number: float, place: str) -> str | None:
    if len(history) < 3:
        return None
    mean = sum(history) / len(history)
    sd = math.sqrt(sum((h - mean) ** 2 for h in history) / (len(history) - 1))
    spread = max(sd, abs(mean) * 0.1, 1.0)
    if abs(number - mean) > 3 * spread:
        return _(
            "%(place)s: %(value)s is far from this unit's usual values "
            "(average %(mean)s over the last %(n)d periods). Please check it."
        ) % {
            "place": place,
            "value": fmt_number(number),
            "mean": fmt_number(round(mean, 1)),
            "n": len(history),
        }
    return None


@dataclass(frozen=True)
class FormRules:
    """A form's rules and the names of its indicators, read once (before a save takes the write lock)."""

    rules: list[ValidationRule]
    names: dict[str, str]


def form_rules(form: ReportForm, items: Sequence[FormIndicator] | None = None) -> FormRules:
    """The form's rules; the indicators' names from ``items`` (``_form_items``) when given."""
    if items is None:
        names = {str(c): str(n) for c, n in form.indicators.values_list("code", "name")}
    else:
        names = {it.indicator.code: it.indicator.name for it in items}
    return FormRules(rules=list(form.rules.all()), names=names)


def check_rules(
    form: ReportForm,
    unit: Unit,
    period: P.Period,
    numbers: Mapping[str, float | None],
    *,
    rules: FormRules | None = None,
) -> tuple[dict[str, str], list[str]]:
    """(errors keyed by the rule's first indicator code, warnings) of the form's rules on these totals."""
    errors: dict[str, str] = {}
    warnings: list[str] = []
    rules = rules or form_rules(form)
    names = rules.names
    for rule in rules.rules:
        a = expressions.evaluate(rule.left, numbers)
        b = expressions.evaluate(rule.right, numbers)
        if a is None or b is None or expressions.COMPARE[rule.operator](a, b):
            continue
        left = " ".join(names.get(t, t) for t in re.split(r"\s+", rule.left.strip()))
        right = " ".join(names.get(t, t) for t in re.split(r"\s+", rule.right.strip()))
        text = rule.message or _("%(left)s (%(a)s) must be %(op)s %(right)s (%(b)s)") % {
            "left": left,
            "a": fmt_number(a),
            "op": dict(ValidationRule._meta.get_field("operator").flatchoices)[rule.operator],
            "right": right,
            "b": fmt_number(b),
        }
        message = f"{unit.name}, {period.label()}: {text}"
        if rule.severity == Severity.ERROR:
            key = sorted(expressions.codes(rule.left))[0] if expressions.codes(rule.left) else "rules"
            errors.setdefault(key, message)
        else:
            warnings.append(message)
    return errors, warnings


def _totals(form: ReportForm, unit: Unit, period_id: str) -> dict[str, float | None]:
    """Per indicator code, the unit's own total for the period (options summed)."""
    out: dict[str, float | None] = {}
    for code, number in DataValue.objects.filter(
        unit=unit, period=period_id, indicator__forms=form
    ).values_list("indicator__code", "number"):
        if number is not None:
            out[code] = (out.get(code) or 0.0) + number
    return out


def _write_values(
    changes: list[tuple[Indicator, DisaggregationOption | None, str, float | None, str]],
    *,
    unit: Unit,
    period: P.Period,
    by: Actor,
    reason: str,
    existing: Mapping[tuple[int, int | None], DataValue] | None = None,
    ancestors: list[int] | None = None,
) -> tuple[int, int, int, int]:
    """Write (indicator, option, text, number, comment) for one unit and period, keeping roll-ups current.

    An empty text deletes the value. Returns (created, updated, deleted, unchanged). ``existing`` (the
    unit's rows of the period, read under lock) and ``ancestors`` (``rollup.ancestors_as_of``) are read
    here unless given. New and changed values are written in bulk, each with its audit row.
    """
    if existing is None:
        existing = {
            (v.indicator_id, v.option_id): v
            for v in DataValue.objects.filter(
                unit=unit, period=period.id, indicator_id__in=[c[0].pk for c in changes]
            ).select_for_update()
        }
    built = rollup.lock_periods([period.id])[period.id]
    if not built:
        ancestors = []
    elif ancestors is None:
        ancestors = rollup.ancestors_as_of(unit.pk, period.end, unit.path)
    deltas: rollup.Deltas = {}
    created = updated = deleted = unchanged = 0
    user = permissions.person(by)
    inserts: list[DataValue] = []
    updates: list[DataValue] = []
    now = timezone.now()
    for ind, opt, text, number, comment in changes:
        old = existing.get((ind.pk, opt.pk if opt else None))
        if text == "":
            if old is None:
                continue
            if old.number is not None:
                rollup.add_delta(deltas, ancestors, ind.pk, old.option_id, period.id, -old.number, -1)
            stamp(old, by, reason)
            old.delete()
            deleted += 1
            continue
        if old is not None:
            if old.value == text and (comment == "" or old.comment == comment):
                unchanged += 1
                continue
            d_total = (number or 0.0) - (old.number or 0.0)
            d_n = (number is not None) - (old.number is not None)
            old.value, old.number, old.stored_by = text, number, user
            if comment:
                old.comment = comment
            old.updated_at = now
            stamp(old, by, reason)
            updates.append(old)
            rollup.add_delta(deltas, ancestors, ind.pk, old.option_id, period.id, d_total, d_n)
            updated += 1
        else:
            v = DataValue(
                indicator=ind,
                unit=unit,
                period=period.id,
                period_start=period.start,
                period_end=period.end,
                option=opt,
                value=text,
                number=number,
                comment=comment,
                stored_by=user,
                created_at=now,
                updated_at=now,
            )
            stamp(v, by, reason)
            inserts.append(v)
            if number is not None:
                rollup.add_delta(deltas, ancestors, ind.pk, opt.pk if opt else None, period.id, number, 1)
            created += 1
    if inserts:
        bulk_create_with_history(inserts, DataValue, default_change_reason=None, default_date=now)
    if updates:
        _update_rows(updates, now)
        DataValue.history.bulk_history_create(
            updates, update=True, default_change_reason=None, default_date=now
        )
    rollup.apply(deltas)
    return created, updated, deleted, unchanged


def _update_rows(rows: list[DataValue], now: dt.datetime) -> None:
    """The changed values in one statement (Django's bulk_update compiles a CASE per field and row: 20 ms
    for eleven values, inside the write lock)."""
    table = DataValue._meta.db_table
    stamp_at = DataValue._meta.get_field("updated_at").get_db_prep_value(now, connection)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET value = %s, number = %s, stored_by_id = %s, comment = %s, "  # noqa: S608 - the model's own table name
            "updated_at = %s WHERE id = %s",
            [(v.value, v.number, v.stored_by_id, v.comment, stamp_at, v.pk) for v in rows],
        )


@permissions.gated
def report_values_save(
    *,
    form: ReportForm,
    unit: Unit,
    period: str,
    values: Mapping[str, Any],
    by: Actor,
    comments: Mapping[str, str] | None = None,
    reason: str = "",
    dialect: V.Dialect = V.VIETNAMESE,
) -> SaveResult:
    """Save (a draft of) the unit's values of the form for the period. All-or-nothing.

    Text values are read in ``dialect``: the screen and spreadsheets are ``VIETNAMESE`` (16.000, 1,5, Có),
    the REST API is ``EXCHANGE`` (16000, 1.5, true); see ``ketnoi.lib.values``.

    Everything that only reads (the form, the values' checks, the outlier history, the rules, the unit's
    ancestors) runs before the write transaction; inside it (SQLite's one write lock) the report is
    opened, the unit's current values read under lock, the rules checked on the totals they will make,
    and the values written in bulk with their audit rows.
    """
    permissions.require(by, "enter_data", unit)
    _require_reporting_unit(form, unit)
    p = form_period(form, period)
    require_exists(unit, min(max(p.start, unit.valid_from or p.start), p.end))
    items = _form_items(form)
    slots = _slots(items)
    errors: dict[str, str] = {}
    changes: list[tuple[Indicator, DisaggregationOption | None, str, float | None, str]] = []
    for key, raw in values.items():
        slot = slots.get(key)
        if slot is None:
            errors[key] = _("%(unit)s, %(period)s: “%(key)s” is not a field of the form %(form)s.") % {
                "unit": unit.name,
                "period": p.label(),
                "key": key,
                "form": form.name,
            }
            continue
        ind, opt = slot
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            changes.append((ind, opt, "", None, ""))
            continue
        try:
            text, number = clean_value(ind, raw, unit=unit, period=p, option=opt, dialect=dialect)
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        changes.append((ind, opt, text, number, (comments or {}).get(key, "")))
    if errors:
        # A locked report answers that it is locked, whatever the values.
        current = Report.objects.filter(form=form, unit=unit, period=p.id).first()
        if current is not None and not current.is_editable:
            raise Conflict(
                locked_reason(form, unit.pk, current.period, []) or _("This report cannot be changed now."),
            )
        raise ValidationError(_("Some values are not valid; nothing was saved."), fields=errors)
    # The outlier warning compares each number with the unit's own history: one query for every field.
    checked: list[tuple[Indicator, DisaggregationOption | None, float]] = []
    for ind, opt, _t, number, _c in changes:
        if number is not None and ind.value_type != ValueType.BOOLEAN:
            checked.append((ind, opt, number))
    histories = _histories(unit, p, [(ind.pk, opt.pk if opt else None) for ind, opt, _n in checked])
    warnings: list[str] = []
    for ind, opt, number in checked:
        history = histories.get((ind.pk, opt.pk if opt else None), [])
        warning = _outlier_text(history, number, where(unit, p, ind, opt))
        if warning:
            warnings.append(warning)
    rules = form_rules(form, items)
    ancestors = rollup.ancestors_as_of(unit.pk, p.end, unit.path)
    with transaction.atomic():
        # Checked above: the caller's right, a reporting unit, a period the unit existed in.
        report = _report_get_or_create(form, unit, p)
        if not report.is_editable:
            raise Conflict(
                locked_reason(form, unit.pk, report.period, []) or _("This report cannot be changed now."),
            )
        # The unit's values of the period, under lock: the rules' totals and the rows to change.
        rows = list(
            DataValue.objects.filter(unit=unit, period=p.id, indicator__forms=form)
            .select_related("indicator")
            .select_for_update(of=("self",))
        )
        # Rules are checked on the totals as they will be after this save.
        after: dict[str, dict[int | None, float | None]] = {}
        for row in rows:
            after.setdefault(row.indicator.code, {})[row.option_id] = row.number
        for ind, opt, _text, number, _c in changes:
            after.setdefault(ind.code, {})[opt.pk if opt else None] = number
        totals: dict[str, float | None] = {}
        for code, by_option in after.items():
            nums = [n for n in by_option.values() if n is not None]
            if nums:
                totals[code] = sum(nums)
            elif any(ind.code == code for ind, _o, _t, _n, _c in changes):
                totals[code] = None
        rule_errors, rule_warnings = check_rules(form, unit, p, totals, rules=rules)
        if rule_errors:
            raise ValidationError(
                _("Some values break the form's rules; nothing was saved."), fields=rule_errors
            )
        warnings.extend(rule_warnings)
        created, updated, deleted, unchanged = _write_values(
            changes,
            unit=unit,
            period=p,
            by=by,
            reason=reason or _("Entered in the form"),
            existing={(v.indicator_id, v.option_id): v for v in rows},
            ancestors=ancestors,
        )
        if created or updated or deleted:
            report.save(update_fields=["updated_at"])
    return SaveResult(report, created, updated, deleted, unchanged, warnings)
