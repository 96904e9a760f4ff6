"""The one unit picker: a select box of units in tree order that the browser turns into a searchable tree
(``ketnoi/core/static/ketnoi/app.js``, ``[data-unit-picker]``).

Each option carries what the search needs, computed here with the project's rules: the folded text
(``lib.vn_text.fold`` of name, short name, other names, code and parent's name) so a search typed without
diacritics finds "Xã Đa Kia", the parent's name (shown beside the name while searching, so two communes of
the same name are told apart), the depth (indentation) and whether the unit is dissolved (hidden unless the
person asks for dissolved units too). Forms use ``UnitPicker``/``UnitMultiPicker`` through
``use_unit_picker``; hand-written filter forms use ``{% unit_select %}`` (``units_picker`` tag library).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from ketnoi.lib.vn_text import fold
from ketnoi.units.models import Unit
from ketnoi.units.selectors import UnitOnDate

INDENT = "\u2003"  # an em space per level: indentation that does not read as text


@dataclass(frozen=True)
class PickerOption:
    value: str
    name: str
    parent: str
    depth: int
    fold: str
    dissolved: bool

    @property
    def label(self) -> str:
        return INDENT * self.depth + self.name

    def attrs(self) -> dict[str, str]:
        out = {"data-fold": self.fold, "data-depth": str(self.depth), "data-name": self.name}
        if self.parent:
            out["data-parent"] = self.parent
            out["title"] = f"{self.name} · {self.parent}"
        if self.dissolved:
            out["data-dissolved"] = "1"
        return out


def picker_options(
    units: Iterable[Unit | UnitOnDate], *, value: str = "code", day: dt.date | None = None
) -> list[PickerOption]:
    """Options for ``units`` given in tree order (a parent before its units); ``value`` is ``code`` or
    ``pk``. Depth is relative to the highest unit listed; dissolved means not existing on ``day``."""
    units = list(units)
    day = day or timezone.localdate()
    parents, parent_ids = _parents(units)
    depth: dict[int, int] = {}
    out = []
    for u in units:
        parent_id = parent_ids.get(u.id)
        depth[u.id] = depth[parent_id] + 1 if parent_id in depth else 0
        extra = [u.code, parents.get(u.id, "")]
        dissolved = False
        if isinstance(u, Unit):
            extra += [u.short_name, *u.aliases.splitlines()]
            dissolved = not u.is_active_on(day)
        out.append(
            PickerOption(
                value=str(u.code if value == "code" else u.id),
                name=u.name,
                parent=parents.get(u.id, ""),
                depth=depth[u.id],
                fold=fold(" ".join([u.name, *extra])),
                dissolved=dissolved,
            )
        )
    return out


def _parents(units: Sequence[Unit | UnitOnDate]) -> tuple[dict[int, str], dict[int, int | None]]:
    """unit id -> its parent's name and id, in one query (``UnitOnDate`` knows its parent of that day)."""
    today_units = [u for u in units if isinstance(u, Unit) and u.depth > 1]
    by_path = {
        path: (pk, name)
        for path, pk, name in Unit.objects.filter(
            path__in={u.path[: -Unit.steplen] for u in today_units}
        ).values_list("path", "pk", "name")
    }
    names: dict[int, str] = {}
    ids: dict[int, int | None] = {}
    for t in today_units:
        ids[t.id], names[t.id] = by_path.get(t.path[: -Unit.steplen], (None, ""))
    dated = {u.id: u for u in units if isinstance(u, UnitOnDate)}
    if dated:
        missing = {u.parent_id for u in dated.values() if u.parent_id and u.parent_id not in dated}
        known = {u.id: u.name for u in dated.values()}
        known.update(Unit.objects.filter(pk__in=missing).values_list("pk", "name"))
        for d in dated.values():
            ids[d.id] = d.parent_id
            if d.parent_id:
                names[d.id] = known.get(d.parent_id, "")
    return names, ids


class _PickerMixin:
    options_by_value: dict[str, PickerOption]

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: Any,
        index: int,
        subindex: Any = None,
        attrs: Any = None,
    ) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(  # type: ignore[misc]
            name, value, label, selected, index, subindex, attrs
        )
        found = self.options_by_value.get(str(value))
        if found is not None:
            option["attrs"] = {**option["attrs"], **found.attrs()}
        return option


class UnitPicker(_PickerMixin, forms.Select):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-unit-picker": "", **(attrs or {})})
        self.options_by_value = {}


class UnitMultiPicker(_PickerMixin, forms.SelectMultiple):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-unit-picker": "", "size": "10", **(attrs or {})})
        self.options_by_value = {}


def use_unit_picker(field: forms.Field, units: Sequence[Unit], *, value: str = "code") -> None:
    """Make ``field`` (a choice field of codes, or a model choice field with ``value="pk"``) the unit picker
    over ``units`` in tree order."""
    options = picker_options(units, value=value)
    multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    widget: UnitPicker | UnitMultiPicker = UnitMultiPicker() if multiple else UnitPicker()
    widget.options_by_value = {o.value: o for o in options}
    if isinstance(field, forms.ModelChoiceField):
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        labels = {o.value: o.label for o in options}
        field.label_from_instance = lambda obj: labels.get(str(obj.pk), obj.name)  # type: ignore[method-assign]
    else:
        blank = [c for c in getattr(field, "choices", []) if c[0] == ""]
        field.choices = [*blank, *((o.value, o.label) for o in options)]  # type: ignore[attr-defined]
    widget.choices = field.choices  # type: ignore[attr-defined]
    widget.is_required = field.required
    widget.attrs.update(field.widget_attrs(widget))
    field.widget = widget
