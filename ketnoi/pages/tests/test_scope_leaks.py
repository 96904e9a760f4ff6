"""The page-administrators form reveals nothing about accounts outside the caller's units."""

from __future__ import annotations

from typing import Any

import pytest

from ketnoi.core.exceptions import ValidationError
from ketnoi.pages import services
from ketnoi.pages.models import Page, PageAdministrator


@pytest.fixture
def bgm_page(unit: Any, bob: Any) -> Page:
    return services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Bù Gia Mập Online",
        url="facebook.com/bgm",
        by=bob,
    )


def test_naming_an_account_outside_ones_units_answers_as_for_an_unknown_name(
    bgm_page: Page, bob: Any, make_person: Any, web_as: Any
) -> None:
    outsider = make_person("dx.secret", "BP-DX", [("editor", "BP-DX")])
    outsider.full_name = "Nguyễn Văn Bí Mật"
    outsider.save()
    client = web_as(bob)
    answers = []
    for username in ("dx.secret", "no.such.person"):
        response = client.post(
            f"/pages/{bgm_page.pk}/administrators/", {"username": username, "role": "admin"}, follow=True
        )
        page = response.content.decode()
        assert "Bí Mật" not in page
        answers.append(page.split('class="msg')[1].split("</")[0].replace(username, "X"))
    assert answers[0] == answers[1]
    assert not PageAdministrator.objects.exists()
    with pytest.raises(ValidationError):
        services.page_administrator_set(page=bgm_page, user=outsider, role="admin", two_factor=True, by=bob)


def test_an_account_of_ones_own_units_is_added(
    bgm_page: Page, bob: Any, make_person: Any, web_as: Any
) -> None:
    make_person("xpn.staff", "BP-BGM-XPN", [("editor", "BP-BGM-XPN")])
    web_as(bob).post(f"/pages/{bgm_page.pk}/administrators/", {"username": "xpn.staff", "role": "admin"})
    assert PageAdministrator.objects.get().user.username == "xpn.staff"
