"""Every write of periodic reporting. Signatures are stable; the web UI builds on them.

Setup (needs ``manage`` on the owner unit; ``owner=None`` indicators need a system administrator)
    indicator_create(*, code, name, by, value_type="integer", owner=None, **fields) -> Indicator
    indicator_update(*, indicator, by, **fields) -> Indicator
    disaggregation_create(*, code, name, options: Sequence[tuple[code, name]], by) -> Disaggregation
    form_create(*, code, name, period_type, owner, by, indicators=(), units=(), deadline_days=10,
                reminder_days=3, span_years=1, span_anchor=None, description="") -> ReportForm
    form_update(*, form, by, **fields) -> ReportForm
    form_set_indicators(*, form, indicators: Sequence[Indicator | str], by, required=()) -> None
    form_set_units(*, form, units: Sequence[Unit], by) -> None     (every unit must be in the owner's subtree)
    rule_create(*, form, left, operator, right, by, name="", severity="error", message="") -> ValidationRule

Data entry (``enter_data`` on the unit; values locked once submitted, until returned or reopened)
    report_open(*, form, unit, period: str, by) -> Report                         draft created on first use
    report_values_save(*, form, unit, period, values: Mapping[key, value], by, comments=None) -> SaveResult
        key = indicator code, or "code.option_code" for a disaggregated indicator; "" or None deletes.
        Raises ValidationError whose ``fields`` are keyed like ``values`` with messages naming the unit,
        period and field; nothing is written then. ``SaveResult.warnings`` lists outliers and
        warning-level rules.
    values_import(*, rows: Sequence[ImportRow], by, source="", dry_run=False) -> ImportSummary
        all-or-nothing: raises ImportRejected (a ValidationError carrying the summary) on any conflict.

Workflow
    report_submit(*, report, by) -> Report            ``enter_data`` on the unit; required fields, rules
    report_approve(*, report, by) -> Report           ``approve`` on the unit's parent; locks the values
    report_return(*, report, reason, by) -> Report    ``approve`` on the unit's parent; reason required
    report_reopen(*, report, reason, by) -> Report    ``manage`` on the unit; reason required
    reminder_record(*, form, unit, period, kind, by) -> ReminderLog

Roll-up
    rollup_rebuild(*, periods: Sequence[str] | None = None) -> int
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ketnoi.core import permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from ketnoi.lib import periods as P
from ketnoi.lib.vn_text import fold, normalise
from ketnoi.reporting import bulk, expressions, rollup
from ketnoi.reporting.models import (
    Aggregation,
    DataValue,
    Disaggregation,
    DisaggregationOption,
    FormIndicator,
    Indicator,
    PeriodType,
    ReminderLog,
    Report,
    ReportForm,
    ReportStatus,
    Severity,
    ValidationRule,
    ValueType,
)
from ketnoi.units.models import Unit

INDICATOR_FIELDS = {
    "name",
    "short_name",
    "description",
    "value_type",
    "unit_of_measure",
    "unit_aggregation",
    "time_aggregation",
    "weight",
    "formula",
    "disaggregation",
    "min_value",
    "max_value",
    "decimals",
    "feed",
    "is_active",
}
FORM_FIELDS = {
    "name",
    "description",
    "deadline_days",
    "reminder_days",
    "span_years",
    "span_anchor",
    "is_active",
}


# ---------------------------------------------------------------------------------------------- helpers


def _check(by: Any, verb: str, unit: Unit | None) -> None:
    if by is None:
        return
    if unit is None:
        if not permissions.is_system_admin(by):
            raise PermissionDenied()
        return
    permissions.require(by, verb, unit)


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def form_period(form: ReportForm, period_id: str) -> P.Period:
    """The period ``period_id`` read for ``form``: it must be of the form's period type."""
    try:
        period = P.parse(period_id)
    except P.PeriodError as exc:
        raise ValidationError(
            _("%(period)s is not a period identifier (examples: 2020, 2020S1, 2020Q3, 202007).")
            % {"period": period_id},
            fields={"period": _("Unknown period.")},
        ) from exc
    if period.type != form.period_type or (
        form.period_type == PeriodType.CUSTOM
        and (
            period.end.year - period.start.year + 1 != form.span_years
            or (form.span_anchor is not None and (period.start.year - form.span_anchor) % form.span_years)
        )
    ):
        raise ValidationError(
            _("The form %(form)s is reported per %(type)s; %(period)s is not such a period.")
            % {"form": form.name, "type": form.get_period_type_display().lower(), "period": period_id},
            fields={"period": _("Wrong period type.")},
        )
    return period


