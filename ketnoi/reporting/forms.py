"""Forms of the reporting pages. Typed values are read by ``ketnoi.lib.values`` (in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ketnoi.lib import uploads


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
        help_text=uploads.limit_help("report_sheet"),
    )

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
        try:
            uploads.check_size(f.size, name=f.name, kind="report_sheet")
        except uploads.UploadRefused as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return f
