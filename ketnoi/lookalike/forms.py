"""Forms of the review screens (the rules are the services')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ketnoi.core.forms import NumberField
from ketnoi.lib import uploads
from ketnoi.lookalike.models import Decision, ReportState


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in Decision.choices if c[0] != Decision.PENDING],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Screenshot or PDF"), help_text=uploads.limit_help("evidence"))
    captured_on = forms.DateField(
        label=_("Captured on"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReportStateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("New state"), choices=[c for c in ReportState.choices if c[0] != ReportState.PREPARED]
    )
    on = forms.DateField(
        label=_("Date of the change"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    reference = forms.CharField(label=_("Platform's reference"), required=False, max_length=100)


class AddForm(forms.Form):
    name = forms.CharField(label=_("Name shown on the page"), required=False, max_length=255)
    url = forms.CharField(label=_("Address"), required=False, max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("List of addresses (CSV or XLSX)"), help_text=uploads.limit_help("report_sheet")
    )


class ThresholdForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit (and the units under it)"))
    threshold = NumberField(label=_("Review threshold (0,5 to 1)"), integer=False)

    def __init__(self, *args: object, units: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
