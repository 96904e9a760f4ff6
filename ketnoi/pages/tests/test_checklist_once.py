"""The checklist screen computes the subtree's checklist once per request (it computed it twice: once for
the count, once for the screen), and loads only the pages it shows."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ketnoi.core.permissions import SYSTEM
from ketnoi.pages import services

# checklist.failing_ids's narrow read of every administrator of the subtree's pages.
NARROW_SQL = '"accounts_user"."left_unit_on"'


def test_the_checklist_screen_checks_every_page_once_and_shows_its_screen(
    make_person: Any, web_as: Any, unit: Any
) -> None:
    for i in range(30):  # no administrator: every page fails the two-factor check
        services.page_register(
            unit=unit("BP-BGM"),
            platform="facebook_page",
            name=f"Trang {i:02d}",
            url=f"facebook.com/trang{i:02d}",
            platform_id=f"1000{i:02d}",
            by=SYSTEM,
        )
    boss = make_person("truongphong", "BP-BGM", [("unit_admin", "BP-BGM")])
    browser = web_as(boss)
    with CaptureQueriesContext(connection) as ctx:
        response = browser.get("/pages/checklist/", {"page": "2"})
    assert response.status_code == 200
    narrow = [
        q for q in ctx.captured_queries if NARROW_SQL in q["sql"] and "pages_pageadministrator" in q["sql"]
    ]
    assert len(narrow) == 1
    body = response.content.decode()
    # 30 failing pages, 25 a screen: the second screen shows the last five.
    assert "Trang 29" in body and "Trang 25" in body
    assert "Trang 24" not in body and "Trang 00" not in body
