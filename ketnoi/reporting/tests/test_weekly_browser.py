"""A weekly form end to end in a real browser (Debian's chromium through Playwright): the clerk finds last
week's report on the reporting home page under its Vietnamese label, enters a figure, submits; the district's
completeness page of that week shows the commune on time."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from ketnoi.core.permissions import SYSTEM
from ketnoi.reporting import services
from ketnoi.reporting.models import DataValue, Report
from ketnoi.reporting.periods import current_period
from ketnoi.reporting.tests.test_views_browser import CHROMIUM, browser  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]
SHOTS = os.environ.get("KN_SHOTS")  # a folder to keep screenshots in (outside the repository)


def _shoot(page: Any, name: str) -> None:
    if not SHOTS:
        return
    for width, label in ((1366, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_clerk_reports_a_week_and_the_district_sees_it_complete(
    live_server: Any,
    province: Any,
    indicators: Any,
    make_person: Any,
    unit: Any,
    browser: Any,  # noqa: F811
) -> None:
    form = services.form_create(
        code="weekly",
        name="Báo cáo tuần",
        period_type="weekly",
        owner=province,
        by=SYSTEM,
        indicators=["members", "trained"],
        units=[unit(c) for c in ("BP-BGM-XPN", "BP-BGM-XDK")],
        deadline_days=2,
    )
    make_person("xpn", "BP-BGM-XPN", [("data_entry", "BP-BGM-XPN")])
    make_person("bgm", "BP-BGM", [("approver", "BP-BGM")])
    week = current_period(form)
    label = f"Tuần {int(week.id.split('W')[1])} năm {week.id[:4]} ({week.start:%d/%m}–{week.end:%d/%m})"
    base = live_server.url
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def login(username: str) -> None:
        page.context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "test-password-123")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/")

    login("xpn")
    page.goto(f"{base}/reports/")
    assert label in page.inner_text("main")
    _shoot(page, "weekly-home")
    page.get_by_role("link", name="Xã Phú Nghĩa").first.click()
    page.wait_for_url(f"**/reports/f/weekly/{week.id}/u/BP-BGM-XPN/")
    assert label in page.inner_text("main")
    members = page.get_by_label("Số đảng viên")
    members.fill("1.250")
    members.press("Enter")
    page.locator("#msg-v0").get_by_text("đã lưu lúc").wait_for()
    _shoot(page, "weekly-entry")
    page.on("dialog", lambda dialog: dialog.accept())  # "Submit these figures to the approver?"
    page.locator("button[value=submit]").click()
    page.get_by_text("Nộp lúc").first.wait_for()
    assert DataValue.objects.get(indicator__code="members", period=week.id).value == "1250"
    assert Report.objects.get(form=form, period=week.id, unit=unit("BP-BGM-XPN")).status == "submitted"

    login("bgm")
    page.goto(f"{base}/reports/f/weekly/{week.id}/")
    text = page.inner_text("main")
    assert label in text and "Xã Phú Nghĩa" in text
    _shoot(page, "weekly-status")
    assert errors == []
