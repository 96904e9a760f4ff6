"""The security audit trail for administrators: filter, page, export (CSV or XLSX)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from ketnoi.accounts import selectors
from ketnoi.core.exceptions import NotFound
from ketnoi.core.models import SecurityEvent, SecurityEventKind
from ketnoi.core.paging import page_of
from ketnoi.lib.exports import csv_writer, workbook_bytes
from ketnoi.units.picker import use_unit_picker
from ketnoi.units.selectors import unit_get, unit_list

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
PAGE_SIZE = 100
EXPORT_LIMIT = 100_000


class SecurityEventFilter(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Event"),
        required=False,
        choices=[("", gettext_lazy("All events")), *SecurityEventKind.choices],
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Unit (with the units below it)"),
        required=False,
        choices=[("", gettext_lazy("All units"))],
    )
    since = forms.DateField(
        label=gettext_lazy("From (dd/mm/yyyy)"), required=False, input_formats=DATE_FORMATS
    )
    until = forms.DateField(label=gettext_lazy("To (dd/mm/yyyy)"), required=False, input_formats=DATE_FORMATS)
    person = forms.CharField(label=gettext_lazy("User name"), required=False, max_length=150)

    def __init__(self, *args: Any, for_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The one tree picker over the units the person manages, merged units included: their events stay.
        use_unit_picker(
            self.fields["unit"], list(unit_list(for_user=for_user, verb="manage", include_dissolved=True))
        )


def _events(request: HttpRequest) -> tuple[SecurityEventFilter, QuerySet[SecurityEvent]]:
    form = SecurityEventFilter(request.GET or None, for_user=request.user)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    # A unit outside the picker's choices is refused as such (403), not silently dropped with the form.
    code = (data.get("unit") or request.GET.get("unit") or "").strip()
    unit = unit_get(code=code, for_user=request.user, verb="manage") if code else None
    events = selectors.security_event_list(
        for_user=request.user,
        kind=data.get("kind") or "",
        unit=unit,
        since=data.get("since"),
        until=data.get("until"),
        person=(data.get("person") or "").strip(),
    )
    if request.GET and not form.is_valid():
        events = events.none()
    return form, events


def _row(event: SecurityEvent) -> list[Any]:
    person = event.person
    who = person.username if person is not None else (event.username or _("(nobody)"))
    return [
        timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M:%S"),
        event.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        str(event.get_kind_display()),
        who,
        event.unit.code if event.unit is not None else "",
        event.address or "",
        detail_text(event),
    ]


DETAIL_LABELS = {
    "person": gettext_lazy("person no."),
    "role": gettext_lazy("role"),
    "action": gettext_lazy("action"),
    "report": gettext_lazy("report no."),
    "period": gettext_lazy("period"),
    "page": gettext_lazy("page no."),
    "story": gettext_lazy("story no."),
    "publications": gettext_lazy("publications"),
    "token": gettext_lazy("token no."),
    "prefix": gettext_lazy("token begins"),
    "kind": gettext_lazy("kind"),
    "import": gettext_lazy("import no."),
    "rows": gettext_lazy("rows"),
    "method": gettext_lazy("method"),
    "path": gettext_lazy("address"),
    "fields": gettext_lazy("fields"),
    "count": gettext_lazy("count"),
}
DETAIL_VALUES = {
    "grant": gettext_lazy("granted"),
    "revoke": gettext_lazy("revoked"),
    "set": gettext_lazy("entered"),
    "delete": gettext_lazy("removed"),
    "data_values": gettext_lazy("report values"),
    "page_metrics": gettext_lazy("page figures"),
    "export": gettext_lazy("export"),
    "erase": gettext_lazy("erasure"),
}


def detail_text(event: SecurityEvent) -> str:
    """The detail in the reader's language: labelled values, roles by their names."""
    from ketnoi.accounts.models import Role

    parts = []
    for key, value in sorted(event.detail.items()):
        if key == "role" and value in Role.values:
            shown: Any = Role(value).label
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = DETAIL_VALUES.get(str(value), value)
        parts.append(f"{DETAIL_LABELS.get(key, key)}: {shown}")
    return "; ".join(parts)


def _heading() -> list[str]:
    return [
        _("Time (Việt Nam)"),
        _("Time (UTC)"),
        _("Event"),
        _("User name"),
        _("Unit"),
        _("Address"),
        _("Detail"),
    ]


@login_required
@require_GET
def security_events(request: HttpRequest) -> HttpResponse:
    form, events = _events(request)
    page = page_of(request, events, PAGE_SIZE)
    for event in page:
        event.detail_shown = detail_text(event)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/security_events.html",
        {
            "form": form,
            "rows": page,
            "retention_days": settings.KETNOI_SECURITY_EVENT_DAYS,
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def security_events_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    _form, events = _events(request)
    rows = [_row(e) for e in events[:EXPORT_LIMIT]]
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.worksheets[0]
        sheet.title = _("Security events")[:31]
        sheet.append(_heading())
        for row in rows:
            sheet.append(row)
        response = HttpResponse(
            workbook_bytes(book),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="security-events-{stamp}.xlsx"'
        return response
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(_heading())
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="security-events-{stamp}.csv"'
    return response