def form_deadline(form: ReportForm, period: P.Period) -> dt.date:
    return period.end + dt.timedelta(days=form.deadline_days)


def _fmt(n: float) -> str:
    return number_format(n, decimal_pos=None if n != int(n) else 0, force_grouping=True)


_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_TRUE = {"true", "1", "yes", "co", "x", "dung"}
_FALSE = {"false", "0", "no", "khong", "sai"}


def parse_number(text: str, *, integer: bool) -> float:
    """Read a number typed the Vietnamese way (16.000 · 12,5) or the DHIS2 way (16000 · 12.5)."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        raise ValueError(text)
    if "," in s and "." in s:
        # The later separator is the decimal one: 1.234,5 or 1,234.5
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif "," in s:
        s = s.replace(",", "") if integer and _GROUPED_COMMA.match(s) else s.replace(",", ".")
    elif _GROUPED_DOT.match(s) and (integer or s.count(".") > 1):
        s = s.replace(".", "")
    value = float(s)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(text)
    return value


def where(
    unit: Unit, period: P.Period, indicator: Indicator, option: DisaggregationOption | None = None
) -> str:
    """ "Xã Phú Nghĩa, Tháng 07/2020, «Số đảng viên (Facebook)»" for messages."""
    label = indicator.name if option is None else f"{indicator.name} ({option.name})"
    return f"{unit.name}, {period.label()}, «{label}»"


def clean_value(
    indicator: Indicator,
    raw: Any,
    *,
    unit: Unit,
    period: P.Period,
    option: DisaggregationOption | None = None,
) -> tuple[str, float | None]:
    """(stored text, number) for a raw value, or ValueError with a message naming unit, period, field."""
    text = "" if raw is None else str(raw).strip()
    vt = indicator.value_type

    def fail(message: str, **params: Any) -> ValueError:
        return ValueError(
            message % {"place": where(unit, period, indicator, option), "value": text[:60], **params}
        )

    if vt == ValueType.TEXT:
        if len(text) > 2000:
            raise fail(_("%(place)s: the text is longer than 2000 characters."))
        return text, None
    if vt == ValueType.BOOLEAN:
        f = fold(text)
        if f in _TRUE or raw is True:
            return "true", 1.0
        if f in _FALSE or raw is False:
            return "false", 0.0
        raise fail(_("%(place)s: answer yes or no (got “%(value)s”)."))
    integer = vt == ValueType.INTEGER
    if integer and text.isdigit():
        number = float(int(text))  # the common case, fast
    else:
        try:
            number = parse_number(text, integer=integer)
        except ValueError:
            raise fail(_("%(place)s: “%(value)s” is not a number.")) from None
    if integer and number != int(number):
        raise fail(_("%(place)s: must be a whole number (got %(value)s)."))
    if vt == ValueType.PERCENTAGE and not 0 <= number <= 100:
        raise fail(_("%(place)s: a percentage lies between 0 and 100 (got %(value)s)."))
    if indicator.min_value is not None and number < indicator.min_value:
        raise fail(_("%(place)s: must be at least %(min)s (got %(value)s)."), min=_fmt(indicator.min_value))
    if indicator.max_value is not None and number > indicator.max_value:
        raise fail(_("%(place)s: must be at most %(max)s (got %(value)s)."), max=_fmt(indicator.max_value))
    stored = str(int(number)) if integer else repr(number).removesuffix(".0")
    return stored, number


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


# -------------------------------------------------------------------------------------------- indicators


def _check_code(code: str) -> str:
    code = code.strip()
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]{0,59}$", code):
        raise ValidationError(
            _("A code uses letters without diacritics, digits and underscores, and starts with a letter."),
            fields={"code": _("Invalid code.")},
        )
    return code


def _check_indicator(ind: Indicator) -> None:
    if ind.formula:
        try:
            used = expressions.codes(ind.formula)
        except expressions.ExpressionError:
            raise ValidationError(
                _("The formula may use only indicator codes, numbers and + - * / ( )."),
                fields={"formula": _("Invalid formula.")},
            ) from None
        known = set(Indicator.objects.filter(code__in=used).values_list("code", flat=True))
        unknown = used - known
        if unknown:
            raise ValidationError(
                _("The formula uses unknown indicators: %(codes)s") % {"codes": ", ".join(sorted(unknown))},
                fields={"formula": _("Unknown indicator.")},
            )
        if ind.code in used:
            raise ValidationError(
                _("A formula cannot use its own indicator."), fields={"formula": _("Circular.")}
            )
    if Aggregation.AVERAGE_WEIGHTED in (ind.unit_aggregation, ind.time_aggregation) and ind.weight_id is None:
        raise ValidationError(
            _("A weighted average needs a base indicator."),
            fields={"weight": _("Required for a weighted average.")},
        )
    if ind.unit_aggregation == Aggregation.LAST:
        raise ValidationError(
            _("“Last value” applies over time only."),
            fields={"unit_aggregation": _("Not allowed over units.")},
        )
    if ind.min_value is not None and ind.max_value is not None and ind.min_value > ind.max_value:
        raise ValidationError(
            _("The minimum is above the maximum."), fields={"min_value": _("Above the maximum.")}
        )


@transaction.atomic
def indicator_create(
    *,
    code: str,
    name: str,
    by: Any,
    value_type: str = ValueType.INTEGER,
    owner: Unit | None = None,
    **fields: Any,
) -> Indicator:
    _check(by, "manage", owner)
    unknown = set(fields) - INDICATOR_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    code = _check_code(code)
    if Indicator.objects.filter(code=code).exists():
        raise Conflict(
            _("The code %(code)s is already used.") % {"code": code}, fields={"code": _("Already used.")}
        )
    name = normalise(name)
    if not name:
        raise ValidationError(_("An indicator needs a name."), fields={"name": _("Required.")})
    ind = Indicator(code=code, name=name, value_type=value_type, owner=owner, **fields)
    if ind.value_type in (ValueType.TEXT,):
        ind.unit_aggregation = ind.time_aggregation = Aggregation.NONE
    _check_indicator(ind)
    stamp(ind, by, _("Created"))
    ind.save()
    return ind


@transaction.atomic
def indicator_update(*, indicator: Indicator, by: Any, **fields: Any) -> Indicator:
    _check(by, "manage", indicator.owner)
    unknown = set(fields) - INDICATOR_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "value_type" in fields and fields["value_type"] != indicator.value_type and indicator.values.exists():
        raise Conflict(
            _("The value type cannot change once values have been entered."),
            fields={"value_type": _("Has values.")},
        )
    for key, value in fields.items():
        setattr(indicator, key, normalise(value) if key == "name" else value)
    _check_indicator(indicator)
    stamp(indicator, by, _("Changed"))
    indicator.save()
    return indicator


@transaction.atomic
def disaggregation_create(
    *, code: str, name: str, options: Sequence[tuple[str, str]], by: Any
) -> Disaggregation:
    _check(by, "system", None)
    code = _check_code(code)
    if Disaggregation.objects.filter(code=code).exists():
        raise Conflict(
            _("The code %(code)s is already used.") % {"code": code}, fields={"code": _("Already used.")}
        )
    if not options:
        raise ValidationError(_("A disaggregation needs options."), fields={"options": _("Required.")})
    dis = Disaggregation(code=code, name=normalise(name))
    stamp(dis, by, _("Created"))
    dis.save()
    for i, (ocode, oname) in enumerate(options):
        ocode = _check_code(ocode)
        if DisaggregationOption.objects.filter(code=ocode).exists():
            raise Conflict(
                _("The code %(code)s is already used.") % {"code": ocode}, fields={"options": ocode}
            )
        DisaggregationOption.objects.create(
            disaggregation=dis, code=ocode, name=normalise(oname), sort_order=i
        )
    return dis


# ------------------------------------------------------------------------------------------------- forms


@transaction.atomic
def form_create(
    *,
    code: str,
    name: str,
    period_type: str,
    owner: Unit,
    by: Any,
    indicators: Sequence[Indicator | str] = (),
    units: Sequence[Unit] = (),
    deadline_days: int = 10,
    reminder_days: int = 3,
    span_years: int = 1,
    span_anchor: int | None = None,
    description: str = "",
) -> ReportForm:
    """A form set up by an administrator of ``owner`` for units of ``owner``'s subtree."""
    _check(by, "manage", owner)
    code = _check_code(code)
    if ReportForm.objects.filter(code=code).exists():
        raise Conflict(
            _("The code %(code)s is already used.") % {"code": code}, fields={"code": _("Already used.")}
        )
    if period_type not in PeriodType.values:
        raise ValidationError(_("Unknown period type."), fields={"period_type": _("Unknown period type.")})
    if period_type == PeriodType.CUSTOM and not 1 <= span_years <= 10:
        raise ValidationError(_("A custom span covers 1 to 10 years."), fields={"span_years": _("1 to 10.")})
    name = normalise(name)
    if not name:
        raise ValidationError(_("A form needs a name."), fields={"name": _("Required.")})
    form = ReportForm(
        code=code,
        name=name,
        description=description,
        period_type=period_type,
        owner=owner,
        deadline_days=deadline_days,
        reminder_days=reminder_days,
        span_years=span_years if period_type == PeriodType.CUSTOM else 1,
        span_anchor=span_anchor if period_type == PeriodType.CUSTOM else None,
    )
    stamp(form, by, _("Created"))
    form.save()
    if indicators:
        form_set_indicators(form=form, indicators=indicators, by=by)
    if units:
        form_set_units(form=form, units=units, by=by)
    return form


