"""People and roles, and the security events, are paged by ``page_of``; the links keep the search and filters,
also when htmx refreshes the people list while the person types."""

from __future__ import annotations

import re
from typing import Any

from ketnoi.core import paging
from ketnoi.core.audit import security_event


def _usernames(html: str) -> list[str]:
    return re.findall(r">(thu\d)</a>", html)


def test_people_are_paged_and_the_next_page_keeps_the_search(
    admin_user: Any, make_person: Any, web_as: Any, monkeypatch: Any
) -> None:
    for i in range(5):
        make_person(f"thu{i}", "BP-BGM")
    monkeypatch.setattr(paging, "SCREEN_PAGE", 2)
    browser = web_as(admin_user)
    shown = [
        _usernames(browser.get("/accounts/people/", {"q": "thu", "page": n}).content.decode())
        for n in (1, 2, 3)
    ]
    assert shown == [["thu0", "thu1"], ["thu2", "thu3"], ["thu4"]]
    typed = browser.get("/accounts/people/", {"q": "thu"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in typed and 'id="people-list"' not in typed  # the list only, for its holder
    assert 'href="?q=thu&amp;page=2"' in typed


def test_security_events_are_paged_and_the_next_page_keeps_the_filter(
    admin_user: Any, web_as: Any, monkeypatch: Any
) -> None:
    for i in range(5):
        security_event("login_failed", None, None, "192.0.2.1", username=f"nguoila{i}")
    monkeypatch.setattr("ketnoi.accounts.security_views.PAGE_SIZE", 2)
    browser = web_as(admin_user)
    third = browser.get("/accounts/security/", {"kind": "login_failed", "page": 3}).content.decode()
    assert "Trang 3 / 3" in third and third.count("nguoila") == 1
    first = browser.get("/accounts/security/", {"kind": "login_failed"}).content.decode()
    assert 'href="?kind=login_failed&amp;page=2"' in first
