"""The web shell: Vietnamese by default whatever the browser says, English on request, no outside assets."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.test import Client
from django.urls import reverse

from ketnoi.core.permissions import SYSTEM


def test_vietnamese_even_for_a_browser_set_to_english(db: Any, client: Client) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng nhập Kết Nối" in page
    assert ">English</button>" in page  # the switch names the other language in that language


def test_the_language_switch_works_before_login(db: Any, client: Client) -> None:
    response = client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Log in to Kết Nối" in page
    assert ">Tiếng Việt</button>" in unicodedata.normalize("NFC", page)


def test_the_language_switch_refuses_a_redirect_elsewhere(db: Any, client: Client) -> None:
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_overview_greets_in_vietnamese_and_lists_the_roles(bob: Any, web_as: Any) -> None:
    page = web_as(bob).get("/").content.decode()
    assert "Xin chào, Bob" in page
    assert "Biên tập viên" in page and "Huyện Bù Gia Mập" in page
    assert "2 đơn vị trực thuộc" in page


def test_the_navigation_shows_people_only_to_administrators(
    bob: Any, admin_user: Any, client: Client
) -> None:
    client.force_login(bob)
    assert "Cán bộ và phân quyền" not in client.get("/").content.decode()
    client.force_login(admin_user)
    assert "Cán bộ và phân quyền" in client.get("/").content.decode()


def test_pages_need_a_login(db: Any, client: Client) -> None:
    for url in ("/", "/units/", "/accounts/people/", "/accounts/me/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_no_page_loads_anything_from_another_site(bob: Any, web_as: Any) -> None:
    client = web_as(bob)
    for url in ("/", "/units/", "/units/BP-BGM/", "/accounts/me/"):
        page = client.get(url).content.decode()
        sources = re.findall(r'(?:src|href)="(https?:)?//', page)
        assert sources == [], url


def test_missing_page_is_explained_in_vietnamese(bob: Any, web_as: Any) -> None:
    response = web_as(bob).get("/units/NOPE/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_htmx_refusal_is_a_fragment(bob: Any, web_as: Any) -> None:
    response = web_as(bob).get("/units/BP-DX/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "<html" not in response.content.decode()
    assert "Bạn không có quyền" in response.content.decode()


def test_health_check_answers_without_login(db: Any, client: Client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_charts_script_is_served_from_the_installed_package(db: Any, client: Client) -> None:
    response = client.get(reverse("core:plotly_js"))
    assert response.status_code == 200
    assert b"plotly" in response.content[:2000].lower()


def test_tree_as_of_a_date_in_vietnamese_format(admin_user: Any, web_as: Any, unit: Any) -> None:
    import datetime as dt

    from ketnoi.units.services import unit_merge

    unit_merge(
        sources=[unit("BP-BGM-XDK")], target=unit("BP-BGM-XPN"), effective_date=dt.date(2025, 7, 1), by=SYSTEM
    )
    client = web_as(admin_user)
    old = client.get("/units/", {"as_of": "30/06/2025"}).content.decode()
    assert "Cơ cấu tổ chức tại ngày 30/06/2025" in old
    assert "Xã Đa Kia" in old
    new = client.get("/units/", {"as_of": "2025-07-01"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Xã Đa Kia" not in new
    assert "<html" not in new


def test_searching_the_tree_of_a_date_uses_the_names_of_that_date(
    admin_user: Any, web_as: Any, unit: Any
) -> None:
    import datetime as dt

    from ketnoi.units.services import unit_rename

    unit_rename(
        unit=unit("BP-DX"), new_name="Phường Đồng Xoài", effective_date=dt.date(2025, 7, 1), by=SYSTEM
    )
    client = web_as(admin_user)
    old = client.get("/units/", {"q": "thanh pho dong xoai", "as_of": "2025-06-30"}).content.decode()
    assert "Thành phố Đồng Xoài" in old and "Tìm thấy 1 đơn vị" in old
    today = client.get("/units/", {"q": "thanh pho dong xoai"}).content.decode()
    assert "Không có đơn vị nào phù hợp" in today