@transaction.atomic
def form_update(*, form: ReportForm, by: Any, **fields: Any) -> ReportForm:
    _check(by, "manage", form.owner)
    unknown = set(fields) - FORM_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for key, value in fields.items():
        setattr(form, key, normalise(value) if key == "name" else value)
    stamp(form, by, _("Changed"))
    form.save()
    return form


@transaction.atomic
def form_set_indicators(
    *, form: ReportForm, indicators: Sequence[Indicator | str], by: Any, required: Sequence[str] = ()
) -> None:
    """The form's indicators, in this order (codes or objects)."""
    _check(by, "manage", form.owner)
    codes = [i if isinstance(i, str) else i.code for i in indicators]
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            _("Unknown indicators: %(codes)s") % {"codes": ", ".join(unknown)},
            fields={"indicators": ", ".join(unknown)},
        )
    FormIndicator.objects.filter(form=form).exclude(indicator__code__in=codes).delete()
    for i, c in enumerate(codes):
        FormIndicator.objects.update_or_create(
            form=form, indicator=found[c], defaults={"sort_order": i, "required": c in required}
        )


@transaction.atomic
def form_set_units(*, form: ReportForm, units: Sequence[Unit], by: Any) -> None:
    """The units that must report this form; each must lie in the owner's subtree."""
    _check(by, "manage", form.owner)
    outside = [u.name for u in units if not u.path.startswith(form.owner.path)]
    if outside:
        raise ValidationError(
            _("These units are outside %(owner)s: %(units)s")
            % {"owner": form.owner.name, "units": ", ".join(outside)},
            fields={"units": _("Outside the owner's units.")},
        )
    form.units.set(units)


