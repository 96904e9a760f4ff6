"""The Content-Security-Policy breaks nothing: charts (plotly), htmx and the API docs (Swagger UI) work
in Debian's chromium with scripts only from the product's own files, and the console shows no violation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketnoi.core.permissions import SYSTEM
from tests.browser.test_shell import CHROMIUM, _log_in, browser  # noqa: F401 - the fixture is shared

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def page_with_figures(unit: Any) -> Any:
    from django.utils import timezone

    from ketnoi.pages import services

    page = services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Bù Gia Mập Online",
        url="https://facebook.com/BuGiaMapOnline",
        by=SYSTEM,
    )
    today = timezone.localdate()
    for back in range(0, 120, 7):
        services.metrics_record(
            page=page,
            day=today - dt.timedelta(days=back),
            values={"followers": 20_000 - back * 10, "posts": 3},
            source="manual",
            by=SYSTEM,
        )
    return page


@pytest.mark.parametrize("width", [1366, 390])
def test_charts_htmx_and_api_docs_work_under_the_policy(
    live_server: Any,
    admin_user: Any,
    page_with_figures: Any,
    browser: Any,  # noqa: F811 - the fixture imported above
    width: int,
) -> None:
    base = live_server.url
    page = browser.new_page(viewport={"width": width, "height": 900})
    console: list[str] = []
    page.on(
        "console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    _log_in(page, base, "admin")
    assert "script-src 'self'" in (page.goto(f"{base}/pages/{page_with_figures.pk}/").headers or {}).get(
        "content-security-policy", ""
    )
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    page.goto(f"{base}/pages/dashboard/")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    page.goto(f"{base}/units/")
    page.fill("input[name=q]", "bu gia map")
    page.locator("#unit-results a").first.wait_for()
    assert page.locator("#unit-results a").all_inner_texts() == ["Huyện Bù Gia Mập"]
    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert console == [], console
