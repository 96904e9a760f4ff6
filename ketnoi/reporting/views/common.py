"""Helpers shared by the reporting pages: look-ups that check the caller's subtree, and number display."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors
from ketnoi.reporting.models import TEXT_TYPES, Indicator, ReportForm, ValueType
from ketnoi.reporting.periods import form_period
from ketnoi.units import selectors as unit_selectors
from ketnoi.units.models import Unit


def get_form(request: HttpRequest, code: str) -> ReportForm:
    return selectors.form_get(code=code, for_user=request.user)


def get_period(form: ReportForm, period_id: str) -> P.Period:
    return form_period(form, period_id)


def get_unit(request: HttpRequest, code: str, verb: str = "view") -> Unit:
    return unit_selectors.unit_get(code=code, for_user=request.user, verb=verb)


def get_reporting_unit(request: HttpRequest, form: ReportForm, code: str) -> Unit:
    unit = get_unit(request, code)
    if not form.units.filter(pk=unit.pk).exists():
        raise ValidationError(
            _("%(unit)s does not report the form %(form)s.") % {"unit": unit.name, "form": form.name},
            fields={"unit": _("Not a reporting unit of this form.")},
        )
    return unit


def fmt_number(value: float | Decimal | int | None, decimals: int | None = None) -> str:
    """16.000 · 3,5 · — for nothing."""
    if value is None:
        return "—"
    if isinstance(value, float) and decimals is None:
        value = int(value) if value == int(value) else round(value, 2)
    if decimals is not None:
        return formats.number_format(value, decimal_pos=decimals, force_grouping=True)
    return formats.number_format(value, force_grouping=True)


def display_value(indicator: Indicator, stored: str) -> str:
    """A stored value as shown to a Vietnamese reader: 16.000, 3,5, Có/Không."""
    if stored == "" or stored is None:
        return ""
    if indicator.value_type in (ValueType.BOOLEAN, ValueType.TRUE_ONLY):
        return _("Yes") if stored == "true" else _("No")
    if indicator.value_type in TEXT_TYPES:
        return stored
    try:
        number = Decimal(stored)
    except ArithmeticError:
        return stored
    if number == number.to_integral_value():
        return formats.number_format(int(number), force_grouping=True)
    return formats.number_format(number, force_grouping=True)
