"""The unit picker in a real browser (issue 11, item 12): typing without diacritics narrows the tree to the
matching units, shows each with its parent, and keeps dissolved units out unless asked for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_shell import CHROMIUM, _log_in, browser  # noqa: F401 - the browser fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


def _visible(page: Any, select: str) -> list[str]:
    return page.eval_on_selector_all(
        f"{select} option", "els => els.filter(o => !o.hidden).map(o => o.textContent.trim())"
    )


def test_the_picker_searches_without_diacritics_and_shows_the_parent(
    live_server: Any,
    admin_user: Any,
    unit: Any,
    browser: Any,  # noqa: F811
) -> None:
    from ketnoi.units import services

    services.unit_merge(
        sources=[unit("BP-BGM-XPN")],
        target=unit("BP-BGM-XDK"),
        effective_date=dt.date(2025, 7, 1),
        by=admin_user,
    )
    base = live_server.url
    page = browser.new_page(viewport={"width": 1366, "height": 800}, locale="vi-VN")
    _log_in(page, base, "admin")
    page.goto(f"{base}/pages/new/")
    search = page.locator(".unit-picker-search")
    assert search.get_attribute("placeholder") == "Tìm đơn vị (gõ không dấu cũng được)"
    assert "Xã Phú Nghĩa" not in " ".join(_visible(page, "#id_unit"))  # merged: not offered for new work
    search.fill("da kia")
    assert _visible(page, "#id_unit") == ["Xã Đa Kia · Huyện Bù Gia Mập"]
    page.select_option("#id_unit", label="Xã Đa Kia · Huyện Bù Gia Mập")
    search.fill("")
    assert "Thành phố Đồng Xoài" in " ".join(_visible(page, "#id_unit"))


def test_a_history_filter_offers_dissolved_units_only_when_asked(
    live_server: Any,
    admin_user: Any,
    unit: Any,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    from ketnoi.units import services

    services.unit_merge(
        sources=[unit("BP-BGM-XPN")],
        target=unit("BP-BGM-XDK"),
        effective_date=dt.date(2025, 7, 1),
        by=admin_user,
    )
    base = live_server.url
    page = browser.new_page(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    _log_in(page, base, "admin")
    page.goto(f"{base}/pages/dashboard/?as_of=2025-01-01")
    picker = "select[name=unit]"
    assert "Xã Phú Nghĩa" in " ".join(_visible(page, picker))  # existed on that day
    page.goto(f"{base}/pages/")
    assert "Xã Phú Nghĩa" not in " ".join(_visible(page, picker))  # today: hidden...
    page.check(".unit-picker-dissolved input")
    assert "Xã Phú Nghĩa" in " ".join(_visible(page, picker))  # ...until asked for
    page.screenshot(path=str(tmp_path / "picker-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the picker makes the page scroll sideways ({width}px)"
