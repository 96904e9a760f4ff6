"""The pages list (also when htmx refreshes its table), the checklist and the public directory are paged by
``page_of`` with ``?page=``, and the pager's links keep the filters."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from ketnoi.core import paging
from ketnoi.core.permissions import SYSTEM
from ketnoi.pages import services, views


@pytest.fixture
def five_pages(unit: Any) -> list[Any]:
    return [
        services.page_register(
            unit=unit("BP-BGM"),
            platform="facebook_page",
            name=f"Trang thử {i}",
            url=f"facebook.com/trangthu{i}",
            platform_id=f"1000{i}",
            by=SYSTEM,
        )
        for i in range(5)
    ]


def _names(html: str) -> list[str]:
    return re.findall(r"Trang thử \d", html)


def test_the_pages_list_shows_the_rest_on_the_next_page_and_keeps_the_search(
    alice: Any, web_as: Any, five_pages: list[Any], monkeypatch: Any
) -> None:
    monkeypatch.setattr(paging, "SCREEN_PAGE", 2)
    browser = web_as(alice)
    shown = [
        _names(browser.get("/pages/", {"q": "trang thu", "page": n}).content.decode()) for n in (1, 2, 3)
    ]
    assert [len(s) for s in shown] == [2, 2, 1]
    assert sorted(n for names in shown for n in names) == [f"Trang thử {i}" for i in range(5)]
    first = browser.get("/pages/", {"q": "trang thu"}).content.decode()
    assert 'href="?q=trang+thu&amp;page=2"' in first


def test_the_table_refreshed_by_htmx_links_to_its_next_page_with_the_filters(
    alice: Any, web_as: Any, five_pages: list[Any], monkeypatch: Any
) -> None:
    monkeypatch.setattr(paging, "SCREEN_PAGE", 2)
    table = web_as(alice).get("/pages/", {"q": "trang thu", "status": ""}, HTTP_HX_REQUEST="true")
    html = table.content.decode()
    assert "<html" not in html  # the table only, as htmx asks
    assert 'href="?q=trang+thu&amp;status=&amp;page=2"' in html


def test_the_checklist_is_paged_and_keeps_the_unit(
    alice: Any, web_as: Any, five_pages: list[Any], monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "CHECKLIST_PAGE", 2)
    browser = web_as(alice)
    shown = [
        _names(browser.get("/pages/checklist/", {"unit": "BP", "page": n}).content.decode())
        for n in (1, 2, 3)
    ]
    assert sorted(n for names in shown for n in names) == [f"Trang thử {i}" for i in range(5)]
    assert 'href="?unit=BP&amp;page=2"' in browser.get("/pages/checklist/", {"unit": "BP"}).content.decode()


def test_the_public_directory_is_paged_and_keeps_the_platform(
    client: Any, five_pages: list[Any], monkeypatch: Any
) -> None:
    for page in five_pages:
        services.page_set_status(page=page, status="verified", by=SYSTEM, on=dt.date(2024, 1, 2))
    monkeypatch.setattr(paging, "SCREEN_PAGE", 2)
    shown = [
        _names(client.get("/public/", {"platform": "facebook_page", "page": n}).content.decode())
        for n in (1, 2, 3)
    ]
    assert sorted(n for names in shown for n in names) == [f"Trang thử {i}" for i in range(5)]
    first = client.get("/public/", {"platform": "facebook_page"}).content.decode()
    assert 'href="?platform=facebook_page&amp;page=2"' in first
