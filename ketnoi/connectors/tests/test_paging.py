"""A person's connection notices are paged (they were cut at 200): the next page shows the older ones."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from ketnoi.connectors.models import ConnectorNotice
from ketnoi.core import paging


def test_the_notices_are_paged_and_the_next_page_shows_the_rest(
    web_as: Any, bob: Any, make_page: Any, monkeypatch: Any
) -> None:
    fb_page = make_page("facebook_page", "2468024680", unit_code="BP-BGM")
    for i in range(5):  # as the tests of the notices page create them (notify_admins repeats no unread kind)
        ConnectorNotice.objects.create(user=bob, page=fb_page, kind="expired", message=f"Thông báo thử {i}.")
    monkeypatch.setattr(paging, "SCREEN_PAGE", 2)
    client = web_as(bob)
    url = reverse("connectors:notices")
    shown = [
        re.findall(r"Thông báo thử \d", client.get(url, {"page": n}).content.decode()) for n in (1, 2, 3)
    ]
    assert shown == [
        ["Thông báo thử 4", "Thông báo thử 3"],
        ["Thông báo thử 2", "Thông báo thử 1"],
        ["Thông báo thử 0"],
    ]
    assert 'href="?page=2"' in client.get(url).content.decode()


def test_the_connections_overview_is_paged_and_keeps_the_status(
    web_as: Any, bob: Any, make_page: Any, monkeypatch: Any
) -> None:
    from ketnoi.connectors import services, views

    for i in range(3):
        page = make_page("facebook_page", f"13579{i}", unit_code="BP-BGM")
        services.credential_set(
            page=page, access_token=f"EAAGpagingToken{i}000000000000000000Kq8w", expires_at=None, by=bob
        )
    monkeypatch.setattr(views, "OVERVIEW_PAGE", 2)
    client = web_as(bob)
    url = reverse("connectors:overview")
    first = client.get(url, {"status": "active"}).content.decode()
    last = client.get(url, {"status": "active", "page": 2}).content.decode()
    assert "Trang 1 / 2" in first and "Trang 2 / 2" in last
    assert 'href="?status=active&amp;page=2"' in first
    assert 'href="?status=active&amp;page=1"' in last
