"""Forms of the reporting pages, and reading numbers the way a Vietnamese office types them.

``parse_number`` accepts ``16.000``, ``16000``, ``16 000``, ``3,5``, ``1.234,5`` and ``98%``; values are
checked again by the engine's services, this module only turns what was typed into a number.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3}){2,}$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")

YES_WORDS = frozenset({"có", "co", "c", "x", "yes", "y", "true", "1", "đúng", "dung", "đạt", "dat"})
NO_WORDS = frozenset({"không", "khong", "k", "no", "n", "false", "0", "sai", "chưa", "chua"})


class NumberParseError(ValueError):
    """What was typed is not a number."""


def parse_number(raw: Any) -> Decimal | None:
    """A typed number as a Decimal; ``None`` for an empty entry.

    Vietnamese writing first: ``.`` groups thousands and ``,`` marks decimals (``16.000`` is sixteen
    thousand, ``3,5`` is three and a half). A lone ``.`` that does not group thousands (``3.5``) is read
    as a decimal point, as typed on an English keyboard. Numbers from spreadsheets arrive as int/float.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NumberParseError(str(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise NumberParseError(str(raw))
        return Decimal(repr(raw)).normalize() if raw != int(raw) else Decimal(int(raw))
    if isinstance(raw, Decimal):
        return raw
    text = _SPACES.sub("", str(raw))
    if text.endswith("%"):
        text = text[:-1]
    if text == "":
        return None
    if "." in text and "," in text:
        # The separator that comes last marks the decimals: 1.234,5 or 1,234.5.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", "") if _GROUPED_COMMA.match(text) else text.replace(",", ".")
    elif _GROUPED_DOT.match(text):
        text = text.replace(".", "")
    if not _PLAIN.match(text):
        raise NumberParseError(str(raw))
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already rules this out
        raise NumberParseError(str(raw)) from exc


def parse_yes_no(raw: Any) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().lower()
    if text == "":
        return None
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise NumberParseError(str(raw))


class ReasonForm(forms.Form):
    """A reason is required to return or reopen a report; it is shown to the unit and kept in the audit."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Please give a reason.")},
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Please give a reason."))
        return reason


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in spreadsheet (.xlsx)"),
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": gettext_lazy("Choose the .xlsx file to upload.")},
    )

    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        name = (f.name or "").lower()
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(
                _(
                    "%(file)s is not an .xlsx spreadsheet. Save it as an Excel workbook (.xlsx) "
                    "and upload it again."
                )
                % {"file": f.name}
            )
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("%(file)s is larger than 10 MB; upload one district at a time.") % {"file": f.name}
            )
        return f
