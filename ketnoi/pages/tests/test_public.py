from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from ketnoi.core.permissions import SYSTEM
from ketnoi.pages import services
from ketnoi.pages.models import Page


@pytest.fixture(autouse=True)
def _clear_rate_limit() -> None:
    cache.clear()


@pytest.fixture
def registry(unit: Any, bob: Any) -> dict[str, Page]:
    official = services.page_register(
        unit=unit("BP"),
        platform="facebook_page",
        name="Tự hào Bình Phước",
        url="https://www.facebook.com/TuHaoBinhPhuoc",
        notes="mật khẩu lưu ở két sắt phòng 2",
        recovery_email="tuyengiao@binhphuoc.gov.vn",
        by=SYSTEM,
    )
    services.page_set_status(page=official, status="verified", by=SYSTEM, on=dt.date(2024, 1, 2))
    services.page_administrator_set(page=official, user=bob, role="admin", two_factor=True, by=SYSTEM)
    old = services.page_register(
        unit=unit("BP"),
        platform="facebook_page",
        name="Tuyên giáo (cũ)",
        url="facebook.com/tuyengiaocu",
        by=SYSTEM,
    )
    services.page_set_status(page=old, status="retired", by=SYSTEM, on=dt.date(2023, 3, 1))
    pending = services.page_register(
        unit=unit("BP-DX"),
        platform="facebook_page",
        name="Đồng Xoài chờ duyệt",
        url="facebook.com/dxcho",
        by=SYSTEM,
    )
    return {"official": official, "old": old, "pending": pending}


def test_the_check_answers_official_for_a_verified_page_typed_another_way(
    registry: Any, client: Client
) -> None:
    response = client.get("/public/check", {"url": "https://m.facebook.com/tuhaobinhphuoc/?ref=share"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "official"
    assert body["page"]["name"] == "Tự hào Bình Phước"
    assert body["page"]["unit_name"] == "Tỉnh Bình Phước"


def test_the_check_answers_retired_for_a_retired_page(registry: Any, client: Client) -> None:
    body = client.get("/public/check", {"url": "facebook.com/TuyenGiaoCu"}).json()
    assert body["status"] == "retired"
    assert body["page"]["retired_on"] == "2023-03-01"


def test_the_check_tells_unknown_unverified_and_not_an_address_apart(registry: Any, client: Client) -> None:
    assert (
        client.get("/public/check", {"url": "https://facebook.com/gia-mao-123"}).json()["status"]
        == "not_registered"
    )
    # Registered, not yet verified: not vouched for, but not "not registered" either (issue 11 item 14).
    assert client.get("/public/check", {"url": "facebook.com/dxcho"}).json()["status"] == "not_verified"
    # Text that is not an address gets its own answer, not "not an official page".
    assert client.get("/public/check", {"url": "không phải địa chỉ"}).json()["status"] == "not_an_address"
    assert client.get("/public/check").status_code == 400


def test_the_directory_check_says_in_vietnamese_which_case_it_is(registry: Any, client: Client) -> None:
    html = client.get("/public/", {"url": "không phải địa chỉ"}).content.decode()
    assert "Đây không phải là địa chỉ trang web" in html
    html = client.get("/public/", {"url": "facebook.com/dxcho"}).content.decode()
    assert "đã đăng ký nhưng chưa được" in html


def test_open_data_shows_verified_pages_only_and_nothing_internal(registry: Any, client: Client) -> None:
    response = client.get("/public/pages.json")
    assert response.status_code == 200
    body = response.json()
    assert [p["name"] for p in body["pages"]] == ["Tự hào Bình Phước"]
    text = response.content.decode()
    for secret in ("két sắt", "tuyengiao@", "bob", "Bob", "administrators", "token"):
        assert secret not in text
    csv_text = client.get("/public/pages.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "name,platform,url,canonical_url,unit_code,unit_name,verified_on"
    assert "Tự hào Bình Phước" in csv_text
    assert "két sắt" not in csv_text and "chờ duyệt" not in csv_text


def test_directory_searches_without_diacritics_by_unit_and_platform(registry: Any, client: Client) -> None:
    response = client.get("/public/", {"q": "tu hao binh phuoc"})
    assert response.status_code == 200
    assert "Tự hào Bình Phước" in response.content.decode()
    assert "Tự hào Bình Phước" not in client.get("/public/", {"q": "xyz"}).content.decode()
    assert "Tự hào Bình Phước" not in client.get("/public/", {"unit": "BP-DX"}).content.decode()
    assert "Tự hào Bình Phước" not in client.get("/public/", {"platform": "youtube"}).content.decode()
    assert len(client.get("/public/pages.json", {"q": "TU HAO"}).json()["pages"]) == 1


def test_the_directory_check_box_answers_in_vietnamese(registry: Any, client: Client) -> None:
    page = client.get("/public/", {"url": "facebook.com/tuyengiaocu"}).content.decode()
    assert "đã ngừng sử dụng" in page
    page = client.get("/public/", {"url": "facebook.com/khong-co"}).content.decode()
    assert "không phải là trang chính thức đã đăng ký" in page


def test_public_endpoints_are_rate_limited_per_address(registry: Any, client: Client, settings: Any) -> None:
    settings.KETNOI_PUBLIC_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/public/check", {"url": "facebook.com/x"}).status_code == 200
    limited = client.get("/public/check", {"url": "facebook.com/x"})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in limited
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/public/pages.json").status_code == 200


def test_open_data_csv_never_carries_a_spreadsheet_formula(unit: Any, client: Client) -> None:
    page = services.page_register(
        unit=unit("BP"),
        platform="website",
        name='=HYPERLINK("http://x","bấm")',
        url="binhphuoc.gov.vn",
        by=SYSTEM,
    )
    services.page_set_status(page=page, status="verified", by=SYSTEM)
    text = client.get("/public/pages.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
