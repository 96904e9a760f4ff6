"""The roll-up charts in a real browser (issue 11 item 10): ranked units with Vietnamese numbers and axis
titles, the running period marked, plotly's toolbar in Vietnamese, no sideways scrolling on a phone, and the
main menu on one line at 1366 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import periods as P
from ketnoi.reporting import services
from ketnoi.reporting.tests.test_views_browser import CHROMIUM, browser  # noqa: F401 - the browser fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


def _months() -> list[str]:
    current = P.for_date("monthly", timezone.localdate())
    out = [current]
    for _ in range(2):
        out.insert(0, P.for_date("monthly", out[0].start - dt.timedelta(days=1)))
    return [p.id for p in out]


def test_the_ranked_chart_reads_in_vietnamese_on_a_desk_and_a_phone(
    live_server: Any,
    monthly_form: Any,
    admin_user: Any,
    browser: Any,  # noqa: F811
) -> None:
    months = _months()
    services.values_import(
        rows=[
            services.ImportRow(data_element="members", period=month, org_unit=code, value=value)
            for code, base in (("BP-BGM-XPN", 1200), ("BP-BGM-XDK", 800))
            for month, value in zip(months, (base, base + 10, base + 20), strict=True)
        ],
        by=SYSTEM,
        source="test",
    )
    url = (
        reverse("reporting:pivot")
        + "?"
        + urlencode(
            {
                "form": "monthly",
                "ou": "BP-BGM",
                "pt": "monthly",
                "start": months[0],
                "end": months[-1],
                "dx": "members",
            }
        )
    )
    for width in (1366, 390):
        page = browser.new_page(viewport={"width": width, "height": 900}, locale="vi-VN")
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", admin_user.username)
        page.fill("#id_password", "test-password-123")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}{url}")
        ranked = page.locator(".rp-chart-ranked .main-svg").first
        ranked.wait_for()
        ticks = page.eval_on_selector_all(
            ".rp-chart-ranked .ytick text", "els => els.map(e => e.textContent)"
        )
        assert ticks == ["Xã Đa Kia", "Xã Phú Nghĩa"]  # ranked: the larger at the top
        assert "1.000" in page.eval_on_selector_all(
            ".rp-chart-ranked .xtick text", "e => e.map(x => x.textContent)"
        )
        assert "kỳ chưa kết thúc" in page.locator(".rp-chart-ranked .gtitle").text_content()
        assert page.locator(".rp-chart-trend .legendtext", has_text="kỳ chưa kết thúc").count() == 1
        assert page.locator('.modebar-btn[data-title="Tải biểu đồ dạng ảnh PNG"]').count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width == 1366:
            assert page.evaluate("document.getElementById('mainnav').getBoundingClientRect().height") < 45
        page.close()
