"""Separation of duties in the report workflow: the level that approved a report is recorded, only an
approver at or above it reopens it (a district cannot reopen what the province approved), and nobody
approves a report they submitted themselves."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ketnoi.core.exceptions import PermissionDenied
from ketnoi.reporting import services
from ketnoi.reporting.models import Report, ReportStatus


def _submitted(form: Any, unit: Any, by: Any, period: str = "202601") -> Report:
    services.report_values_save(form=form, unit=unit, period=period, values={"members": "120"}, by=by)
    report = services.report_open(form=form, unit=unit, period=period, by=by)
    return services.report_submit(report=report, by=by)


@pytest.fixture
def district_admin_and_approver(make_person: Any) -> Any:
    """As in the demo (bgm.admin): administrator and approver of the district."""
    return make_person("bgm.admin", "BP-BGM", [("unit_admin", "BP-BGM"), ("approver", "BP-BGM")])


def test_a_district_cannot_reopen_what_the_province_approved(
    monthly_form: Any, unit: Any, clerk: Any, approver: Any, district_admin_and_approver: Any
) -> None:
    """The province's approver approves a commune's report (its parent is the district)."""
    report = _submitted(monthly_form, unit("BP-BGM-XPN"), clerk)
    report = services.report_approve(report=report, by=approver)
    assert report.approval_unit == unit("BP")
    assert services.approval_level(report) == unit("BP")
    with pytest.raises(PermissionDenied) as refused:
        services.report_reopen(report=report, reason="Sửa số liệu", by=district_admin_and_approver)
    assert "Tỉnh Bình Phước" in str(refused.value.message)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    report = services.report_reopen(report=report, reason="Sửa số liệu", by=approver)
    assert report.status == ReportStatus.DRAFT and report.approval_unit is None


def test_what_the_district_approved_the_district_or_the_province_may_reopen(
    monthly_form: Any, unit: Any, clerk: Any, approver: Any, district_approver: Any
) -> None:
    report = services.report_approve(
        report=_submitted(monthly_form, unit("BP-BGM-XPN"), clerk), by=district_approver
    )
    assert report.approval_unit == unit("BP-BGM")
    assert services.may_reopen(approver, report)
    services.report_reopen(report=report, reason="Tỉnh yêu cầu sửa", by=approver)
    report = services.report_approve(
        report=services.report_submit(report=report, by=clerk), by=district_approver
    )
    assert services.may_reopen(district_approver, report)
    services.report_reopen(report=report, reason="Huyện tự sửa", by=district_approver)


def test_an_approver_of_another_district_or_a_commune_cannot_reopen(
    monthly_form: Any, unit: Any, clerk: Any, district_approver: Any, make_person: Any
) -> None:
    report = services.report_approve(
        report=_submitted(monthly_form, unit("BP-BGM-XPN"), clerk), by=district_approver
    )
    for person in (
        make_person("dx.approver", "BP-DX", [("approver", "BP-DX")]),
        make_person("xpn.approver", "BP-BGM-XPN", [("approver", "BP-BGM-XPN")]),
        make_person("xpn.admin", "BP-BGM-XPN", [("unit_admin", "BP-BGM-XPN")]),
    ):
        assert not services.may_reopen(person, report)
        with pytest.raises(PermissionDenied):
            services.report_reopen(report=report, reason="x", by=person)


def test_a_submitted_report_not_yet_approved_is_still_reopened_by_the_units_administrator(
    monthly_form: Any, unit: Any, clerk: Any, make_person: Any
) -> None:
    report = _submitted(monthly_form, unit("BP-BGM-XPN"), clerk)
    admin = make_person("bgm.unitadmin", "BP-BGM", [("unit_admin", "BP-BGM")])
    assert services.report_reopen(report=report, reason="Nộp nhầm", by=admin).status == ReportStatus.DRAFT


def test_nobody_approves_a_report_they_submitted_themselves(
    monthly_form: Any, unit: Any, district_admin_and_approver: Any, district_approver: Any
) -> None:
    """A district administrator who also approves may enter a commune's figures, but not approve them."""
    report = _submitted(monthly_form, unit("BP-BGM-XPN"), district_admin_and_approver)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, by=district_admin_and_approver)
    assert services.report_approve(report=report, by=district_approver).status == ReportStatus.APPROVED


def test_the_entry_page_offers_reopening_only_to_those_who_may(
    monthly_form: Any, unit: Any, clerk: Any, approver: Any, district_admin_and_approver: Any, client: Any
) -> None:
    report = services.report_approve(report=_submitted(monthly_form, unit("BP-BGM-XPN"), clerk), by=approver)
    url = reverse("reporting:entry", args=["monthly", "202601", "BP-BGM-XPN"])
    decide = reverse("reporting:decide", args=["monthly", "202601", "BP-BGM-XPN", "reopen"])
    client.force_login(district_admin_and_approver)
    assert decide not in client.get(url).content.decode()
    assert client.post(decide, {"reason": "sửa"}).status_code == 403
    client.force_login(approver)
    assert decide in client.get(url).content.decode()
    client.post(decide, {"reason": "Sửa số liệu"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_api_reopen_follows_the_same_rule(
    monthly_form: Any, unit: Any, clerk: Any, approver: Any, district_admin_and_approver: Any, api_as: Any
) -> None:
    services.report_approve(report=_submitted(monthly_form, unit("BP-BGM-XPN"), clerk), by=approver)
    path = "reports/monthly/BP-BGM-XPN/202601/reopen"
    assert api_as(district_admin_and_approver).post(path, {"reason": "sửa"}).status_code == 403
    assert api_as(approver).post(path, {"reason": "Sửa số liệu"}).status_code == 200
