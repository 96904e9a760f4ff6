"""Page addresses: only the platform's own http/https addresses, no personal profiles, and a verified page
that is pointed somewhere else stops being verified until the office verifies it again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from ketnoi.core.exceptions import ValidationError
from ketnoi.pages import services
from ketnoi.pages.models import Page, PageStatus


@pytest.fixture(autouse=True)
def _fixed_day() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def verified(unit: Any, alice: Any) -> Page:
    page = services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Bù Gia Mập Online",
        url="https://www.facebook.com/BuGiaMapOnline",
        platform_id="100064",
        by=alice,
    )
    return services.page_set_status(page=page, status=PageStatus.VERIFIED, by=alice)


@pytest.fixture
def approver(make_person: Any) -> Any:
    return make_person("bgm.approver", "BP-BGM", [("approver", "BP-BGM")])


def test_an_editor_repointing_a_verified_page_over_the_api_returns_it_to_registered(
    verified: Page, bob: Any, api_as: Any, client: Any
) -> None:
    response = api_as(bob).patch(f"pages/{verified.pk}", {"url": "https://www.facebook.com/phishing.page"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "registered"
    verified.refresh_from_db()
    assert (verified.status, verified.verified_on) == (PageStatus.REGISTERED, None)
    latest = verified.history.order_by("-history_id").first()
    assert latest is not None and latest.status == "registered"
    assert "xác minh lại" in (latest.history_change_reason or "")  # "address changed: to be verified again"
    # The public check no longer calls the new address official.
    answer = client.get("/public/check", {"url": "https://www.facebook.com/phishing.page"})
    assert answer.status_code == 200 and answer.json()["status"] == "not_verified"


@pytest.mark.parametrize(
    "change",
    [{"platform_id": "999999"}, {"url": "facebook.com/phishing.page", "name": "Tên khác"}],
)
def test_every_change_of_identity_withdraws_the_verification_but_a_new_name_does_not(
    verified: Page, bob: Any, change: dict[str, str]
) -> None:
    services.page_update(page=verified, by=bob, notes="ghi chú", name="Bù Gia Mập Online mới")
    assert Page.objects.get(pk=verified.pk).status == PageStatus.VERIFIED
    services.page_update(page=verified, by=bob, **change)
    assert Page.objects.get(pk=verified.pk).status == PageStatus.REGISTERED


def test_the_same_address_typed_another_way_keeps_the_verification(verified: Page, bob: Any) -> None:
    services.page_update(page=verified, by=bob, url="https://m.facebook.com/bugiamaponline/?ref=x")
    assert Page.objects.get(pk=verified.pk).status == PageStatus.VERIFIED


@pytest.mark.parametrize(
    ("platform", "url", "field_message"),
    [
        ("facebook_page", "javascript:alert(document.cookie)", "http"),
        ("facebook_page", "JaVaScRiPt:alert(1)//facebook.com/x", "http"),
        ("facebook_page", "data:text/html,<script>alert(1)</script>", "http"),
        ("facebook_page", "java\tscript:alert(1)", "dấu cách"),
        ("facebook_page", "http://[bad", "đọc được"),
        ("facebook_page", "https://facebook.com.evil.example/page", "facebook.com"),
        ("facebook_page", "https://evil.example/facebook.com/page", "facebook.com"),
        ("youtube", "https://www.facebook.com/kenh", "youtube.com"),
        ("zalo_oa", "https://zalo.evil.example/123", "zalo.me"),
        ("tiktok", "https://www.tiktok.evil/@tuhao", "tiktok.com"),
        ("website", "http://binhphuoc.gov.vn/", "https"),
    ],
)
def test_an_address_off_the_platform_or_not_http_is_refused_over_the_api_with_a_422(
    bob: Any, api_as: Any, platform: str, url: str, field_message: str
) -> None:
    body = {"unit_code": "BP-BGM", "platform": platform, "name": "Trang", "url": url}
    response = api_as(bob).post("pages", body)
    assert response.status_code == 422, response.content
    assert field_message in response.json()["error"]["fields"]["url"] + response.json()["error"]["message"]
    assert not Page.objects.exists()


def test_a_website_accepts_any_https_host_and_platforms_their_subdomains(unit: Any, bob: Any) -> None:
    site = services.page_register(
        unit=unit("BP-BGM"), platform="website", name="Cổng", url="bugiamap.binhphuoc.gov.vn", by=bob
    )
    assert site.url == "https://bugiamap.binhphuoc.gov.vn"
    channel = services.page_register(
        unit=unit("BP-BGM"), platform="youtube", name="Kênh", url="https://m.youtube.com/@BGMTV", by=bob
    )
    assert channel.canonical_url == "youtube.com/@bgmtv"


def test_changing_only_the_platform_checks_the_address_against_the_new_platform(
    verified: Page, bob: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.page_update(page=verified, by=bob, platform="youtube")
    assert "youtube.com" in str(caught.value.message)


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("facebook_page", "https://www.facebook.com/profile.php?id=100012345678901"),
        ("facebook_page", "https://m.facebook.com/people/Nguyen-Van-A/100012345678901/"),
        ("facebook_group", "https://facebook.com/people/Nguyen-Van-A/100012345678901"),
        ("zalo_oa", "https://zalo.me/0912345678"),
        ("zalo_oa", "https://zalo.me/84912345678"),
        ("website", "https://www.facebook.com/profile.php?id=100012345678901"),
    ],
)
def test_a_personal_profile_is_refused_with_the_reason(
    unit: Any, bob: Any, api_as: Any, platform: str, url: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.page_register(unit=unit("BP-BGM"), platform=platform, name="Cá nhân", url=url, by=bob)
    assert "tổ chức" in str(caught.value.message)  # "the registry is for the pages of organisations"
    body = {"unit_code": "BP-BGM", "platform": platform, "name": "Cá nhân", "url": url}
    assert api_as(bob).post("pages", body).status_code == 422
    assert not Page.objects.exists()


def test_an_official_account_of_zalo_is_accepted(unit: Any, bob: Any) -> None:
    page = services.page_register(
        unit=unit("BP-BGM"),
        platform="zalo_oa",
        name="Zalo OA",
        url="https://zalo.me/2947203891527365",
        by=bob,
    )
    assert page.canonical_url == "zalo.me/2947203891527365"


def test_an_approver_verifies_a_page_on_the_web_and_over_the_api(
    unit: Any, bob: Any, approver: Any, web_as: Any, api_as: Any, make_person: Any
) -> None:
    first = services.page_register(
        unit=unit("BP-BGM"), platform="facebook_page", name="A", url="facebook.com/trang.a", by=bob
    )
    second = services.page_register(
        unit=unit("BP-BGM"), platform="facebook_page", name="B", url="facebook.com/trang.b", by=bob
    )
    client = web_as(approver)
    detail = client.get(f"/pages/{first.pk}/").content.decode()
    assert f'action="/pages/{first.pk}/status/"' in detail
    client.post(f"/pages/{first.pk}/status/", {"status": "verified", "on": "2025-06-30"})
    assert Page.objects.get(pk=first.pk).status == PageStatus.VERIFIED
    response = api_as(approver).patch(f"pages/{second.pk}", {"status": "verified"})
    assert response.status_code == 200, response.content
    assert Page.objects.get(pk=second.pk).status == PageStatus.VERIFIED
    # Verifying is all an approver may do: no edits, no other status.
    assert api_as(approver).patch(f"pages/{second.pk}", {"name": "Khác"}).status_code == 403
    assert api_as(approver).patch(f"pages/{second.pk}", {"status": "retired"}).status_code == 403
    # An approver of another district verifies nothing here.
    other = api_as(make_person("dx.approver", "BP-DX", [("approver", "BP-DX")]))
    assert other.patch(f"pages/{first.pk}", {"status": "verified"}).status_code == 403


def test_an_editor_is_not_offered_the_verified_status(bob: Any, web_as: Any, unit: Any) -> None:
    page = services.page_register(
        unit=unit("BP-BGM"), platform="facebook_page", name="A", url="facebook.com/trang.a", by=bob
    )
    detail = web_as(bob).get(f"/pages/{page.pk}/").content.decode()
    assert 'value="registered"' in detail and 'value="verified"' not in detail


def test_an_address_stored_before_the_check_is_shown_as_text_not_as_a_link(
    verified: Page, client: Any, alice: Any, web_as: Any
) -> None:
    Page.objects.filter(pk=verified.pk).update(url="javascript:alert(document.cookie)")
    public = client.get("/public/").content.decode()
    assert "Bù Gia Mập Online" in public
    assert 'href="javascript' not in public.lower()
    detail = web_as(alice).get(f"/pages/{verified.pk}/").content.decode()
    assert 'href="javascript' not in detail.lower()
    assert '<span class="unsafe-address addr">javascript:alert(document.cookie)</span>' in detail
