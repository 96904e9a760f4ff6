"""Forms of the register's pages (the services validate again; forms only shape the input)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ketnoi.directives.models import DocumentKind, Recurrence, Task, TaskStatus
from ketnoi.lib import uploads
from ketnoi.units.models import Unit
from ketnoi.units.picker import use_unit_picker

DATE_INPUT = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DocumentForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Registered by (issuing unit)")
    )
    attachments = MultipleFileField(
        label=_("Files (PDF, DOCX, TXT)"), required=False, help_text=uploads.limit_help("document")
    )
    text = forms.CharField(
        label=_("Or paste the text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        required=False,
        choices=[("", _("Read from the text")), *DocumentKind.choices],
    )
    number = forms.CharField(
        label=_("Number and symbol"),
        required=False,
        max_length=60,
        help_text=_("e.g. 23-CT/TU, 53/2022/NĐ-CP"),
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    issued_on = forms.DateField(
        label=_("Date of issue"), required=False, input_formats=DATE_FORMATS, widget=DATE_INPUT
    )
    issuing_body = forms.CharField(label=_("Issuing body"), required=False, max_length=255)
    signer = forms.CharField(label=_("Signed by"), required=False, max_length=150)
    signer_capacity = forms.CharField(label=_("Signing capacity"), required=False, max_length=150)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        use_unit_picker(field, units, value="pk")
        if len(units) == 1:
            field.initial = units[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text") and not self.files.getlist("attachments") and not data.get("title"):
            raise forms.ValidationError(
                _("Attach the document's file, paste its text or at least give its title.")
            )
        return data


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *TaskStatus.choices])
    progress = forms.IntegerField(label=_("Progress (%)"), required=False, min_value=0, max_value=100)
    note = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    link = forms.URLField(label=_("Link to evidence"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("Evidence file"), required=False, help_text=uploads.limit_help("evidence"))
    period_end = forms.DateField(
        label=_("Report for the period ending"), required=False, input_formats=DATE_FORMATS, widget=DATE_INPUT
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["progress"].initial = task.progress
        if not task.recurrence:
            del self.fields["period_end"]
        else:
            self.fields["period_end"].initial = task.due_date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("period_end", None)
        return data


class CascadeForm(forms.Form):
    units: forms.ModelMultipleChoiceField[Unit] = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("Units below that carry it out"),
    )
    text = forms.CharField(
        label=_("Task for them (blank: the same text)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(
        label=_("Deadline (blank: the same)"), required=False, input_formats=DATE_FORMATS, widget=DATE_INPUT
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_unit_picker(self.fields["units"], units, value="pk")


class DocumentEditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    number = forms.CharField(
        label=_("Number and symbol"),
        required=False,
        max_length=60,
        help_text=_("e.g. 23-CT/TU, 53/2022/NĐ-CP"),
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    issued_on = forms.DateField(
        label=_("Date of issue"), required=False, input_formats=DATE_FORMATS, widget=DATE_INPUT
    )
    issuing_body = forms.CharField(label=_("Issuing body"), required=False, max_length=255)
    signer = forms.CharField(label=_("Signed by"), required=False, max_length=150)
    signer_capacity = forms.CharField(label=_("Signing capacity"), required=False, max_length=150)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recipients_text = forms.CharField(
        label=_("Other recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )


class AttachForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX, TXT)"), help_text=uploads.limit_help("document"))


class TaskAddForm(forms.Form):
    number = forms.CharField(label=_("Number in the text"), required=False, max_length=20)
    text = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    units: forms.ModelMultipleChoiceField[Unit] = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), label=_("Units that carry it out")
    )
    due_date = forms.DateField(
        label=_("Deadline"), required=False, input_formats=DATE_FORMATS, widget=DATE_INPUT
    )
    recurrence = forms.ChoiceField(label=_("Recurring duty"), required=False, choices=Recurrence.choices)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_unit_picker(self.fields["units"], units, value="pk")


class TaskEditForm(forms.Form):
    text = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(
        label=_("Deadline"), required=False, input_formats=DATE_FORMATS, widget=DATE_INPUT
    )
    recurrence = forms.ChoiceField(label=_("Recurring duty"), required=False, choices=Recurrence.choices)
