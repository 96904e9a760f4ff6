"""Forms of the pages screens: they only check shapes; rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ketnoi.core.forms import IsoDateInput, NumberField
from ketnoi.lib import uploads
from ketnoi.pages.models import METRIC_KEYS, MetricSnapshot, PageRole, PageStatus, Platform
from ketnoi.units.models import Unit
from ketnoi.units.picker import use_unit_picker

DATE_INPUT = IsoDateInput()


class PageForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    name = forms.CharField(label=_("Name"), max_length=255)
    url = forms.CharField(
        label=_("Address"), max_length=500, help_text=_("For example https://www.facebook.com/TuHaoBinhPhuoc")
    )
    platform_id = forms.CharField(
        label=_("Platform id"), max_length=100, required=False, help_text=_("The page id that Meta shows.")
    )
    is_grassroots = forms.BooleanField(label=_("Grassroots page"), required=False)
    recovery_email = forms.EmailField(label=_("Recovery e-mail"), required=False)
    review_interval_days = forms.IntegerField(
        label=_("Review every (days)"), min_value=1, max_value=3650, initial=90
    )
    notes = forms.CharField(
        label=_("Internal notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            use_unit_picker(self.fields["unit"], list(units), value="pk")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PageStatus.choices)
    on = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)

    def __init__(self, *args: Any, can_edit: bool = True, can_verify: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer only what the caller may set: verifying is the office's, the other statuses the editors'.
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in PageStatus.choices
            if (can_verify if value == PageStatus.VERIFIED else can_edit)
        ]


class SnapshotForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in METRIC_KEYS:
            self.fields[key] = NumberField(
                label=getattr(MetricSnapshot._meta.get_field(key), "verbose_name", key),
                min_value=0,
                required=False,
            )

    def values(self) -> dict[str, int | None]:
        """Only the figures typed in: an empty box leaves the stored figure as it is."""
        return {k: self.cleaned_data[k] for k in METRIC_KEYS if self.cleaned_data.get(k) is not None}


class AdministratorForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role on the page"), choices=PageRole.choices)
    two_factor = forms.BooleanField(label=_("Two-factor sign-in on the platform"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"), help_text=uploads.limit_help("metrics"))
    page = forms.TypedChoiceField(
        label=_("Page"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Only for Meta's page-level export, which names no page."),
    )

    def __init__(self, *args: Any, pages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page"].choices = [("", "—"), *((p.pk, f"{p.name} ({p.unit.name})") for p in pages)]  # type: ignore[attr-defined]
