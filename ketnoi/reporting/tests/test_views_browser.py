"""Data entry in a real browser (Debian's chromium through Playwright) against the real server:
a commune's clerk types 16.000 and presses Enter, the figure is saved and the cursor moves on; a word
instead of a number is refused beside the field, naming the unit, period and field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ketnoi.reporting.models import DataValue

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def browser(monkeypatch: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            yield browser
        finally:
            browser.close()


def test_a_clerk_types_figures_enter_moves_on_and_each_is_saved_or_explained(
    live_server: Any, monthly_form: Any, make_person: Any, unit: Any, browser: Any
) -> None:
    make_person("xpn", "BP-BGM-XPN", [("data_entry", "BP-BGM-XPN")])
    base = live_server.url
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "xpn")
    page.fill("#id_password", "test-password-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/reports/f/monthly/202601/u/BP-BGM-XPN/")
    members = page.get_by_label("Số đảng viên")
    members.fill("16.000")
    members.press("Enter")
    saved = page.locator("#msg-v0")
    saved.get_by_text("đã lưu lúc").wait_for()
    assert page.evaluate("document.activeElement.name") == "trained"  # Enter moved to the next figure
    page.keyboard.type("mười")
    page.keyboard.press("Enter")
    refused = page.locator("#msg-v1")
    refused.get_by_text("không phải là số").wait_for()
    assert "Xã Phú Nghĩa, Tháng 01/2026, «Số người được tập huấn»" in refused.inner_text()
    assert page.locator("#row-v1").get_attribute("class") == "has-error"
    # The session ends (cookies gone): the next figure says it was not saved; nothing else is swapped in.
    page.context.clear_cookies()
    studied = page.get_by_label("Số người học tập chỉ thị")
    studied.fill("90")
    studied.press("Enter")
    page.locator("#msg-v2").get_by_text("Chưa lưu được").wait_for()
    assert "Đăng nhập Kết Nối" not in page.locator("#msg-v2").inner_text()
    assert errors == []
    assert DataValue.objects.get(indicator__code="members", unit=unit("BP-BGM-XPN")).value == "16000"
    assert not DataValue.objects.filter(indicator__code="trained").exists()
