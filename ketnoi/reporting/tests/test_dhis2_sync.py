"""``ketnoi dhis2-sync`` and the nightly job against a small fake DHIS2 server (tests/fakes/dhis2.py):
approved values only, by code, dry run, a summary, idempotent re-runs; pull imports with DHIS2's rules."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services
from ketnoi.reporting.models import DataValue, Report
from tests.fakes.dhis2 import FakeDhis2


@pytest.fixture
def fake() -> Iterator[FakeDhis2]:
    server = FakeDhis2().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def connected(fake: FakeDhis2, settings: Any) -> FakeDhis2:
    settings.KETNOI_DHIS2_URL = fake.url
    settings.KETNOI_DHIS2_USERNAME = fake.username
    settings.KETNOI_DHIS2_PASSWORD = fake.password
    return fake


def _approved(form: Any, unit: Any, period: str, values: dict[str, str]) -> None:
    services.report_values_save(form=form, unit=unit, period=period, values=values, by=SYSTEM)
    report = Report.objects.get(form=form, unit=unit, period=period)
    services.report_submit(report=report, by=SYSTEM)
    services.report_approve(report=Report.objects.get(pk=report.pk), by=SYSTEM)


def _sync(*args: str) -> str:
    out = StringIO()
    with translation.override("vi"):
        call_command("dhis2-sync", *args, stdout=out)
    return out.getvalue()


def test_push_sends_approved_values_by_code_and_a_rerun_changes_nothing(
    connected: FakeDhis2, monthly_form: Any, unit: Any
) -> None:
    _approved(monthly_form, unit("BP-BGM-XPN"), "202001", {"members": "100", "trained": "40"})
    services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XDK"), period="202001", values={"members": "9"}, by=SYSTEM
    )  # a draft: not sent
    dry = _sync("push", "--form", "monthly", "--period", "202001", "--dry-run")
    assert "nhập mới 2" in dry and "chạy thử" in dry and connected.values == {}
    first = _sync("push", "--form", "monthly", "--period", "202001")
    assert "2 giá trị; nhập mới 2, cập nhật 0, bỏ qua 0" in first
    assert connected.values == {
        ("members", "202001", "BP-BGM-XPN", "default"): "100",
        ("trained", "202001", "BP-BGM-XPN", "default"): "40",
    }
    assert connected.posts[-1]["query"]["idScheme"] == "CODE"
    again = _sync("push", "--form", "monthly", "--period", "202001")
    assert "nhập mới 0, cập nhật 0, bỏ qua 2" in again


def test_pull_imports_dhis2s_values_and_is_idempotent(connected: FakeDhis2, monthly_form: Any) -> None:
    connected.values[("members", "202003", "BP-BGM-XPN", "default")] = "70"
    connected.values[("trained", "202003", "BP-DX-PTP", "default")] = "12"
    first = _sync("pull", "--form", "monthly", "--period", "202003")
    assert "nhập mới 2" in first
    assert set(DataValue.objects.values_list("indicator__code", "unit__code", "value")) == {
        ("members", "BP-BGM-XPN", "70"),
        ("trained", "BP-DX-PTP", "12"),
    }
    assert "nhập mới 0, cập nhật 0, bỏ qua 2" in _sync("pull", "--form", "monthly", "--period", "202003")


def test_a_bad_password_or_no_server_is_a_clear_error(
    fake: FakeDhis2, settings: Any, monthly_form: Any
) -> None:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "dhis2-sync",
            "pull",
            "--form",
            "monthly",
            "--url",
            fake.url,
            "--username",
            "sync",
            "--password",
            "x",
            stderr=err,
        )
    assert "401" in err.getvalue()
    settings.KETNOI_DHIS2_URL = ""
    with pytest.raises(CommandError, match="KETNOI_DHIS2_URL"):
        call_command("dhis2-sync", "push", "--form", "monthly")


def test_the_nightly_job_pushes_the_configured_forms(
    connected: FakeDhis2, settings: Any, monthly_form: Any, unit: Any
) -> None:
    from ketnoi.reporting.periods import current_period
    from ketnoi.reporting.tasks import dhis2_push_nightly

    settings.KETNOI_DHIS2_SYNC_FORMS = ["monthly"]
    period = current_period(monthly_form).id
    _approved(monthly_form, unit("BP-BGM-XPN"), period, {"members": "5"})
    assert dhis2_push_nightly.call_local() == 1
    assert connected.values == {("members", period, "BP-BGM-XPN", "default"): "5"}