@transaction.atomic
def rule_create(
    *,
    form: ReportForm,
    left: str,
    operator: str,
    right: str,
    by: Any,
    name: str = "",
    severity: str = Severity.ERROR,
    message: str = "",
) -> ValidationRule:
    _check(by, "manage", form.owner)
    if operator not in expressions.COMPARE:
        raise ValidationError(_("Unknown comparison."), fields={"operator": _("Unknown comparison.")})
    for side, text in (("left", left), ("right", right)):
        try:
            used = expressions.codes(text)
        except expressions.ExpressionError:
            raise ValidationError(
                _("A rule may use only indicator codes, numbers and + - * / ( )."),
                fields={side: _("Invalid.")},
            ) from None
        unknown = used - set(form.indicators.values_list("code", flat=True))
        if unknown:
            raise ValidationError(
                _("The rule uses indicators not on the form: %(codes)s")
                % {"codes": ", ".join(sorted(unknown))},
                fields={side: _("Not on the form.")},
            )
    rule = ValidationRule(
        form=form, left=left, operator=operator, right=right, name=name, severity=severity, message=message
    )
    stamp(rule, by, _("Created"))
    rule.save()
    return rule


# -------------------------------------------------------------------------------------------- data entry


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


@transaction.atomic
def report_open(*, form: ReportForm, unit: Unit, period: str, by: Any) -> Report:
    """The unit's report of the form for the period, created as a draft on first use."""
    _check(by, "enter_data", unit)
    _require_reporting_unit(form, unit)
    p = form_period(form, period)
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


