"""Setup of periodic reporting: indicators, disaggregations, forms, their units and rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import Conflict, NotFound, ValidationError
from ketnoi.lib.vn_text import normalise
from ketnoi.reporting import expressions
from ketnoi.reporting.models import (
    TEXT_TYPES,
    Aggregation,
    Disaggregation,
    DisaggregationOption,
    FormIndicator,
    Indicator,
    PeriodType,
    ReportForm,
    Severity,
    ValidationRule,
    ValueType,
)
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

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


@permissions.gated
@transaction.atomic
def indicator_create(
    *,
    code: str,
    name: str,
    by: Actor,
    value_type: str = ValueType.INTEGER,
    owner: Unit | None = None,
    **fields: Any,
) -> Indicator:
    permissions.require(by, "manage", owner)
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
    if ind.value_type in TEXT_TYPES:
        ind.unit_aggregation = ind.time_aggregation = Aggregation.NONE
    _check_indicator(ind)
    stamp(ind, by, _("Created"))
    ind.save()
    return ind


@permissions.gated
@transaction.atomic
def indicator_update(*, indicator: Indicator, by: Actor, **fields: Any) -> Indicator:
    permissions.require(by, "manage", indicator.owner)
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


@permissions.gated
@transaction.atomic
def disaggregation_create(
    *, code: str, name: str, options: Sequence[tuple[str, str]], by: Actor
) -> Disaggregation:
    permissions.require(by, "system", None)
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


@permissions.gated
@transaction.atomic
def form_create(
    *,
    code: str,
    name: str,
    period_type: str,
    owner: Unit,
    by: Actor,
    indicators: Sequence[Indicator | str] = (),
    units: Sequence[Unit] = (),
    deadline_days: int = 10,
    reminder_days: int = 3,
    span_years: int = 1,
    span_anchor: int | None = None,
    description: str = "",
) -> ReportForm:
    """A form set up by an administrator of ``owner`` for units of ``owner``'s subtree."""
    permissions.require(by, "manage", owner)
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


@permissions.gated
@transaction.atomic
def form_update(*, form: ReportForm, by: Actor, **fields: Any) -> ReportForm:
    permissions.require(by, "manage", form.owner)
    unknown = set(fields) - FORM_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for key, value in fields.items():
        setattr(form, key, normalise(value) if key == "name" else value)
    stamp(form, by, _("Changed"))
    form.save()
    return form


@permissions.gated
@transaction.atomic
def form_set_indicators(
    *, form: ReportForm, indicators: Sequence[Indicator | str], by: Actor, required: Sequence[str] = ()
) -> None:
    """The form's indicators, in this order (codes or objects)."""
    permissions.require(by, "manage", form.owner)
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


@permissions.gated
@transaction.atomic
def form_set_units(*, form: ReportForm, units: Sequence[Unit], by: Actor) -> None:
    """The units that must report this form; each must lie in the owner's subtree."""
    permissions.require(by, "manage", form.owner)
    outside = [u.name for u in units if not u.path.startswith(form.owner.path)]
    if outside:
        raise ValidationError(
            _("These units are outside %(owner)s: %(units)s")
            % {"owner": form.owner.name, "units": ", ".join(outside)},
            fields={"units": _("Outside the owner's units.")},
        )
    form.units.set(units)


@permissions.gated
@transaction.atomic
def rule_create(
    *,
    form: ReportForm,
    left: str,
    operator: str,
    right: str,
    by: Actor,
    name: str = "",
    severity: str = Severity.ERROR,
    message: str = "",
) -> ValidationRule:
    permissions.require(by, "manage", form.owner)
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


def form_get_by_code(code: str) -> ReportForm:
    try:
        return ReportForm.objects.select_related("owner").get(code=code)
    except ReportForm.DoesNotExist as exc:
        raise NotFound() from exc
