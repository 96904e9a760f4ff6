"""Reminders before and after deadlines: once per unit, form, period and kind, in the app and by e-mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail

from ketnoi.accounts.services import user_update
from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services, tasks
from ketnoi.reporting.models import ReminderLog


def _at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 8, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def people(make_person: Any) -> dict[str, Any]:
    xpn = make_person("xpn", "BP-BGM-XPN", [("data_entry", "BP-BGM-XPN")])
    user_update(user=xpn, by=SYSTEM, email="xpn@example.vn")
    xdk = make_person("xdk", "BP-BGM-XDK", [("data_entry", "BP-BGM-XDK")])
    user_update(user=xdk, by=SYSTEM, email="xdk@example.vn", language="en")
    return {"xpn": xpn, "xdk": xdk}


def _submit(form: Any, unit: Any, period: str) -> None:
    services.report_values_save(form=form, unit=unit, period=period, values={"members": 10}, by=SYSTEM)
    services.report_submit(
        report=services.report_open(form=form, unit=unit, period=period, by=SYSTEM), by=SYSTEM
    )


def test_nothing_is_sent_before_the_reminder_lead_time(monthly_form: Any, people: Any) -> None:
    # January's deadline is 5 February; the lead time is 3 days.
    with _at(dt.date(2026, 2, 1)):
        assert tasks.send_due_reminders() == []
    assert not ReminderLog.objects.exists()
    assert mail.outbox == []


def test_units_that_have_not_submitted_are_reminded_once_before_the_deadline(
    monthly_form: Any, people: Any, unit: Any
) -> None:
    _submit(monthly_form, unit("BP-DX-PTP"), "202601")
    with _at(dt.date(2026, 2, 3)):
        sent = tasks.send_due_reminders()
        again = tasks.send_due_reminders()
    assert {s.unit.code for s in sent} == {"BP", "BP-BGM", "BP-DX", "BP-BGM-XPN", "BP-BGM-XDK"}
    assert {s.kind for s in sent} == {"before"}
    assert again == []  # idempotent: a row records what was sent
    assert ReminderLog.objects.filter(kind="before").count() == 5
    by_address = {m.bcc[0]: m for m in mail.outbox}
    assert set(by_address) == {"xpn@example.vn", "xdk@example.vn"}
    assert (
        by_address["xpn@example.vn"].subject
        == "Nhắc nhở: Báo cáo tháng Tháng 01/2026 hết hạn nộp ngày 05/02/2026"
    )
    assert by_address["xdk@example.vn"].subject.startswith(
        "Reminder: Báo cáo tháng for Month 01/2026"
    )  # her language
    assert "/reports/f/monthly/202601/u/BP-BGM-XPN/" in by_address["xpn@example.vn"].body


def test_after_the_deadline_each_unit_still_missing_gets_one_overdue_reminder(
    monthly_form: Any, people: Any, unit: Any
) -> None:
    with _at(dt.date(2026, 2, 3)):
        tasks.send_due_reminders()
    _submit(monthly_form, unit("BP-BGM-XDK"), "202601")
    with _at(dt.date(2026, 2, 6)):
        late = tasks.send_due_reminders()
    with _at(dt.date(2026, 2, 9)):
        assert [s for s in tasks.send_due_reminders() if s.kind == "after"] == []
    assert "BP-BGM-XDK" not in {s.unit.code for s in late}
    assert "BP-BGM-XPN" in {s.unit.code for s in late if s.kind == "after"}
    assert ReminderLog.objects.filter(kind="after", unit=unit("BP-BGM-XPN"), period="202601").count() == 1


def test_a_unit_without_e_mail_still_gets_the_in_app_notice(
    monthly_form: Any, unit: Any, make_person: Any
) -> None:
    person = make_person("no_mail", "BP-DX-PTP", [("data_entry", "BP-DX-PTP")])
    with _at(dt.date(2026, 2, 4)):
        tasks.send_due_reminders()
        notices = tasks.notices_for(person)
    assert [(n.unit.code, n.kind, n.period) for n in notices] == [("BP-DX-PTP", "before", "202601")]


def test_a_notice_disappears_once_the_unit_has_submitted(monthly_form: Any, unit: Any, people: Any) -> None:
    with _at(dt.date(2026, 2, 4)):
        tasks.send_due_reminders()
        assert len(tasks.notices_for(people["xpn"])) == 1
        _submit(monthly_form, unit("BP-BGM-XPN"), "202601")
        assert tasks.notices_for(people["xpn"]) == []


def test_the_periodic_task_runs_the_same_job(monthly_form: Any, people: Any) -> None:
    with _at(dt.date(2026, 2, 3)):
        count = tasks.reminders_periodic.call_local()
    assert count == ReminderLog.objects.count() == 6  # the six reporting units, none has submitted


def test_an_approver_cannot_remind_units_outside_their_subtree(
    monthly_form: Any, unit: Any, make_person: Any
) -> None:
    from ketnoi.core.exceptions import PermissionDenied
    from ketnoi.lib import periods as P

    dx_approver = make_person("dxa", "BP-DX", [("approver", "BP-DX")])
    with pytest.raises(PermissionDenied):
        tasks.reminder_send(
            form=monthly_form, period=P.parse("202601"), units=[unit("BP-BGM-XPN")], by=dx_approver
        )
    assert not ReminderLog.objects.exists()


def test_without_a_data_entry_role_on_the_unit_its_own_staff_and_official_address_are_reminded(
    monthly_form: Any, unit: Any, make_person: Any
) -> None:
    from ketnoi.units.services import unit_update

    clerk = make_person("dk_staff", "BP-BGM-XDK", [("data_entry", "BP-BGM")])  # works at Đa Kia
    user_update(user=clerk, by=SYSTEM, email="staff@dakia.vn")
    make_person("district_only", "BP-BGM", [("data_entry", "BP-BGM")])  # the district's clerk: not woken
    unit_update(unit=unit("BP-BGM-XDK"), by=SYSTEM, email="ubnd@dakia.gov.vn")
    assert [u.username for u in tasks.recipients_of(unit("BP-BGM-XDK"))] == ["dk_staff"]
    with _at(dt.date(2026, 2, 4)):
        tasks.send_due_reminders()
    to_dakia = [m for m in mail.outbox if "Xã Đa Kia" in m.body]
    assert len(to_dakia) == 1
    assert sorted(to_dakia[0].bcc) == ["staff@dakia.vn", "ubnd@dakia.gov.vn"]
