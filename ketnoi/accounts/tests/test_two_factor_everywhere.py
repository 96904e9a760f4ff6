"""Two factors where they are required (production): no token with a password alone, and a session
that has not passed the second factor calls nothing through the API or the web but enrolment and logout.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketnoi.accounts import services
from ketnoi.accounts.models import ApiToken, RoleGrant, User
from ketnoi.core.exceptions import NotAuthenticated

PASSWORD = "test-password-123"
TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def _two_factor_required(settings: Any) -> None:
    settings.KETNOI_REQUIRE_2FA = True


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def exchange(client: Client, username: str, otp: str | None = None) -> Any:
    body: dict[str, str] = {"username": username, "password": PASSWORD}
    if otp is not None:
        body["otp"] = otp
    return client.post(TOKEN_URL, body, content_type="application/json")


@pytest.fixture
def approver(make_person: Any) -> Any:
    return make_person("bgm.approver", "BP-BGM", [("approver", "BP-BGM")])


def test_an_approver_without_a_device_gets_no_token_with_a_password_alone(
    approver: Any, client: Client
) -> None:
    response = exchange(client, "bgm.approver")
    assert response.status_code == 401
    assert "hai lớp" in response.json()["error"]["message"]
    assert not ApiToken.objects.filter(user=approver).exists()


def test_a_system_administrator_gets_a_token_only_with_a_valid_code(admin_user: Any, client: Client) -> None:
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    assert exchange(client, "admin").status_code == 401
    assert (
        exchange(client, "admin", otp="000000" if code_of(device) != "000000" else "111111").status_code
        == 401
    )
    time.sleep(1.1)  # django-otp throttles a second try after a wrong code
    response = exchange(client, "admin", otp=code_of(device))
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert ApiToken.objects.get(user=admin_user).second_factor


def test_an_editor_whose_role_needs_no_second_factor_still_gets_a_token(bob: Any, client: Client) -> None:
    response = exchange(client, "bob")
    assert response.status_code == 200


def test_a_token_issued_without_a_second_factor_stops_working_once_two_factors_are_required(
    approver: Any, client: Client, settings: Any
) -> None:
    settings.KETNOI_REQUIRE_2FA = False
    _token, raw = services.api_token_create(user=approver, name="old script", by=approver)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    settings.KETNOI_REQUIRE_2FA = True
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_an_editor_who_becomes_approver_needs_a_new_token_issued_with_the_code(
    bob: Any, client: Client, unit: Any
) -> None:
    _token, raw = services.api_token_create(user=bob, name="script", by=bob)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    RoleGrant.objects.create(user=bob, unit=unit("BP-BGM-XPN"), role="approver")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_token_service_refuses_without_a_second_factor_where_it_is_required(approver: Any) -> None:
    with pytest.raises(NotAuthenticated):
        services.api_token_create(user=approver, name="x", by=approver)
    _token, raw = services.api_token_create(user=approver, name="x", by=approver, second_factor=True)
    assert services.api_token_authenticate(token=raw) == approver


def test_a_session_that_has_not_passed_the_second_factor_can_call_nothing_through_the_api(
    admin_user: Any, client: Client, unit: Any
) -> None:
    client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    assert "_auth_user_id" in client.session  # logged in with the password, second factor pending
    client.cookies["csrftoken"] = "t" * 32
    csrf = {"HTTP_X_CSRFTOKEN": "t" * 32}
    created = client.post(
        "/api/v1/users",
        json.dumps({"username": "rogue", "password": "Rogue-pass-2026", "unit_code": "BP"}),
        content_type="application/json",
        **csrf,
    )
    assert created.status_code == 401
    assert not User.objects.filter(username="rogue").exists()
    granted = client.post(
        f"/api/v1/users/{admin_user.pk}/roles",
        json.dumps({"role": "system_admin", "unit_code": "BP"}),
        content_type="application/json",
        **csrf,
    )
    assert granted.status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/units").status_code == 401


def test_a_session_that_passed_the_second_factor_uses_the_api(admin_user: Any, client: Client) -> None:
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    response = client.post(
        "/accounts/login/", {"username": "admin", "password": PASSWORD, "otp": code_of(device)}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me").status_code == 200
    # A token made from this verified session counts as issued with the second factor.
    client.post("/accounts/me/tokens/", {"name": "script", "days": 30})
    assert ApiToken.objects.get(user=admin_user).second_factor


def test_an_unverified_web_session_reaches_only_enrolment_and_logout(admin_user: Any, client: Client) -> None:
    client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    for path in ("/accounts/people/", "/accounts/me/", f"/accounts/people/{admin_user.pk}/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/me/two-factor/"), path
    response = client.post("/accounts/me/tokens/", {"name": "script", "days": 30})
    assert response["Location"].startswith("/accounts/me/two-factor/")
    assert not ApiToken.objects.filter(user=admin_user).exists()
    response = client.post(
        "/accounts/people/new/", {"username": "rogue", "unit": "BP", "password": "Rogue-2026-x"}
    )
    assert response["Location"].startswith("/accounts/me/two-factor/")
    assert not User.objects.filter(username="rogue").exists()
    assert client.get("/accounts/me/two-factor/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
