"""Sync with a DHIS2 instance by code mapping: push the approved values of chosen forms to DHIS2, pull
a data set's values from DHIS2. Both sides name objects by code (DHIS2's ``idScheme=CODE``): a form's code is
the data set's code, an indicator's code the data element's, a unit's code the organisation unit's, an
option's code the category option combo's.

Push sends only values of approved reports (``importStrategy=CREATE_AND_UPDATE``); pull imports through the
one import service (all-or-nothing, DHIS2's rules). Both are idempotent: a second run changes nothing (DHIS2
answers "ignored", the import here counts the values as ignored). ``dry_run`` asks DHIS2 (or the import here)
to check without writing. Settings: ``KETNOI_DHIS2_URL``, ``KETNOI_DHIS2_USERNAME`` and
``KETNOI_DHIS2_PASSWORD`` (or ``KETNOI_DHIS2_TOKEN``), ``KETNOI_DHIS2_SYNC_FORMS`` (codes pushed nightly by
the worker, ``reporting.tasks.dhis2_push_nightly``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting import dhis2
from ketnoi.reporting.models import DataValue, FormIndicator, Report, ReportForm, ReportStatus
from ketnoi.reporting.periods import form_period_at, read_period
from ketnoi.reporting.services.imports import values_import

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

TIMEOUT = httpx.Timeout(60.0, connect=10.0)


@dataclass
class Connection:
    url: str
    username: str = ""
    password: str = ""
    token: str = ""

    @classmethod
    def from_settings(cls) -> Connection:
        url = str(getattr(settings, "KETNOI_DHIS2_URL", "") or "")
        if not url:
            raise ValidationError(
                _("No DHIS2 server is set (KETNOI_DHIS2_URL)."), fields={"url": _("Required.")}
            )
        return cls(
            url=url.rstrip("/"),
            username=str(getattr(settings, "KETNOI_DHIS2_USERNAME", "") or ""),
            password=str(getattr(settings, "KETNOI_DHIS2_PASSWORD", "") or ""),
            token=str(getattr(settings, "KETNOI_DHIS2_TOKEN", "") or ""),
        )

    def client(self) -> httpx.Client:
        headers = {"Accept": "application/json"}
        auth: tuple[str, str] | None = None
        if self.token:
            headers["Authorization"] = f"ApiToken {self.token}"
        elif self.username:
            auth = (self.username, self.password)
        return httpx.Client(base_url=self.url, headers=headers, auth=auth, timeout=TIMEOUT)


@dataclass
class SyncSummary:
    direction: str
    form: str
    periods: list[str] = field(default_factory=list)
    sent: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
    )
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    def line(self) -> str:
        c = self.counts
        return _(
            "%(direction)s %(form)s (%(periods)s): %(sent)d values; imported %(imported)d, "
            "updated %(updated)d, ignored %(ignored)d, deleted %(deleted)d, conflicts %(conflicts)d%(dry)s."
        ) % {
            "direction": self.direction,
            "form": self.form,
            "periods": ", ".join(self.periods) or "-",
            "sent": self.sent,
            **c,
            "conflicts": len(self.conflicts),
            "dry": _(" (dry run: nothing written)") if self.dry_run else "",
        }


def _periods(form: ReportForm, periods: Sequence[str], last: int) -> list[P.Period]:
    if periods:
        return [read_period(p) for p in periods]
    p = form_period_at(form, timezone.localdate()).previous()
    out = [p]
    while len(out) < last:
        out.insert(0, out[0].previous())
    return out


def _fail(response: httpx.Response) -> ValidationError:
    return ValidationError(
        _("DHIS2 answered %(status)d: %(text)s")
        % {"status": response.status_code, "text": response.text[:300]},
        fields={"dhis2": str(response.status_code)},
    )


def push(
    *,
    form: ReportForm,
    connection: Connection,
    periods: Sequence[str] = (),
    last: int = 3,
    dry_run: bool = False,
) -> SyncSummary:
    """Send the approved values of ``form`` for ``periods`` (default: the ``last`` ended periods)."""
    pes = _periods(form, periods, last)
    summary = SyncSummary("push", form.code, [p.id for p in pes], dry_run=dry_run)
    approved = set(
        Report.objects.filter(
            form=form, period__in=summary.periods, status=ReportStatus.APPROVED
        ).values_list("unit_id", "period")
    )
    indicator_ids = list(FormIndicator.objects.filter(form=form).values_list("indicator_id", flat=True))
    rows = (
        DataValue.objects.filter(indicator_id__in=indicator_ids, period__in=summary.periods)
        .order_by("period", "unit__path", "indicator__code")
        .values_list("unit_id", "period", "indicator__code", "unit__code", "option__code", "value", "comment")
    )
    values = [
        {
            "dataElement": code,
            "period": pid,
            "orgUnit": unit_code,
            "categoryOptionCombo": option or "default",
            "value": value,
            **({"comment": comment} if comment else {}),
        }
        for unit_id, pid, code, unit_code, option, value, comment in rows
        if (unit_id, pid) in approved
    ]
    summary.sent = len(values)
    if not values:
        return summary
    params = {
        "idScheme": "CODE",
        "importStrategy": "CREATE_AND_UPDATE",
        "dryRun": "true" if dry_run else "false",
    }
    with connection.client() as client:
        response = client.post(
            "/api/dataValueSets", params=params, json={"dataSet": form.code, "dataValues": values}
        )
    if response.status_code not in (200, 201, 409):
        raise _fail(response)
    body = response.json()
    report = body.get("response", body) if isinstance(body, dict) else {}
    counts = report.get("importCount") or {}
    summary.counts = {k: int(counts.get(k, 0)) for k in summary.counts}
    summary.conflicts = list(report.get("conflicts") or [])
    return summary


@permissions.gated
def pull(
    *,
    form: ReportForm,
    connection: Connection,
    by: Actor,
    root: str,
    periods: Sequence[str] = (),
    last: int = 3,
    dry_run: bool = False,
) -> SyncSummary:
    """Import DHIS2's values of the data set ``form.code`` for the units under ``root`` (a unit code)."""
    pes = _periods(form, periods, last)
    summary = SyncSummary("pull", form.code, [p.id for p in pes], dry_run=dry_run)
    params: list[tuple[str, str | int | float | bool | None]] = [
        ("dataSet", form.code),
        ("orgUnit", root),
        ("children", "true"),
        ("idScheme", "CODE"),
        *(("period", p.id) for p in pes),
    ]
    with connection.client() as client:
        response = client.get("/api/dataValueSets", params=params)
    if response.status_code != 200:
        raise _fail(response)
    rows = dhis2.rows_from_json(response.json(), source="DHIS2")
    summary.sent = len(rows)
    result = values_import(rows=rows, by=by, source="DHIS2", dry_run=dry_run, data_set=form)
    summary.counts = {
        "imported": result.imported,
        "updated": result.updated,
        "ignored": result.ignored,
        "deleted": result.deleted,
    }
    return summary


def nightly_forms() -> list[ReportForm]:
    codes = [c for c in getattr(settings, "KETNOI_DHIS2_SYNC_FORMS", []) if c]
    return list(ReportForm.objects.filter(code__in=codes).order_by("code"))
