"""How a reporting value is read and checked against its indicator, and how it is named in messages.

Below both services and selectors; pure rules, no writes.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ketnoi.lib import periods as P
from ketnoi.lib import values as V
from ketnoi.reporting.models import (
    INTEGER_TYPES,
    TEXT_TYPES,
    DisaggregationOption,
    Indicator,
    ValueType,
)
from ketnoi.units.models import Unit

TEXT_MAX = 2000  # a text answer: one line on the entry screen
LONG_TEXT_MAX = 50_000  # DHIS2's longest value
DHIS2_INT_MAX = 2**31 - 1  # DHIS2 reads whole numbers as 32-bit integers


def value_key(indicator: Indicator, option: DisaggregationOption | None) -> str:
    return indicator.code if option is None else f"{indicator.code}.{option.code}"


def fmt_number(n: float) -> str:
    return number_format(n, decimal_pos=None if n != int(n) else 0, force_grouping=True)


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
    dialect: V.Dialect,
) -> tuple[str, float | None]:
    """(stored text, number) for a raw value read in ``dialect`` (``ketnoi.lib.values``), or ValueError
    with a message naming unit, period and field."""
    place = where(unit, period, indicator, option)
    text = "" if raw is None else str(raw).strip()
    vt = indicator.value_type

    def fail(message: str, **params: Any) -> ValueError:
        return ValueError(message % {"place": place, "value": text[:60], **params})

    if vt in TEXT_TYPES:
        limit = LONG_TEXT_MAX if vt == ValueType.LONG_TEXT else TEXT_MAX
        if len(text) > limit:
            raise fail(_("%(place)s: the text is longer than %(n)s characters."), n=fmt_number(limit))
        return text, None
    if vt in (ValueType.BOOLEAN, ValueType.TRUE_ONLY):
        answer = V.parse_bool(raw, dialect=dialect, field=place)
        if answer is None:
            raise fail(_("%(place)s: answer yes or no (got “%(value)s”)."))
        if vt == ValueType.TRUE_ONLY and not answer:
            raise fail(_("%(place)s: only “yes” can be given here; leave it empty for no (got “%(value)s”)."))
        return ("true", 1.0) if answer else ("false", 0.0)
    # DHIS2 reads integers as 32-bit numbers and percentages as whole numbers from 0 to 100 (from machines).
    integer = vt in INTEGER_TYPES or (vt == ValueType.PERCENTAGE and dialect is V.EXCHANGE)
    maximum = DHIS2_INT_MAX if integer and dialect is V.EXCHANGE else V.MAX_MAGNITUDE
    parsed = V.parse_number(raw, dialect=dialect, field=place, integer=integer, maximum=maximum)
    if parsed is None:
        raise fail(_("%(place)s: “%(value)s” is not a number."))
    number = float(parsed)
    if vt == ValueType.INTEGER_POSITIVE and number <= 0:
        raise fail(_("%(place)s: must be a whole number greater than 0 (got %(value)s)."))
    if vt == ValueType.INTEGER_NEGATIVE and number >= 0:
        raise fail(_("%(place)s: must be a whole number less than 0 (got %(value)s)."))
    if vt == ValueType.INTEGER_ZERO_OR_POSITIVE and number < 0:
        raise fail(_("%(place)s: must be 0 or a positive whole number (got %(value)s)."))
    if vt == ValueType.PERCENTAGE and not 0 <= number <= 100:
        raise fail(_("%(place)s: a percentage lies between 0 and 100 (got %(value)s)."))
    if indicator.min_value is not None and number < indicator.min_value:
        raise fail(
            _("%(place)s: must be at least %(min)s (got %(value)s)."), min=fmt_number(indicator.min_value)
        )
    if indicator.max_value is not None and number > indicator.max_value:
        raise fail(
            _("%(place)s: must be at most %(max)s (got %(value)s)."), max=fmt_number(indicator.max_value)
        )
    stored = str(int(parsed)) if integer or vt in INTEGER_TYPES else repr(number).removesuffix(".0")
    return stored, number
