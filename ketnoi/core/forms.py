"""Helpers shared by the server-rendered forms of every app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ApplicationError
from ketnoi.lib import values as V


def add_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a domain error on a form: each field's message beside its field (or at the top when
    the form has no such field), and the error's own message at the top."""
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, str(message))
    form.add_error(None, str(exc.message))


class NumberField(forms.CharField):
    """A number typed by a person, read the Vietnamese way by ``ketnoi.lib.values`` (16.000 is sixteen
    thousand, 1,5 is one and a half), never by Django's own number fields (which read 16.000 as 16)."""

    def __init__(
        self,
        *,
        integer: bool = True,
        min_value: int | Decimal | None = None,
        max_value: int | Decimal | None = None,
        **kwargs: Any,
    ) -> None:
        self.integer, self.min_value, self.max_value = integer, min_value, max_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric" if integer else "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | Decimal | None:  # type: ignore[override]
        try:
            number = V.parse_number(value, dialect=V.VIETNAMESE, integer=self.integer)
        except V.ValueRefused as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if number is None:
            return None
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(
                _("Must be at least %(min)s.") % {"min": self.min_value}, code="min_value"
            )
        if self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(
                _("Must be at most %(max)s.") % {"max": self.max_value}, code="max_value"
            )
        return int(number) if self.integer else number


class IsoDateInput(forms.DateInput):
    """The browser's date picker (``<input type=date>``): its value is always ISO ``yyyy-mm-dd`` whatever the
    language (a d/m/Y value leaves it blank); the browser shows it as dd/mm/yyyy to a Vietnamese reader."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
