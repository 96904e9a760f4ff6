from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ketnoi.units.models import UnitKind, UnitLevel

ACTIONS = [
    ("rename", _("Rename")),
    ("move", _("Move under another unit")),
    ("merge", _("Merge other units into this one")),
    ("dissolve", _("Dissolve")),
    ("create", _("Establish a unit under this one")),
]


class ReorganiseForm(forms.Form):
    action = forms.ChoiceField(label=_("Change"), choices=ACTIONS)
    effective_date = forms.DateField(label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"}))
    decision = forms.CharField(label=_("Decision (number and symbol)"), max_length=255, required=False)
    new_name = forms.CharField(label=_("New name"), max_length=255, required=False)
    target = forms.ChoiceField(label=_("Other unit"), required=False)
    sources = forms.MultipleChoiceField(label=_("Units merged into this one"), required=False)
    code = forms.CharField(label=_("Code of the new unit"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=UnitLevel.choices, required=False)

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(u.code, f"{'— ' * (u.depth - 1)}{u.name}") for u in units]
        self.fields["target"].choices = [("", "—"), *choices]
        self.fields["sources"].choices = choices
