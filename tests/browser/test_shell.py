"""A real browser (Debian's chromium driven by Playwright) against the real server.

Logs in as the system administrator, opens the unit tree, searches without diacritics and checks
that the page is in Vietnamese; then the same on a phone-sized screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def browser(monkeypatch: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is only used before and after.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Đăng nhập Kết Nối"
    page.fill("#id_username", username)
    page.fill("#id_password", "test-password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_admin_logs_in_opens_the_unit_tree_and_finds_bu_gia_map(
    live_server: Any, admin_user: Any, browser: Any, tmp_path: Path
) -> None:
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None
        ),
    )
    _log_in(page, base, "admin")
    assert "Xin chào" in page.locator("h1").inner_text()
    page.click("nav#mainnav >> text=Đơn vị")
    page.wait_for_url(f"{base}/units/")
    assert page.locator("h1").inner_text() == "Đơn vị"
    tree = page.locator("#unit-tree")
    assert "Tỉnh Bình Phước" in tree.inner_text()
    assert "Thành phố Đồng Xoài" in tree.inner_text()
    page.fill("input[name=q]", "bu gia map")
    results = page.locator("#unit-results")
    results.wait_for()
    assert results.locator("a").all_inner_texts() == ["Huyện Bù Gia Mập"]
    assert "Tìm thấy 1 đơn vị" in page.locator("#tree-body").inner_text()
    page.screenshot(path=str(tmp_path / "tree.png"), full_page=True)
    results.locator("a").first.click()
    page.wait_for_url(f"{base}/units/BP-BGM/")
    assert page.locator("h1").inner_text() == "Huyện Bù Gia Mập"
    assert "Lịch sử thay đổi" in page.content()
    assert external == [], f"the page loaded assets from elsewhere: {external}"


def test_the_shell_works_on_a_phone(live_server: Any, bob: Any, browser: Any) -> None:
    base = live_server.url
    page = browser.new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    _log_in(page, base, "bob")
    nav = page.locator("nav#mainnav")
    assert not nav.is_visible()
    page.click("button.menu-toggle")
    assert nav.is_visible()
    nav.locator("text=Đơn vị").click()
    page.wait_for_url(f"{base}/units/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    assert "Huyện Bù Gia Mập" in page.locator("#unit-tree").inner_text()
    assert "Đồng Xoài" not in page.locator("#unit-tree").inner_text()


def test_long_page_addresses_stay_inside_a_phone_screen(live_server: Any, bob: Any, browser: Any) -> None:
    """A group's address can be 80 characters without a space: the pages list (one card per page on a
    phone) and the page itself must break it rather than scroll sideways."""
    from ketnoi.core.permissions import SYSTEM
    from ketnoi.pages.services import page_register
    from ketnoi.units.models import Unit

    long_path = "tiengnoidanguycongtycaosubinhphuocchibo3bpcsbpvaxaminhhungchonthanh"
    page_obj = page_register(
        unit=Unit.objects.get(code="BP-BGM"),
        platform="facebook_group",
        name="Tiếng nói Chi bộ 3",
        url=f"https://www.facebook.com/groups/{long_path}",
        by=SYSTEM,
    )
    base = live_server.url
    page = browser.new_page(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    _log_in(page, base, "bob")
    for path in ("/pages/", f"/pages/{page_obj.pk}/"):
        page.goto(f"{base}{path}")
        assert long_path in page.content()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