def value_key(indicator: Indicator, option: DisaggregationOption | None) -> str:
    return indicator.code if option is None else f"{indicator.code}.{option.code}"


def outlier_warning(
    indicator: Indicator, unit: Unit, period: P.Period, number: float, option_id: int | None, place: str
) -> str | None:
    """A warning when the value lies far from the unit's own history of this indicator (last 12 periods)."""
    history_raw = list(
        DataValue.objects.filter(
            indicator=indicator,
            unit=unit,
            option_id=option_id,
            period_end__lt=period.start,
            number__isnull=False,
        )
        .order_by("-period_end")
        .values_list("number", flat=True)[:12]
    )
    history = [h for h in history_raw if h is not None]
    if len(history) < 3:
        return None
    mean = sum(history) / len(history)
    sd = math.sqrt(sum((h - mean) ** 2 for h in history) / (len(history) - 1))
    spread = max(sd, abs(mean) * 0.1, 1.0)
    if abs(number - mean) > 3 * spread:
        return _(
            "%(place)s: %(value)s is far from this unit's usual values "
            "(average %(mean)s over the last %(n)d periods). Please check it."
        ) % {"place": place, "value": _fmt(number), "mean": _fmt(round(mean, 1)), "n": len(history)}
    return None


def check_rules(
    form: ReportForm, unit: Unit, period: P.Period, numbers: Mapping[str, float | None]
) -> tuple[dict[str, str], list[str]]:
    """(errors keyed by the rule's first indicator code, warnings) of the form's rules on these totals."""
    errors: dict[str, str] = {}
    warnings: list[str] = []
    names: dict[str, str] = {str(c): str(n) for c, n in form.indicators.values_list("code", "name")}
    for rule in form.rules.all():
        a = expressions.evaluate(rule.left, numbers)
        b = expressions.evaluate(rule.right, numbers)
        if a is None or b is None or expressions.COMPARE[rule.operator](a, b):
            continue
        left = " ".join(names.get(t, t) for t in re.split(r"\s+", rule.left.strip()))
        right = " ".join(names.get(t, t) for t in re.split(r"\s+", rule.right.strip()))
        text = rule.message or _("%(left)s (%(a)s) must be %(op)s %(right)s (%(b)s)") % {
            "left": left,
            "a": _fmt(a),
            "op": dict(ValidationRule._meta.get_field("operator").flatchoices)[rule.operator],
            "right": right,
            "b": _fmt(b),
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
    by: Any,
    reason: str,
) -> tuple[int, int, int, int]:
    """Write (indicator, option, text, number, comment) for one unit and period, keeping roll-ups current.

    An empty text deletes the value. Returns (created, updated, deleted, unchanged).
    """
    existing = {
        (v.indicator_id, v.option_id): v
        for v in DataValue.objects.filter(
            unit=unit, period=period.id, indicator_id__in=[c[0].pk for c in changes]
        ).select_for_update()
    }
    built = rollup.lock_periods([period.id])[period.id]
    ancestors = rollup.ancestors_as_of(unit.pk, period.end) if built else []
    deltas: rollup.Deltas = {}
    created = updated = deleted = unchanged = 0
    user = _user(by)
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
            stamp(old, by, reason)
            old.save()
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
            )
            stamp(v, by, reason)
            v.save()
            if number is not None:
                rollup.add_delta(deltas, ancestors, ind.pk, opt.pk if opt else None, period.id, number, 1)
            created += 1
    rollup.apply(deltas)
    return created, updated, deleted, unchanged


