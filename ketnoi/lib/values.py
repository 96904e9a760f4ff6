"""The one reader of numbers and yes/no answers, in two explicit dialects.

``VIETNAMESE`` is how people write (the screen, spreadsheets they fill in, the page-figures template):
    ``16.000`` and ``16 000`` are sixteen thousand, ``1,5`` is one and a half, ``1.234,5`` is 1234.5,
    a lone ``.`` that does not group thousands (``3.5``) is a decimal point as typed on an English keyboard,
    a trailing ``%`` is ignored; yes is ``có``, ``c``, ``x``, ``đúng``, ``đạt``, ``yes``, ``y``, ``true``,
    ``1``, no is ``không``, ``k``, ``chưa``, ``sai``, ``no``, ``n``, ``false``, ``0`` (any case, with or
    without diacritics).
``EXCHANGE`` is how machines write (the JSON and CSV APIs, DHIS2 data value sets, imports of such files):
    a plain decimal point, no grouping, no leading ``+``, no leading zeros
    (``-?(0|[1-9][0-9]*)(\\.[0-9]+)?``); JSON numbers as they are; yes/no as DHIS2 reads it: ``true``,
    ``True``, ``TRUE``, ``t``, ``T``, ``1`` and ``false``, ``False``, ``FALSE``, ``f``, ``F``, ``0``
    (or a JSON boolean), nothing else.

Ambiguous text is refused, never guessed: ``1,234.5`` or ``1,234,567`` (English grouping) on the screen,
``16.000`` for a whole number or ``1,5`` through the API. So is a number beyond what the database stores:
more than ``MAX_DIGITS`` digits, or a magnitude above ``MAX_MAGNITUDE`` (a signed 64-bit integer).
A refusal is a ``ValueRefused`` (a ``ValueError``) whose message names the field.
"""

from __future__ import annotations

import enum
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ketnoi.lib.vn_text import fold


class Dialect(enum.Enum):
    VIETNAMESE = "vietnamese"
    EXCHANGE = "exchange"


VIETNAMESE = Dialect.VIETNAMESE
EXCHANGE = Dialect.EXCHANGE

MAX_MAGNITUDE = 2**63 - 1  # a signed 64-bit integer: the largest figure any column of the product stores
MAX_DIGITS = 30  # digits in one number, decimals included; more is never a figure someone means

YES_WORDS = frozenset({"co", "c", "x", "dung", "dat", "yes", "y", "true", "1"})  # folded: có, đúng, đạt
NO_WORDS = frozenset({"khong", "k", "chua", "sai", "no", "n", "false", "0"})  # folded: không, chưa
# DHIS2's accepted spellings of a boolean (its "normalizeBoolean"), exactly as written.
EXCHANGE_YES = frozenset({"true", "True", "TRUE", "t", "T", "1"})
EXCHANGE_NO = frozenset({"false", "False", "FALSE", "f", "F", "0"})

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_VN_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 16.000 · 1.234,5
_VN_DECIMAL_COMMA = re.compile(r"^[+-]?\d+(,\d+)?$")  # 16 · 1,5
_VN_DECIMAL_POINT = re.compile(r"^[+-]?\d*\.\d+$|^[+-]?\d+\.$")  # 3.5 (not a group of three)
_EXCHANGE = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")
_GROUP_OF_THREE = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


