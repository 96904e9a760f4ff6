"""The Done-when path in the browser: entering figures, clear messages for bad values, submitting,
approving, returning and reopening, seeing late units and reminding them, and who may not do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from ketnoi.accounts.services import user_update
from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services
from ketnoi.reporting.models import DataValue, ReminderLog, Report, ReportStatus

TODAY = dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC)  # January's deadline (5 February) has passed


@pytest.fixture(autouse=True)
def _february() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def commune_clerk(make_person: Any) -> Any:
    person = make_person("xpn", "BP-BGM-XPN", [("data_entry", "BP-BGM-XPN")])
    return user_update(user=person, by=SYSTEM, email="xpn@example.vn")


def _entry(unit: str = "BP-BGM-XPN", period: str = "202601") -> str:
    return reverse("reporting:entry", args=["monthly", period, unit])


def _save(unit: str = "BP-BGM-XPN", period: str = "202601") -> str:
    return reverse("reporting:save", args=["monthly", period, unit])


def _value(code: str, unit: Any, period: str = "202601") -> str | None:
    row = DataValue.objects.filter(indicator__code=code, unit=unit, period=period).first()
    return row.value if row else None


def test_the_entry_page_shows_each_field_with_last_periods_value(
    monthly_form: Any, clerk: Any, unit: Any, web_as: Any, django_assert_max_num_queries: Any
) -> None:
    services.report_values_save(
        form=monthly_form, unit=unit("BP-BGM-XPN"), period="202512", values={"members": "16000"}, by=SYSTEM
    )
    client = web_as(clerk)
    with django_assert_max_num_queries(25):
        page = client.get(_entry())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Xã Phú Nghĩa — Tháng 01/2026" in html
    assert "Số đảng viên" in html and "Tháng 12/2025" in html
    assert "16.000" in html  # last period's value beside the field, in Vietnamese grouping
    assert 'inputmode="decimal"' in html and "hx-post" in html


def test_a_field_saves_on_its_own_and_accepts_16_000_as_sixteen_thousand(
    monthly_form: Any, clerk: Any, unit: Any, web_as: Any
) -> None:
    client = web_as(clerk)
    answer = client.post(_save(), {"members": "16.000"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "đã lưu lúc" in answer.content.decode()
    assert _value("members", unit("BP-BGM-XPN")) == "16000"
    report = Report.objects.get(form=monthly_form, unit=unit("BP-BGM-XPN"), period="202601")
    assert report.status == ReportStatus.DRAFT


def test_a_bad_number_is_refused_with_unit_period_and_field_named(
    monthly_form: Any, clerk: Any, unit: Any, web_as: Any
) -> None:
    answer = web_as(clerk).post(_save(), {"members": "mười hai"}, HTTP_HX_REQUEST="true")
    text = answer.content.decode()
    assert "Xã Phú Nghĩa, Tháng 01/2026, «Số đảng viên»" in text
    assert "“mười hai” không phải là số" in text
    assert _value("members", unit("BP-BGM-XPN")) is None


def test_a_broken_rule_is_explained_and_nothing_is_saved(
    monthly_form: Any, clerk: Any, unit: Any, web_as: Any
) -> None:
    client = web_as(clerk)
    client.post(_save(), {"members": "100"})
    answer = client.post(_save(), {"members": "100", "trained": "150", "action": "save"})
    assert answer.status_code == 422
    text = answer.content.decode()
    assert "Xã Phú Nghĩa, Tháng 01/2026" in text and "Số người được tập huấn" in text
    assert _value("trained", unit("BP-BGM-XPN")) is None


def test_an_outlier_is_saved_with_a_warning_against_the_units_history(
    monthly_form: Any, clerk: Any, unit: Any, web_as: Any
) -> None:
    xpn = unit("BP-BGM-XPN")
    for period, members in (("202509", 100), ("202510", 102), ("202511", 99), ("202512", 101)):
        services.report_values_save(
            form=monthly_form, unit=xpn, period=period, values={"members": members}, by=SYSTEM
        )
    answer = web_as(clerk).post(_save(), {"members": "1000"}, HTTP_HX_REQUEST="true")
    text = answer.content.decode()
    assert "⚠" in text and "Xã Phú Nghĩa" in text
    assert _value("members", xpn) == "1000"


def test_the_commune_submits_and_the_district_approver_approves_and_locks(
    monthly_form: Any, clerk: Any, district_approver: Any, unit: Any, client: Any
) -> None:
    xpn = unit("BP-BGM-XPN")
    client.force_login(clerk)
    saved = client.post(_save(), {"members": "120", "trained": "30", "studied": "110", "action": "submit"})
    assert saved.status_code == 302
    report = Report.objects.get(form=monthly_form, unit=xpn, period="202601")
    assert report.status == ReportStatus.SUBMITTED
    # The clerk is not the parent's approver.
    client.force_login(clerk)
    refused = client.post(reverse("reporting:decide", args=["monthly", "202601", "BP-BGM-XPN", "approve"]))
    assert refused.status_code == 403
    xdk = unit("BP-BGM-XDK")
    services.report_values_save(
        form=monthly_form, unit=xdk, period="202601", values={"members": "80"}, by=SYSTEM
    )
    services.report_submit(
        report=services.report_open(form=monthly_form, unit=xdk, period="202601", by=SYSTEM), by=SYSTEM
    )
    client.force_login(district_approver)
    page = client.get(_entry())
    assert "Phê duyệt" in page.content.decode()
    assert (
        "Báo cáo tiếp theo đang chờ bạn phê duyệt" in page.content.decode()
        and "Xã Đa Kia" in page.content.decode()
    )
    done = client.post(reverse("reporting:decide", args=["monthly", "202601", "BP-BGM-XPN", "approve"]))
    assert done.status_code == 302
    assert "Đã phê duyệt: Xã Phú Nghĩa, Tháng 01/2026" in client.get(done["Location"]).content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    # Locked: the clerk cannot change the figures any more.
    client.force_login(clerk)
    answer = client.post(_save(), {"members": "121"}, HTTP_HX_REQUEST="true")
    assert "đã được phê duyệt" in answer.content.decode()
    assert _value("members", xpn) == "120"


def test_a_returned_report_shows_the_reason_and_can_be_corrected(
    monthly_form: Any, clerk: Any, district_approver: Any, unit: Any, client: Any
) -> None:
    xpn = unit("BP-BGM-XPN")
    services.report_values_save(
        form=monthly_form, unit=xpn, period="202601", values={"members": "120"}, by=clerk
    )
    report = services.report_open(form=monthly_form, unit=xpn, period="202601", by=clerk)
    services.report_submit(report=report, by=clerk)
    client.force_login(district_approver)
    no_reason = client.post(
        reverse("reporting:decide", args=["monthly", "202601", "BP-BGM-XPN", "return"]), {}
    )
    assert no_reason.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    client.post(
        reverse("reporting:decide", args=["monthly", "202601", "BP-BGM-XPN", "return"]),
        {"reason": "Số đảng viên chưa khớp với báo cáo quý"},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    client.force_login(clerk)
    page = client.get(_entry()).content.decode()
    assert "Số đảng viên chưa khớp với báo cáo quý" in page
    client.post(_save(), {"members": "118"}, HTTP_HX_REQUEST="true")
    assert _value("members", xpn) == "118"


def test_an_administrator_reopens_an_approved_report_with_a_reason(
    monthly_form: Any, clerk: Any, admin_user: Any, unit: Any, client: Any
) -> None:
    xpn = unit("BP-BGM-XPN")
    services.report_values_save(
        form=monthly_form, unit=xpn, period="202601", values={"members": "120"}, by=SYSTEM
    )
    report = services.report_open(form=monthly_form, unit=xpn, period="202601", by=SYSTEM)
    services.report_submit(report=report, by=SYSTEM)
    services.report_approve(report=report, by=SYSTEM)
    client.force_login(clerk)
    refused = client.post(
        reverse("reporting:decide", args=["monthly", "202601", "BP-BGM-XPN", "reopen"]), {"reason": "sai"}
    )
    assert refused.status_code == 403
    client.force_login(admin_user)
    client.post(
        reverse("reporting:decide", args=["monthly", "202601", "BP-BGM-XPN", "reopen"]),
        {"reason": "Nhập nhầm số tháng trước"},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.reason == "Nhập nhầm số tháng trước"


def test_each_values_history_shows_who_changed_it_from_what_to_what(
    monthly_form: Any, clerk: Any, unit: Any, web_as: Any
) -> None:
    client = web_as(clerk)
    client.post(_save(), {"members": "100"}, HTTP_HX_REQUEST="true")
    client.post(_save(), {"members": "16.500"}, HTTP_HX_REQUEST="true")
    page = client.get(reverse("reporting:value_history", args=["monthly", "202601", "BP-BGM-XPN", "members"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Clerk" in html
    assert "<del>100</del> → <ins>16.500</ins>" in html


def test_the_approver_sees_late_communes_and_reminds_them(
    monthly_form: Any,
    district_approver: Any,
    commune_clerk: Any,
    unit: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    xdk = unit("BP-BGM-XDK")
    services.report_values_save(
        form=monthly_form, unit=xdk, period="202601", values={"members": "50"}, by=SYSTEM
    )
    services.report_submit(
        report=services.report_open(form=monthly_form, unit=xdk, period="202601", by=SYSTEM), by=SYSTEM
    )
    client.force_login(district_approver)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("reporting:status", args=["monthly", "202601"]) + "?unit=BP-BGM")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Xã Phú Nghĩa" in html and "Xã Đa Kia" in html
    assert "chưa nộp" in html  # Phú Nghĩa has not submitted, five days after the deadline
    assert 'aria-label="Nhắc Xã Phú Nghĩa"' in html  # the late one can be reminded,
    assert 'aria-label="Nhắc Xã Đa Kia"' not in html  # the one that submitted cannot,
    assert 'aria-label="Phê duyệt Xã Đa Kia"' in html  # it can be approved instead
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("reporting:remind", args=["monthly", "202601"]),
            {"units": ["BP-BGM-XPN"], "unit": "BP-BGM"},
        )
    assert answer.status_code == 302
    log = ReminderLog.objects.get(unit=unit("BP-BGM-XPN"), kind="manual")
    assert log.sent_by == district_approver
    assert len(mail.outbox) == 1
    assert mail.outbox[0].bcc == ["xpn@example.vn"]
    assert "Xã Phú Nghĩa" in mail.outbox[0].body
    # The commune's clerk sees the reminder in the app.
    client.force_login(commune_clerk)
    home = client.get(reverse("reporting:home")).content.decode()
    assert "Nhắc nhở cho đơn vị của bạn" in home and "nhắc nhở của người phê duyệt" in home


def test_the_home_page_lists_forms_with_their_current_period_and_completeness(
    monthly_form: Any, district_approver: Any, web_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = web_as(district_approver)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("reporting:home"))
    html = page.content.decode()
    assert "Báo cáo tháng" in html
    assert "Tháng 01/2026" in html
    assert "chưa nộp: 3" in html.lower()  # BGM and its two communes


# --- Who may not see or change what -------------------------------------------------------------------


def test_an_editor_of_another_district_cannot_see_a_communes_entry_page(
    monthly_form: Any, charlie: Any, web_as: Any
) -> None:
    assert web_as(charlie).get(_entry()).status_code == 403


def test_an_editor_of_another_district_cannot_save_figures_for_it(
    monthly_form: Any, charlie: Any, unit: Any, web_as: Any
) -> None:
    answer = web_as(charlie).post(_save(), {"members": "5"})
    assert answer.status_code == 403
    assert _value("members", unit("BP-BGM-XPN")) is None


def test_a_viewer_of_the_district_can_read_but_not_save(
    monthly_form: Any, make_person: Any, unit: Any, web_as: Any
) -> None:
    viewer = make_person("viewer", "BP-BGM", [("viewer", "BP-BGM")])
    client = web_as(viewer)
    page = client.get(_entry())
    assert page.status_code == 200 and "hx-post" not in page.content.decode()
    assert client.post(_save(), {"members": "5"}).status_code == 403
    assert _value("members", unit("BP-BGM-XPN")) is None


def test_completeness_and_reminders_of_another_subtree_are_refused(
    monthly_form: Any, charlie: Any, make_person: Any, web_as: Any
) -> None:
    dx_approver = make_person("dxa", "BP-DX", [("approver", "BP-DX")])
    status_url = reverse("reporting:status", args=["monthly", "202601"]) + "?unit=BP-BGM"
    assert web_as(charlie).get(status_url).status_code == 403
    client = web_as(dx_approver)
    answer = client.post(reverse("reporting:remind", args=["monthly", "202601"]), {"units": ["BP-BGM-XPN"]})
    assert answer.status_code == 403
    assert not ReminderLog.objects.exists()


def test_a_form_no_unit_of_mine_reports_is_not_found_for_me(
    monthly_form: Any, make_person: Any, web_as: Any
) -> None:
    from ketnoi.units.services import unit_create

    other = unit_create(
        code="HN", name="Thành phố Hà Nội", kind="province", level="province", parent=None, by=SYSTEM
    )
    stranger = make_person("stranger", "BP", [])
    from ketnoi.accounts.services import role_grant

    role_grant(user=stranger, unit=other, role="viewer", by=SYSTEM)
    assert web_as(stranger).get(reverse("reporting:status", args=["monthly", "202601"])).status_code == 403
    assert web_as(stranger).get(reverse("reporting:status", args=["nope", "202601"])).status_code == 404


def test_an_outsider_cannot_submit_a_communes_report_nor_read_a_figures_history(
    monthly_form: Any, charlie: Any, unit: Any, web_as: Any
) -> None:
    xpn = unit("BP-BGM-XPN")
    services.report_values_save(
        form=monthly_form, unit=xpn, period="202601", values={"members": "7"}, by=SYSTEM
    )
    client = web_as(charlie)
    assert (
        client.post(reverse("reporting:submit", args=["monthly", "202601", "BP-BGM-XPN"])).status_code == 403
    )
    assert Report.objects.get(unit=xpn, period="202601").status == ReportStatus.DRAFT
    history = reverse("reporting:value_history", args=["monthly", "202601", "BP-BGM-XPN", "members"])
    assert client.get(history).status_code == 403
    assert client.get(history, HTTP_HX_REQUEST="true").status_code == 403


def test_a_unit_that_does_not_report_the_form_gets_a_clear_message(
    monthly_form: Any, approver: Any, make_person: Any, web_as: Any
) -> None:
    btg = make_person("btg", "BP-BTG", [("data_entry", "BP-BTG")])
    assert web_as(btg).get(_entry(unit="BP-BTG")).status_code == 403  # the form concerns none of btg's units
    answer = web_as(approver).get(_entry(unit="BP-BTG"))
    assert answer.status_code == 422
    assert "Ban Tuyên giáo Tỉnh ủy không báo cáo biểu mẫu Báo cáo tháng." in answer.content.decode()


def test_the_district_approver_approves_several_submitted_communes_at_once(
    monthly_form: Any, district_approver: Any, charlie: Any, unit: Any, client: Any
) -> None:
    for code in ("BP-BGM-XPN", "BP-BGM-XDK"):
        u = unit(code)
        services.report_values_save(
            form=monthly_form, unit=u, period="202601", values={"members": "9"}, by=SYSTEM
        )
        services.report_submit(
            report=services.report_open(form=monthly_form, unit=u, period="202601", by=SYSTEM), by=SYSTEM
        )
    url = reverse("reporting:approve_many", args=["monthly", "202601"])
    client.force_login(charlie)
    assert client.post(url, {"units": ["BP-BGM-XPN"]}).status_code == 403
    assert not Report.objects.filter(status=ReportStatus.APPROVED).exists()
    client.force_login(district_approver)
    page = client.get(
        reverse("reporting:status", args=["monthly", "202601"]) + "?unit=BP-BGM"
    ).content.decode()
    assert "Phê duyệt các báo cáo đã nộp được chọn" in page
    answer = client.post(url, {"units": ["BP-BGM-XPN", "BP-BGM-XDK", "BP-BGM"], "unit": "BP-BGM"})
    assert answer.status_code == 302
    approved = set(Report.objects.filter(status=ReportStatus.APPROVED).values_list("unit__code", flat=True))
    assert approved == {"BP-BGM-XPN", "BP-BGM-XDK"}  # the district itself had nothing submitted
    assert "Đã phê duyệt 2 báo cáo" in client.get(answer["Location"]).content.decode()
