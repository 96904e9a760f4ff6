"""Data entry, validation and workflow through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from ketnoi.core.exceptions import Conflict, PermissionDenied, ValidationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors, services
from ketnoi.reporting.models import DataValue, Report, ReportStatus, Rollup


def _agg(codes: list[str], unit: Any, *pids: str) -> dict[tuple[str, str], float | None]:
    from ketnoi.reporting.models import Indicator

    inds = [Indicator.objects.get(code=c) for c in codes]
    return selectors.aggregate(indicators=inds, unit=unit, periods=[P.parse(p) for p in pids])


def test_a_saved_value_counts_in_every_roll_up_at_once(monthly_form: Any, unit: Any, clerk: Any) -> None:
    services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XPN"), period="202001", values={"members": "100"}, by=clerk
    )
    assert _agg(["members"], unit("BP"), "202001")[("members", "202001")] == 100
    services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XDK"), period="202002", values={"members": "16.000"}, by=clerk
    )
    assert _agg(["members"], unit("BP"), "2020Q1")[("members", "2020Q1")] == 16100
    assert _agg(["members"], unit("BP-BGM"), "202002")[("members", "202002")] == 16000
    assert _agg(["members"], unit("BP-DX"), "2020Q1")[("members", "2020Q1")] is None
    # Changing and deleting a value move the totals too.
    services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XDK"), period="202002", values={"members": "50"}, by=clerk
    )
    assert _agg(["members"], unit("BP"), "2020Q1")[("members", "2020Q1")] == 150
    services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XPN"), period="202001", values={"members": ""}, by=clerk
    )
    assert _agg(["members"], unit("BP"), "2020Q1")[("members", "2020Q1")] == 50
    assert Rollup.objects.filter(ancestor=unit("BP"), indicator__code="members", period="202001").get().n == 0


def test_bad_values_name_the_unit_the_period_and_the_field_and_nothing_is_saved(
    monthly_form: Any, unit: Any, clerk: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.report_values_save(
            form=monthly_form,
            unit=unit("BP-BGM-XPN"),
            period="202007",
            values={"members": "mười", "trained": "-3", "studied": "5"},
            by=clerk,
        )
    fields = {k: str(v) for k, v in exc.value.fields.items()}
    assert "Xã Phú Nghĩa" in fields["members"]
    assert "Tháng 07/2020" in fields["members"]
    assert "Số đảng viên" in fields["members"]
    assert "mười" in fields["members"]
    assert "0" in fields["trained"]
    assert DataValue.objects.count() == 0


def test_a_whole_number_field_refuses_fractions_and_the_rule_trained_le_members_holds(
    monthly_form: Any, unit: Any, clerk: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.report_values_save(
            form=monthly_form, unit=unit("BP-BGM-XPN"), period="202007", values={"members": "12,5"}, by=clerk
        )
    assert "12,5" in str(exc.value.fields["members"])
    with pytest.raises(ValidationError) as exc:
        services.report_values_save(
            form=monthly_form,
            unit=unit("BP-BGM-XPN"),
            period="202007",
            values={"members": "10", "trained": "40"},
            by=clerk,
        )
    message = str(exc.value.fields["trained"])
    assert "Xã Phú Nghĩa" in message and "40" in message and "10" in message
    assert not DataValue.objects.exists()


def test_an_unusual_value_is_saved_with_a_warning(monthly_form: Any, unit: Any, clerk: Any) -> None:
    xpn = unit("BP-BGM-XPN")
    for month, n in (("202001", 100), ("202002", 104), ("202003", 98), ("202004", 101)):
        services.report_values_save(
            form=monthly_form, unit=xpn, period=month, values={"members": str(n)}, by=clerk
        )
    result = services.report_values_save(
        form=monthly_form, unit=xpn, period="202005", values={"members": "1000"}, by=clerk
    )
    assert result.created == 1
    assert len(result.warnings) == 1 and "1.000" in result.warnings[0]


def test_a_data_clerk_of_another_district_cannot_enter_values(
    monthly_form: Any, unit: Any, clerk: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.report_values_save(
            form=monthly_form, unit=unit("BP-DX-PTP"), period="202001", values={"members": "1"}, by=clerk
        )


def test_a_period_of_the_wrong_type_is_refused(monthly_form: Any, unit: Any, clerk: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.report_values_save(
            form=monthly_form, unit=unit("BP-BGM-XPN"), period="2020Q1", values={"members": "1"}, by=clerk
        )
    assert "period" in exc.value.fields


def test_the_workflow_submit_return_resubmit_approve_then_locked_until_reopened(
    monthly_form: Any, unit: Any, clerk: Any, district_approver: Any, make_person: Any
) -> None:
    xpn = unit("BP-BGM-XPN")
    saved = services.report_values_save(
        form=monthly_form, unit=xpn, period="202001", values={"members": "10", "trained": "2"}, by=clerk
    )
    with time_machine.travel(dt.datetime(2020, 2, 3, 9, tzinfo=dt.UTC)):
        report = services.report_submit(report=saved.report, by=clerk)
    assert report.status == ReportStatus.SUBMITTED
    with pytest.raises(Conflict):
        services.report_values_save(
            form=monthly_form, unit=xpn, period="202001", values={"members": "11"}, by=clerk
        )
    # The data clerk cannot approve their own report; the district's approver can.
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, by=clerk)
    with pytest.raises(ValidationError):
        services.report_return(report=report, reason=" ", by=district_approver)
    report = services.report_return(report=report, reason="Thiếu số liệu tập huấn", by=district_approver)
    assert report.status == ReportStatus.RETURNED and report.reason == "Thiếu số liệu tập huấn"
    services.report_values_save(
        form=monthly_form, unit=xpn, period="202001", values={"trained": "3"}, by=clerk
    )
    with time_machine.travel(dt.datetime(2020, 2, 10, 9, tzinfo=dt.UTC)):
        report = services.report_submit(report=report, by=clerk)
    report = services.report_approve(report=report, by=district_approver)
    assert report.status == ReportStatus.APPROVED
    with pytest.raises(Conflict):
        services.report_values_save(
            form=monthly_form, unit=xpn, period="202001", values={"members": "12"}, by=clerk
        )
    # Reopening an approved report needs an approver at or above the level that approved it, and a
    # reason: the district's administrator, who does not approve, cannot.
    admin = make_person("bgm_admin", "BP-BGM", [("unit_admin", "BP-BGM")])
    with pytest.raises(PermissionDenied):
        services.report_reopen(report=report, reason="Sửa số liệu", by=admin)
    with pytest.raises(ValidationError):
        services.report_reopen(report=report, reason=" ", by=district_approver)
    report = services.report_reopen(report=report, reason="Sửa số liệu", by=district_approver)
    assert report.status == ReportStatus.DRAFT
    services.report_values_save(
        form=monthly_form, unit=xpn, period="202001", values={"members": "12"}, by=clerk
    )
    # Every change of a value and of the report is audited, with who and why.
    value = DataValue.objects.get(indicator__code="members", unit=xpn)
    assert [h.value for h in value.history.order_by("history_date")] == ["10", "12"]
    assert value.history.first().history_user == clerk
    reasons = list(Report.objects.get(pk=report.pk).history.values_list("history_change_reason", flat=True))
    assert "Sửa số liệu" in reasons and "Thiếu số liệu tập huấn" in reasons


def test_the_district_report_is_approved_by_the_provinces_approver(
    monthly_form: Any, unit: Any, approver: Any, district_approver: Any, make_person: Any
) -> None:
    district_clerk = make_person("dclerk", "BP-BGM", [("data_entry", "BP-BGM")])
    saved = services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM"), period="202001", values={"members": "5"}, by=district_clerk
    )
    report = services.report_submit(report=saved.report, by=district_clerk)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, by=make_person("dx_appr", "BP-DX", [("approver", "BP-DX")]))
    assert services.report_approve(report=report, by=approver).status == ReportStatus.APPROVED


def test_required_values_are_needed_to_submit(monthly_form: Any, unit: Any, clerk: Any) -> None:
    services.form_set_indicators(
        form=monthly_form,
        indicators=["members", "trained", "studied", "studied_pct", "followers"],
        required=["members"],
        by=SYSTEM,
    )
    saved = services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XPN"), period="202001", values={"trained": "0"}, by=clerk
    )
    with pytest.raises(ValidationError) as exc:
        services.report_submit(report=saved.report, by=clerk)
    assert "members" in exc.value.fields


def test_completeness_tells_on_time_late_and_missing_units(
    monthly_form: Any, unit: Any, clerk: Any, approver: Any
) -> None:
    with time_machine.travel(dt.datetime(2020, 2, 2, 3, tzinfo=dt.UTC)):
        saved = services.report_values_save(
            form=monthly_form, unit=unit("BP-BGM-XPN"), period="202001", values={"members": "1"}, by=clerk
        )
        services.report_submit(report=saved.report, by=clerk)
    with time_machine.travel(dt.datetime(2020, 2, 20, 3, tzinfo=dt.UTC)):
        saved = services.report_values_save(
            form=monthly_form, unit=unit("BP-BGM-XDK"), period="202001", values={"members": "1"}, by=clerk
        )
        services.report_submit(report=saved.report, by=clerk)
    c = selectors.completeness(
        form=monthly_form, unit=unit("BP"), period="202001", for_user=approver, today=dt.date(2020, 2, 25)
    )
    assert c.deadline == dt.date(2020, 2, 5)
    assert [s.code for s in c.on_time] == ["BP-BGM-XPN"]
    assert [(s.code, s.days_late) for s in c.late] == [("BP-BGM-XDK", 15)]
    assert {s.code for s in c.missing} == {"BP", "BP-BGM", "BP-DX", "BP-DX-PTP"}
    assert round(c.rate) == 33
    bgm = selectors.completeness(form=monthly_form, unit=unit("BP-BGM"), period="202001", for_user=clerk)
    assert len(bgm.expected) == 3
    with pytest.raises(PermissionDenied):
        selectors.completeness(form=monthly_form, unit=unit("BP-DX"), period="202001", for_user=clerk)


def test_followers_are_summed_across_units_but_never_across_months(
    monthly_form: Any, unit: Any, clerk: Any
) -> None:
    for month, a, b in (("202001", 100, 10), ("202002", 120, 20), ("202003", 150, 30)):
        services.report_values_save(
            form=monthly_form, unit=unit("BP-BGM-XPN"), period=month, values={"followers": str(a)}, by=clerk
        )
        services.report_values_save(
            form=monthly_form, unit=unit("BP-BGM-XDK"), period=month, values={"followers": str(b)}, by=clerk
        )
    assert _agg(["followers"], unit("BP-BGM"), "2020Q1")[("followers", "2020Q1")] == 180
    assert _agg(["followers"], unit("BP-BGM"), "202002")[("followers", "202002")] == 140


def test_a_ratio_indicator_is_the_ratio_of_sums_not_the_average_of_ratios(
    monthly_form: Any, unit: Any, clerk: Any
) -> None:
    services.report_values_save(
        form=monthly_form,
        unit=unit("BP-BGM-XPN"),
        period="202001",
        values={"members": "100", "studied": "90"},
        by=clerk,
    )
    services.report_values_save(
        form=monthly_form,
        unit=unit("BP-BGM-XDK"),
        period="202001",
        values={"members": "10", "studied": "1"},
        by=clerk,
    )
    value = _agg(["studied_pct"], unit("BP-BGM"), "202001")[("studied_pct", "202001")]
    assert value == pytest.approx(91 / 110 * 100)


def test_the_entry_sheet_shows_last_periods_value_beside_each_field(
    monthly_form: Any, unit: Any, clerk: Any
) -> None:
    services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XPN"), period="201912", values={"members": "90"}, by=clerk
    )
    services.report_values_save(
        form=monthly_form,
        unit=unit("BP-BGM-XPN"),
        period="202001",
        values={"members": "95", "studied": "19"},
        by=clerk,
    )
    sheet = selectors.entry_sheet(form=monthly_form, unit=unit("BP-BGM-XPN"), period="202001", for_user=clerk)
    members = next(f for f in sheet.fields if f.key == "members")
    assert (members.value, members.previous) == ("95", "90")
    assert {i.code: v for i, v in sheet.computed}["studied_pct"] == pytest.approx(20.0)
    assert sheet.editable


def test_a_unit_administrator_sets_up_forms_only_for_their_subtree(
    province: Any, unit: Any, indicators: Any, make_person: Any
) -> None:
    admin = make_person("bgm_admin", "BP-BGM", [("unit_admin", "BP-BGM")])
    form = services.form_create(
        code="bgm_quarterly",
        name="Báo cáo quý của huyện",
        period_type="quarterly",
        owner=unit("BP-BGM"),
        by=admin,
        indicators=["members"],
        units=[unit("BP-BGM-XPN"), unit("BP-BGM-XDK")],
    )
    assert form.owner == unit("BP-BGM")
    with pytest.raises(ValidationError):
        services.form_set_units(form=form, units=[unit("BP-DX-PTP")], by=admin)
    with pytest.raises(PermissionDenied):
        services.form_create(code="x", name="X", period_type="monthly", owner=unit("BP"), by=admin)
    assert [f.code for f in selectors.form_list(for_user=admin)] == ["bgm_quarterly"]


def test_a_call_with_no_actor_is_refused_never_a_bypass(monthly_form: Any, unit: Any) -> None:
    """``by=None`` used to skip every check; now it is refused (work with no person passes ``SYSTEM``)."""
    from ketnoi.core.exceptions import NotAuthenticated
    from ketnoi.core.permissions import SYSTEM

    xpn = unit("BP-BGM-XPN")
    with pytest.raises(NotAuthenticated):
        services.report_values_save(
            form=monthly_form, unit=xpn, period="202001", values={"members": "5"}, by=None
        )  # type: ignore[arg-type]
    with pytest.raises(NotAuthenticated):
        services.values_import(rows=[services.ImportRow("members", "202001", "BP-BGM-XPN", "5")], by=None)  # type: ignore[arg-type]
    with pytest.raises(NotAuthenticated):
        services.indicator_create(code="x", name="X", by=None)  # type: ignore[arg-type]
    assert not DataValue.objects.exists()
    report = services.report_open(form=monthly_form, unit=xpn, period="202001", by=SYSTEM)
    with pytest.raises(NotAuthenticated):
        services.report_approve(report=report, by=None)  # type: ignore[arg-type]
    services.report_values_save(
        form=monthly_form, unit=xpn, period="202001", values={"members": "5"}, by=SYSTEM
    )
    assert DataValue.objects.get(unit=xpn, period="202001").value == "5"


def test_completeness_of_a_large_subtree_matches_its_parts(
    monthly_form: Any, unit: Any, clerk: Any, approver: Any, make_person: Any
) -> None:
    """A subtree of more than 200 units is matched in Python rather than by a list of ids sent to the
    database: the province's answer must be the sum of its districts' answers, unit for unit."""
    from ketnoi.units.services import unit_create

    big = unit_create(
        code="BP-BIG", name="Cụm lớn", kind="district", level="district", parent=unit("BP"), by=SYSTEM
    )
    communes = [
        unit_create(
            code=f"BP-BIG-{i:03d}", name=f"Xã {i}", kind="commune", level="commune", parent=big, by=SYSTEM
        )
        for i in range(210)
    ]
    services.form_set_units(form=monthly_form, units=[*monthly_form.units.all(), big, *communes], by=SYSTEM)
    big_clerk = make_person("big.clerk", "BP-BIG", [("data_entry", "BP-BIG")])
    for commune in communes[:7]:
        saved = services.report_values_save(
            form=monthly_form, unit=commune, period="202001", values={"members": "1"}, by=big_clerk
        )
        services.report_submit(report=saved.report, by=big_clerk)
    saved = services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XPN"), period="202001", values={"members": "1"}, by=clerk
    )
    services.report_submit(report=saved.report, by=clerk)

    def statuses(code: str) -> dict[str, str]:
        c = selectors.completeness(form=monthly_form, unit=unit(code), period="202001", for_user=approver)
        return {s.code: s.status for s in c.expected}

    province = statuses("BP")
    assert len(province) == 6 + 1 + 210
    parts = {"BP": province["BP"]} | statuses("BP-BGM") | statuses("BP-DX") | statuses("BP-BIG")
    assert province == parts
    assert sorted(code for code, status in province.items() if status != "missing") == sorted(
        [*(f"BP-BIG-{i:03d}" for i in range(7)), "BP-BGM-XPN"]
    )
    assert list(statuses("BP-BIG"))[:2] == ["BP-BIG", "BP-BIG-000"]  # tree order, the district first