class ValueRefused(ValueError):
    """A value that cannot be read; ``str()`` is a message for the person, naming the field."""

    def __init__(self, message: str, *, field: str = "", text: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.text = text


def _shown(raw: Any) -> str:
    text = str(raw).strip()
    return text if len(text) <= 40 else text[:37] + "…"


def _refuse(reason: str, raw: Any, field: str) -> ValueRefused:
    shown = _shown(raw)
    if field:
        message = _("%(field)s: “%(value)s” %(reason)s") % {"field": field, "value": shown, "reason": reason}
    else:
        message = _("“%(value)s” %(reason)s") % {"value": shown, "reason": reason}
    return ValueRefused(message, field=field, text=shown)


def _checked(number: Decimal, raw: Any, field: str, integer: bool, maximum: int = MAX_MAGNITUDE) -> Decimal:
    if not number.is_finite():
        raise _refuse(_("is not a number."), raw, field)
    if abs(number) > maximum:
        raise _refuse(_("is too large to be stored."), raw, field)
    if integer and number != number.to_integral_value():
        raise _refuse(_("is not a whole number."), raw, field)
    return number


def _not_a_number(integer: bool) -> str:
    return _("is not a whole number.") if integer else _("is not a number.")


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def parse_number(
    raw: Any, *, dialect: Dialect, field: str = "", integer: bool = False, maximum: int = MAX_MAGNITUDE
) -> Decimal | None:
    """The number written in ``raw`` (``None`` for an empty answer), or ``ValueRefused`` naming ``field``.

    ``integer`` asks for a whole number; ``maximum`` is the largest magnitude the caller's column stores.
    Numbers from JSON or spreadsheet cells (int, float, Decimal) are taken as they are in both dialects;
    text is read by the dialect's rules.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _refuse(_("is not a number."), raw, field)
    if isinstance(raw, int):
        return _checked(Decimal(raw), raw, field, integer, maximum)
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            raise _refuse(_("is not a number."), raw, field)
        number = Decimal(int(raw)) if raw == int(raw) else Decimal(repr(raw))
        return _checked(number, raw, field, integer, maximum)
    if isinstance(raw, Decimal):
        return _checked(raw, raw, field, integer, maximum)
    text = str(raw).strip()
    if text == "":
        return None
    if _digits(text) > MAX_DIGITS or len(text) > 4 * MAX_DIGITS:
        raise _refuse(_("has too many digits to be a figure."), raw, field)
    if dialect is EXCHANGE:
        if not _EXCHANGE.match(text):
            raise _refuse(_exchange_hint(text, integer), raw, field)
        if integer and _GROUP_OF_THREE.match(text):
            # 16.000 for a whole number: sixteen, or sixteen thousand written the Vietnamese way?
            raise _refuse(_("is ambiguous here: write whole numbers without a decimal point."), raw, field)
        return _checked(Decimal(text), raw, field, integer, maximum)
    compact = _SPACES.sub("", text)
    if compact.endswith("%"):
        compact = compact[:-1]
    if _VN_GROUPED.match(compact):
        plain = compact.replace(".", "").replace(",", ".")
    elif _VN_DECIMAL_COMMA.match(compact):
        if integer and re.match(r"^[+-]?\d{1,3},\d{3}$", compact):
            # 16,000 for a whole number: sixteen, or sixteen thousand written the English way?
            raise _refuse(_("is ambiguous here: write 16.000 for sixteen thousand."), raw, field)
        plain = compact.replace(",", ".")
    elif _VN_DECIMAL_POINT.match(compact):
        plain = compact
    else:
        if re.match(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", compact):
            reason = _(
                "is written the English way: write 1.234,5 (dots between thousands, a comma before decimals)."
            )
        else:
            reason = _not_a_number(integer)
        raise _refuse(reason, raw, field)
    try:
        number = Decimal(plain)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits, a sign and one point
        raise _refuse(_("is not a number."), raw, field) from None
    return _checked(number, raw, field, integer, maximum)


def _exchange_hint(text: str, integer: bool) -> str:
    if "," in text:
        return _("is not a plain number: use a decimal point and no thousands separator (1234.5).")
    if text.startswith("+"):
        return _("is not a plain number: leave out the plus sign.")
    if re.match(r"^-?0\d", text):
        return _("is not a plain number: leave out the leading zeros.")
    return _not_a_number(integer)


def parse_bool(raw: Any, *, dialect: Dialect, field: str = "") -> bool | None:
    """The yes/no answer written in ``raw`` (``None`` for an empty answer), or ``ValueRefused``."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if dialect is VIETNAMESE and isinstance(raw, int | float | Decimal) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip()
    if text == "":
        return None
    word = fold(text) if dialect is VIETNAMESE else text
    yes, no = (YES_WORDS, NO_WORDS) if dialect is VIETNAMESE else (EXCHANGE_YES, EXCHANGE_NO)
    if word in yes:
        return True
    if word in no:
        return False
    if dialect is EXCHANGE:
        raise _refuse(_("is not true or false."), raw, field)
    raise _refuse(_("is not Yes or No."), raw, field)


_EXPORT_GROUPED = re.compile(r"^\d{1,3}([.,\u00a0\u202f ]\d{3})+$")


def parse_export_count(raw: Any, *, field: str = "", maximum: int = MAX_MAGNITUDE) -> int | None:
    """A whole count from a platform's export file (Meta Business Suite), read in the exchange dialect after
    the export's thousands separators are taken out: the export's language decides them (1,200 · 1.200 ·
    1 200), and a count has no decimals, so a separator before each group of three can only group."""
    text = "" if raw is None else str(raw).strip()
    if _EXPORT_GROUPED.match(text):
        text = re.sub(r"[.,\u00a0\u202f ]", "", text)
    number = parse_number(text, dialect=EXCHANGE, field=field, integer=True, maximum=maximum)
    return None if number is None else int(number)