@transaction.atomic
def report_values_save(
    *,
    form: ReportForm,
    unit: Unit,
    period: str,
    values: Mapping[str, Any],
    by: Any,
    comments: Mapping[str, str] | None = None,
    reason: str = "",
) -> SaveResult:
    """Save (a draft of) the unit's values of the form for the period. All-or-nothing."""
    report = report_open(form=form, unit=unit, period=period, by=by)
    if not report.is_editable:
        raise Conflict(
            locked_reason(form, unit.pk, report.period, []) or _("This report cannot be changed now."),
        )
    p = form_period(form, period)
    items = _form_items(form)
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
    errors: dict[str, str] = {}
    warnings: list[str] = []
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
            text, number = clean_value(ind, raw, unit=unit, period=p, option=opt)
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        changes.append((ind, opt, text, number, (comments or {}).get(key, "")))
        if number is not None and ind.value_type != ValueType.BOOLEAN:
            warning = outlier_warning(ind, unit, p, number, opt.pk if opt else None, where(unit, p, ind, opt))
            if warning:
                warnings.append(warning)
    if errors:
        raise ValidationError(_("Some values are not valid; nothing was saved."), fields=errors)
    # Rules are checked on the totals as they will be after this save.
    totals = _totals(form, unit, p.id)
    pending: dict[str, dict[int | None, float | None]] = {}
    for ind, opt, _text, number, _c in changes:
        pending.setdefault(ind.code, {})[opt.pk if opt else None] = number
    for code, by_option in pending.items():
        current: dict[int | None, float | None] = dict(
            DataValue.objects.filter(unit=unit, period=p.id, indicator__code=code).values_list(
                "option_id", "number"
            )
        )
        current.update(by_option)
        nums = [n for n in current.values() if n is not None]
        totals[code] = sum(nums) if nums else None
    rule_errors, rule_warnings = check_rules(form, unit, p, totals)
    if rule_errors:
        raise ValidationError(_("Some values break the form's rules; nothing was saved."), fields=rule_errors)
    warnings.extend(rule_warnings)
    created, updated, deleted, unchanged = _write_values(
        changes, unit=unit, period=p, by=by, reason=reason or _("Entered in the form")
    )
    if created or updated or deleted:
        report.save(update_fields=["updated_at"])
    return SaveResult(report, created, updated, deleted, unchanged, warnings)


# -------------------------------------------------------------------------------------------- workflow


def _parent(unit: Unit) -> Unit | None:
    return Unit.objects.get_parent(unit)


def _check_approver(by: Any, report: Report) -> None:
    if by is None:
        return
    parent = _parent(report.unit)
    permissions.require(by, "approve", parent if parent is not None else report.unit)


