"""The story library is paged (it was cut at 100 stories): the next page shows the rest, keeps the search."""

from __future__ import annotations

import re
from typing import Any

from ketnoi.publishing import views


def test_the_library_shows_the_rest_on_the_next_page_and_keeps_the_search(
    web_as: Any, bob: Any, approved_story: Any, monkeypatch: Any
) -> None:
    for i in range(5):
        approved_story(title=f"Tin thử {i}")
    monkeypatch.setattr(views, "STORIES_PAGE", 2)
    browser = web_as(bob)
    shown = [
        re.findall(r"Tin thử \d", browser.get("/publishing/", {"q": "tin thu", "page": n}).content.decode())
        for n in (1, 2, 3)
    ]
    assert sorted(t for titles in shown for t in titles) == [f"Tin thử {i}" for i in range(5)]
    assert all(len(set(titles)) == len(titles) for titles in shown)
    assert 'href="?q=tin+thu&amp;page=2"' in browser.get("/publishing/", {"q": "tin thu"}).content.decode()


def test_share_kits_are_paged(
    web_as: Any, bob: Any, approved_story: Any, unit: Any, monkeypatch: Any
) -> None:
    from ketnoi.publishing.services import kits

    for i in range(3):
        kits.kit_create(
            story=approved_story(title=f"Bộ thử {i}"),
            units=[unit("BP-BGM-XPN")],
            caption="Mời chia sẻ",
            link=f"https://bgm.gov.vn/{i}",
            by=bob,
        )
    monkeypatch.setattr(views, "KITS_PAGE", 2)
    browser = web_as(bob)
    shown = [
        re.findall(r"Bộ thử \d", browser.get("/publishing/kits/", {"page": n}).content.decode())
        for n in (1, 2)
    ]
    assert sorted(t for titles in shown for t in titles) == ["Bộ thử 0", "Bộ thử 1", "Bộ thử 2"]
    assert 'href="?page=2"' in browser.get("/publishing/kits/").content.decode()
