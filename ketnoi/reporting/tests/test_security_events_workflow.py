"""Approvals and reopenings of reports leave security events on the report's unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from ketnoi.core.models import SecurityEvent
from ketnoi.reporting import services


def test_an_approval_and_a_reopening_are_security_events_on_the_reports_unit(
    monthly_form: Any, unit: Any, clerk: Any, district_approver: Any
) -> None:
    xpn = unit("BP-BGM-XPN")
    saved = services.report_values_save(
        form=monthly_form, unit=xpn, period="202001", values={"members": "10"}, by=clerk
    )
    with time_machine.travel(dt.datetime(2020, 2, 3, 9, tzinfo=dt.UTC)):
        report = services.report_submit(report=saved.report, by=clerk)
    report = services.report_approve(report=report, by=district_approver)
    services.report_reopen(report=report, reason="Sửa số liệu", by=district_approver)
    events = SecurityEvent.objects.filter(person=district_approver).order_by("id")
    assert [(e.kind, e.unit, e.detail["period"]) for e in events] == [
        ("approval", xpn, "202001"),
        ("reopen", xpn, "202001"),
    ]
