"""A unit's staff and the roles granted on it are two paged lists on one screen: each has its own page
parameter (``page`` for the staff, ``grants_page`` for the roles) and moving one keeps the other."""

from __future__ import annotations

import re
from typing import Any

from ketnoi.core import paging
from ketnoi.units import views


def test_the_staff_and_the_roles_of_a_unit_page_independently(
    admin_user: Any, make_person: Any, web_as: Any, monkeypatch: Any
) -> None:
    for i in range(5):
        make_person(f"canbo{i}", "BP-BGM", [("editor", "BP-BGM")])
    monkeypatch.setattr(views, "STAFF_PAGE", 2)
    monkeypatch.setattr(paging, "SCREEN_PAGE", 3)
    browser = web_as(admin_user)
    html = browser.get("/units/BP-BGM/", {"page": 3, "grants_page": 2}).content.decode()
    staff, roles = html.split('id="unit-roles"')
    assert "Trang 3 / 3" in staff and len(re.findall(r"canbo\d", staff)) <= 2
    assert "Trang 2 / 2" in roles and len(re.findall(r'<span class="muted">canbo\d</span>', roles)) == 2
    assert 'href="?page=3&amp;grants_page=1"' in roles  # the roles' pager keeps the staff's page
    assert 'href="?page=2&amp;grants_page=2"' in staff  # and the other way round