@transaction.atomic
def report_submit(*, report: Report, by: Any) -> Report:
    _check(by, "enter_data", report.unit)
    report = Report.objects.select_for_update().select_related("form", "unit").get(pk=report.pk)
    if not report.is_editable:
        raise Conflict(_("Only a draft or a returned report can be submitted."))
    form, unit = report.form, report.unit
    p = P.parse(report.period)
    totals = _totals(form, unit, p.id)
    missing = {
        it.indicator.code: _("%(place)s: required.") % {"place": where(unit, p, it.indicator)}
        for it in _form_items(form)
        if it.required
        and not it.indicator.is_computed
        and it.indicator.code not in totals
        and not DataValue.objects.filter(unit=unit, period=p.id, indicator=it.indicator).exists()
    }
    if missing:
        raise ValidationError(_("Some required values are missing."), fields=missing)
    rule_errors, _warnings = check_rules(form, unit, p, totals)
    if rule_errors:
        raise ValidationError(_("Some values break the form's rules."), fields=rule_errors)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = _user(by)
    report.reason = ""
    stamp(report, by, _("Submitted"))
    report.save()
    return report


@transaction.atomic
def report_approve(*, report: Report, by: Any) -> Report:
    _check_approver(by, report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("Only a submitted report can be approved."))
    report.status = ReportStatus.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = _user(by)
    stamp(report, by, _("Approved"))
    report.save()
    return report


@transaction.atomic
def report_return(*, report: Report, reason: str, by: Any) -> Report:
    _check_approver(by, report)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the report is returned."), fields={"reason": _("Required.")})
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("Only a submitted report can be returned."))
    report.status = ReportStatus.RETURNED
    report.reason = reason
    stamp(report, by, reason)
    report.save()
    return report


@transaction.atomic
def report_reopen(*, report: Report, reason: str, by: Any) -> Report:
    _check(by, "manage", report.unit)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the report is reopened."), fields={"reason": _("Required.")})
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise Conflict(_("Only a submitted or approved report can be reopened."))
    report.status = ReportStatus.DRAFT
    report.approved_at = None
    report.approved_by = None
    report.reason = reason
    stamp(report, by, reason)
    report.save()
    return report


@transaction.atomic
def reminder_record(*, form: ReportForm, unit: Unit, period: str, kind: str, by: Any) -> ReminderLog:
    """Record a reminder (``before``/``after`` the deadline by the scheduler, ``manual`` by an approver)."""
    if kind == "manual":
        parent = _parent(unit)
        _check(by, "approve", parent if parent is not None else unit)
    return ReminderLog.objects.create(
        report_form=form, unit=unit, period=period, kind=kind, sent_by=_user(by)
    )


