"""``{% unit_select name options selected %}``: the one unit picker in hand-written filter forms."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ketnoi.units.picker import PickerOption, picker_options

register = template.Library()


@register.simple_tag
def unit_select(
    name: str,
    options: list[PickerOption],
    selected: Any = "",
    empty_label: str = "",
    multiple: bool = False,
    id: str = "",
) -> SafeString:
    """A select box of ``options`` (from ``units.picker.picker_options``) that app.js turns into a searchable
    tree; ``selected`` is a value or a list of values; ``empty_label`` adds a first blank choice."""
    chosen = {str(v) for v in selected} if isinstance(selected, list | tuple | set) else {str(selected or "")}
    # Built with one escape per value and a join, not format_html per option: a province's picker has
    # thousands of options on every page that shows it.
    rows = [f'<option value="">{escape(empty_label)}</option>'] if empty_label else []
    for o in options:
        attrs = "".join(f' {k}="{escape(v)}"' for k, v in o.attrs().items())
        sel = " selected" if o.value in chosen else ""
        rows.append(f'<option value="{escape(o.value)}"{attrs}{sel}>{escape(o.label)}</option>')
    return format_html(
        '<select name="{}"{}{} data-unit-picker aria-label="{}">{}</select>',
        name,
        format_html(' id="{}"', id) if id else "",
        SafeString(' multiple size="8"') if multiple else "",
        _("Unit"),
        SafeString("".join(rows)),  # every value in rows is escaped above
    )


@register.filter
def as_picker(units: Any) -> list[PickerOption]:
    """Units (today's, in tree order) as picker options: ``{% unit_select "unit" units|as_picker code %}``."""
    return picker_options(units)
