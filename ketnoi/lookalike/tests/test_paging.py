"""The review queue pages its groups (one per imitated page) with ``?page=`` (it was ``?p=``), and the pager's
links keep what is shown and the search."""

from __future__ import annotations

from typing import Any

from ketnoi.lookalike import services, views
from ketnoi.lookalike.models import Source


def test_the_queue_shows_the_next_group_on_the_next_page_and_keeps_the_filters(
    official: dict[str, Any], admin_user: Any, web_as: Any, monkeypatch: Any
) -> None:
    for name in ("Bù Gia Mập Online chính thức", "Đồng Xoài Ngày Mới 24h", "Công an tỉnh Bình Phước online"):
        services.candidate_add(source=Source.MANUAL, name=name, by=admin_user)
    monkeypatch.setattr(views, "GROUPS_PER_PAGE", 1)
    client = web_as(admin_user)
    shown = [
        [
            name
            for name in (
                "Bù Gia Mập Online chính thức",
                "Đồng Xoài Ngày Mới 24h",
                "Công an tỉnh Bình Phước online",
            )
            if name in client.get("/lookalike/", {"show": "all", "page": n}).content.decode()
        ]
        for n in (1, 2, 3)
    ]
    assert sorted(n for names in shown for n in names) == sorted(
        ["Bù Gia Mập Online chính thức", "Đồng Xoài Ngày Mới 24h", "Công an tỉnh Bình Phước online"]
    )
    assert all(len(names) == 1 for names in shown)
    first = client.get("/lookalike/", {"show": "all", "q": ""}).content.decode()
    assert 'href="?show=all&amp;q=&amp;page=2"' in first


def test_the_platform_reports_are_paged_and_keep_the_state(
    official: dict[str, Any], admin_user: Any, web_as: Any, monkeypatch: Any
) -> None:
    from ketnoi.core import paging

    client = web_as(admin_user)
    for i, name in enumerate(("Bù Gia Mập Onlinee", "Đồng Xoài Ngày Mớii", "Công an tỉnh Bình Phướcc")):
        candidate = services.candidate_add(source=Source.MANUAL, name=name, by=admin_user)
        client.post(f"/lookalike/{candidate.pk}/decide/", {"decision": "impersonation", "note": "giả mạo"})
        client.post(f"/lookalike/{candidate.pk}/report/", {"state": "reported", "reference": f"FB-7{i}"})
    monkeypatch.setattr(paging, "SCREEN_PAGE", 2)
    pages = [
        client.get("/lookalike/reports/", {"state": "reported", "page": n}).content.decode() for n in (1, 2)
    ]
    assert sorted(r for html in pages for r in ("FB-70", "FB-71", "FB-72") if r in html) == [
        "FB-70",
        "FB-71",
        "FB-72",
    ]
    assert 'href="?state=reported&amp;page=2"' in pages[0]