# ------------------------------------------------------------------------------------------------ import


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


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    deleted: int = 0
    ignored: int = 0
    conflicts: list[dict[str, str]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "ERROR" if self.conflicts else "SUCCESS"

    def as_dhis2(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "importCount": {
                "imported": self.imported,
                "updated": self.updated,
                "ignored": self.ignored,
                "deleted": self.deleted,
            },
            "conflicts": self.conflicts,
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


@transaction.atomic
def values_import(
    *, rows: Sequence[ImportRow], by: Any, source: str = "", dry_run: bool = False
) -> ImportSummary:
    """Import values given by codes (or names): all-or-nothing, one summary in DHIS2's shape.

    Each row is checked for a known element, unit, period and option, the caller's ``enter_data``
    right on the unit, an unlocked report, and a valid value; any problem rejects the whole import.
    Codes, periods, rights and unit lifetimes are resolved once per distinct text, not per row.
    """
    summary = ImportSummary()
    src = source or _("The import")

    def conflict(row: ImportRow, obj: str, message: str) -> None:
        where_ = _("line %(n)d") % {"n": row.line} if row.line is not None else ""
        text = f"{src}, {where_}: {message}" if where_ else f"{src}: {message}"
        summary.conflicts.append({"object": f"{row.line or len(summary.conflicts) + 1}:{obj}", "value": text})

    ind_table = _lookup(list(Indicator.objects.values_list("id", "code", "name")))
    ind_of = {c: _find(ind_table, c) for c in {r.data_element for r in rows}}
    indicators = {
        i.pk: i for i in Indicator.objects.filter(pk__in={x for x in ind_of.values() if x is not None})
    }
    # Whole-number indicators: (min, max), for the inline check of the common case.
    int_bounds = {
        pk: (i.min_value, i.max_value) for pk, i in indicators.items() if i.value_type == ValueType.INTEGER
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
            conflict(row, row.data_element, _("unknown indicator “%(x)s”.") % {"x": row.data_element})
            continue
        unit_id = unit_of[row.org_unit]
        if unit_id is None:
            conflict(row, row.org_unit, _("unknown unit “%(x)s”.") % {"x": row.org_unit})
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
                _("“%(x)s” is not a period (examples: 2020, 2020S1, 2020Q3, 202007).") % {"x": row.period},
            )
            continue
        if ind.is_computed:
            conflict(
                row,
                ind.code,
                _("%(name)s is computed from other indicators and is not imported.") % {"name": ind.name},
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
                )
                continue
        elif ind.disaggregation_id:
            conflict(
                row, ind.code, _("%(name)s is entered per option; give the option.") % {"name": ind.name}
            )
            continue
        if by is not None:
            if unit_id not in allowed:
                allowed[unit_id] = permissions.can(by, "enter_data", unit_obj(unit_id))
            if not allowed[unit_id]:
                conflict(
                    row,
                    unit_info[unit_id][0],
                    _("you may not enter data for %(unit)s.") % {"unit": unit_info[unit_id][1]},
                )
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
            )
            continue
        raw = row.value
        text = ""
        number: float | None = None
        bounds = int_bounds.get(ind_id)
        if bounds is not None and type(raw) is str and raw.isdigit() and raw.isascii():
            # The common case of a bulk import, checked inline: a plain whole number within bounds.
            whole = int(raw)
            if (bounds[0] is None or whole >= bounds[0]) and (bounds[1] is None or whole <= bounds[1]):
                number = float(whole)
                text = raw if len(raw) == 1 or raw[0] != "0" else str(whole)
        if number is None and not (raw is None or (isinstance(raw, str) and not raw.strip())):
            try:
                text, number = clean_value(
                    ind, raw, unit=unit_obj(unit_id), period=p, option=options.get(option_id or 0)
                )
            except ValueError as exc:
                conflict(row, ind.code, str(exc))
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
        raise ImportRejected(summary, src)
    _import_write(cleaned, periods, by, summary, src)
    if dry_run:
        transaction.set_rollback(True)
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
                )
                break


def _import_write(
    cleaned: Cleaned,
    periods: dict[str, P.Period],
    by: Any,
    summary: ImportSummary,
    source: str,
) -> None:
    """Write the checked values period by period: new ones in bulk with their audit rows, changed ones
    with bulk_update_with_history, emptied ones deleted (audited); roll-up deltas summed per group of
    units sharing their ancestors and applied once at the end."""
    user = _user(by)
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


# ------------------------------------------------------------------------------------------------ roll-up


def rollup_rebuild(*, periods: Sequence[str] | None = None) -> int:
    """Rebuild the roll-up of the given periods (every period holding values when None)."""
    ids = (
        list(periods)
        if periods is not None
        else list(DataValue.objects.values_list("period", flat=True).distinct())
    )
    total = 0
    for pid in ids:
        total += rollup.rebuild(pid)
    return total


def form_get_by_code(code: str) -> ReportForm:
    try:
        return ReportForm.objects.select_related("owner").get(code=code)
    except ReportForm.DoesNotExist as exc:
        raise NotFound() from exc


def feed_refresh(*, form: ReportForm, period: str, by: Any = None) -> ImportSummary:
    """Fill the form's fed indicators (from the page registry) for every reporting unit whose report
    is still open. Without the page registry nothing changes."""
    from ketnoi.reporting import feeds

    _check(by, "manage", form.owner)
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
    return values_import(rows=rows, by=None, source=_("Page registry"))


def _fmt_plain(n: float) -> str:
    return str(int(n)) if n == int(n) else repr(n)
