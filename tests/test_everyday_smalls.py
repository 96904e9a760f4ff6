"""Issue 11 item 14, the small ones, each a class: date pickers keep their value, an approver's home says what
waits for them, the public pages have a menu of their own."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.utils import timezone


def test_every_date_picker_is_given_an_iso_value(unit: Any, admin_user: Any, web_as: Any) -> None:
    html = web_as(admin_user).get("/units/BP-BGM/").content.decode()
    field = re.search(r'<input type="date" name="effective_date"[^>]*>', html)
    assert field is not None, "the reorganisation form has its date picker"
    assert f'value="{timezone.localdate().isoformat()}"' in field.group(
        0
    )  # not d/m/Y, which the browser drops


def test_an_approver_sees_what_waits_for_them_and_an_editor_does_not(
    unit: Any, bob: Any, make_person: Any, web_as: Any
) -> None:
    from ketnoi.pages import services

    services.page_register(
        unit=unit("BP-BGM-XPN"),
        platform="facebook_page",
        name="Tiếng nói Phú Nghĩa",
        url="facebook.com/pn",
        by=bob,
    )
    approver = make_person("bgm.approver", "BP-BGM", [("approver", "BP-BGM")])
    html = web_as(approver).get("/").content.decode()
    assert "Đang chờ bạn xử lý" in html and "Trang chờ xác minh" in html and "Tiếng nói Phú Nghĩa" in html
    assert "Đang chờ bạn xử lý" not in web_as(bob).get("/").content.decode()


def test_the_public_pages_have_a_menu_for_the_phone_button(db: Any) -> None:
    html = Client().get("/public/").content.decode()
    nav = re.search(r'<nav id="mainnav".*?</nav>', html, re.S)
    assert nav is not None
    assert "Danh bạ trang chính thức" in nav.group(0) and "Đăng nhập" in nav.group(0)
    assert 'class="table cards-on-phone"' in html


def test_api_field_errors_are_in_the_readers_language_not_pydantics_english(alice: Any, api_as: Any) -> None:
    response = api_as(alice).post("pages", {"platform": "facebook_page"})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields and "Field required" not in str(fields)
    assert "Bắt buộc." in fields.values()
