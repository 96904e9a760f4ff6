"""How a reporting value is read and checked against its indicator, and how it is named in messages.

Below both services and selectors; pure rules, no writes.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ketnoi.lib import periods as P
from ketnoi.lib.vn_text import fold
from ketnoi.reporting.models import (
    DisaggregationOption,
    Indicator,
    ValueType,
)
from ketnoi.units.models import Unit


def value_key(indicator: Indicator, option: DisaggregationOption | None) -> str:
    return indicator.code if option is None else f"{indicator.code}.{option.code}"


def fmt_number(n: float) -> str:
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
        raise fail(
            _("%(place)s: must be at least %(min)s (got %(value)s)."), min=fmt_number(indicator.min_value)
        )
    if indicator.max_value is not None and number > indicator.max_value:
        raise fail(
            _("%(place)s: must be at most %(max)s (got %(value)s)."), max=fmt_number(indicator.max_value)
        )
    stored = str(int(number)) if integer else repr(number).removesuffix(".0")
    return stored, number
