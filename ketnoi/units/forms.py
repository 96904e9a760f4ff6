from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from ketnoi.core.forms import IsoDateInput
from ketnoi.units.models import UnitKind, UnitLevel
from ketnoi.units.picker import use_unit_picker

ACTIONS = [
    ("rename", _("Rename")),
    ("move", _("Move under another unit")),
    ("merge", _("Merge other units into this one")),
    ("split", _("Split into new units")),
    ("dissolve", _("Dissolve")),
    ("create", _("Establish a unit under this one")),
]


class ReorganiseForm(forms.Form):
    action = forms.ChoiceField(label=_("Change"), choices=ACTIONS)
    effective_date = forms.DateField(label=_("Effective date"), widget=IsoDateInput())
    decision = forms.CharField(label=_("Decision (number and symbol)"), max_length=255, required=False)
    new_name = forms.CharField(label=_("New name"), max_length=255, required=False)
    target = forms.ChoiceField(label=_("Other unit"), required=False)
    sources = forms.MultipleChoiceField(label=_("Units merged into this one"), required=False)
    code = forms.CharField(label=_("Code of the new unit"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *UnitKind.choices], required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *UnitLevel.choices], required=False)
    parts = forms.CharField(
        label=_("New units of a split"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "BP-X-A | Xã A\nBP-X-B | Xã B"}),
        help_text=_("One per line: code | name. The first one takes over the records of the old unit."),
    )

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = [("", "—")]
        use_unit_picker(self.fields["target"], units)
        use_unit_picker(self.fields["sources"], units)

    def clean_parts(self) -> list[dict[str, str]]:
        """``code | name`` lines into split parts, with a message naming the faulty line."""
        raw = self.cleaned_data.get("parts") or ""
        parts: list[dict[str, str]] = []
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, name = line.partition("|")
            if not sep or not code.strip() or not name.strip():
                raise forms.ValidationError(
                    _gettext('Line %(n)s: write "code | name", for example "BP-X-A | Xã A".') % {"n": number}
                )
            parts.append({"code": code.strip(), "name": name.strip()})
        return parts


class UnitDetailsForm(forms.Form):
    short_name = forms.CharField(label=_("Short name"), max_length=120, required=False)
    aliases = forms.CharField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: names used for this unit in documents."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=UnitLevel.choices)
    email = forms.EmailField(label=_("Official e-mail"), required=False)

    def __init__(self, *args: Any, shape_fixed: bool = False, **kwargs: Any) -> None:
        """``shape_fixed``: the caller may describe the unit but not reshape it (the root of their scope)."""
        super().__init__(*args, **kwargs)
        if shape_fixed:
            for name in ("short_name", "kind", "level"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Only an administrator of a unit above can change this.")
