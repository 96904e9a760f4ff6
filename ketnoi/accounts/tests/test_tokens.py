"""Personal API tokens: stored hashed, shown once, expire, can be revoked, belong to one person."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ketnoi.accounts import services
from ketnoi.accounts.models import ApiToken
from ketnoi.core.exceptions import PermissionDenied, ValidationError
from ketnoi.core.permissions import SYSTEM


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_token_exchange_returns_a_token_that_works(bob: Any, client: Client) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"username": "bob", "password": "test-password-123"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me", **bearer(token)).json()
    assert me["username"] == "bob"
    assert me["roles"] == [
        {
            "id": bob.grants.get().pk,
            "role": "editor",
            "unit_code": "BP-BGM",
            "unit_name": "Huyện Bù Gia Mập",
            "valid_until": None,
        }
    ]


def test_a_wrong_password_gets_no_token(bob: Any, client: Client) -> None:
    response = client.post(
        "/api/v1/auth/token", {"username": "bob", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "Sai tên đăng nhập" in response.json()["error"]["message"]


def test_only_a_hash_of_the_token_is_stored(bob: Any) -> None:
    row, raw = services.api_token_create(user=bob, name="script", by=bob)
    stored = ApiToken.objects.get(pk=row.pk)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)
    assert len(raw) > 40


def test_a_token_stops_working_when_it_expires(bob: Any, client: Client) -> None:
    _row, raw = services.api_token_create(user=bob, name="script", by=bob, days=7)
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        assert client.get("/api/v1/units", **bearer(raw)).status_code == 401


def test_a_token_cannot_be_made_to_expire_in_the_past(bob: Any) -> None:
    with pytest.raises(ValidationError):
        services.api_token_create(
            user=bob, name="x", by=bob, expires_at=timezone.now() - dt.timedelta(hours=1)
        )


def test_a_revoked_token_stops_working(bob: Any, client: Client) -> None:
    row, raw = services.api_token_create(user=bob, name="script", by=bob)
    assert client.delete(f"/api/v1/tokens/{row.pk}", **bearer(raw)).status_code == 204
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401
    assert ApiToken.objects.get(pk=row.pk).revoked_at is not None


def test_a_token_of_someone_else_cannot_be_revoked_or_seen(bob: Any, charlie: Any, client: Client) -> None:
    bobs, _raw = services.api_token_create(user=bob, name="bob's", by=bob)
    _row, charlies_raw = services.api_token_create(user=charlie, name="charlie's", by=charlie)
    assert client.delete(f"/api/v1/tokens/{bobs.pk}", **bearer(charlies_raw)).status_code == 404
    assert ApiToken.objects.get(pk=bobs.pk).revoked_at is None
    names = [t["name"] for t in client.get("/api/v1/tokens", **bearer(charlies_raw)).json()]
    assert names == ["charlie's"]


def test_the_token_list_never_shows_the_secret(bob: Any, client: Client) -> None:
    _row, raw = services.api_token_create(user=bob, name="script", by=bob)
    body = client.get("/api/v1/tokens", **bearer(raw)).content.decode()
    assert raw not in body
    assert hashlib.sha256(raw.encode()).hexdigest() not in body


def test_nobody_creates_a_token_for_someone_else(bob: Any, admin_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.api_token_create(user=bob, name="x", by=admin_user)


def test_a_deactivated_account_loses_its_tokens(bob: Any, client: Client) -> None:
    _row, raw = services.api_token_create(user=bob, name="script", by=bob)
    services.user_update(user=bob, by=SYSTEM, is_active=False)
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401


def test_a_garbage_token_is_refused(province: Any, client: Client) -> None:
    for token in ("kn_nothing", "abc", ""):
        assert client.get("/api/v1/units", **bearer(token)).status_code == 401


def test_tokens_are_created_and_revoked_from_the_profile_page(bob: Any, web_as: Any) -> None:
    client = web_as(bob)
    response = client.post("/accounts/me/tokens/", {"name": "báo cáo", "days": 30}, follow=True)
    page = response.content.decode()
    row = ApiToken.objects.get(user=bob)
    assert "chỉ hiển thị một lần" in page
    assert row.prefix in page
    assert 29 <= (row.expires_at - timezone.now()).days <= 30
    client.post(f"/accounts/me/tokens/{row.pk}/revoke/")
    assert ApiToken.objects.get(pk=row.pk).revoked_at is not None
    # The token is shown once only.
    assert "chỉ hiển thị một lần" not in client.get("/accounts/me/").content.decode()


def test_a_password_reset_by_an_administrator_ends_every_token_and_session_of_the_account(
    bob: Any, make_person: Any, client: Client
) -> None:
    bgm_admin = make_person("bgm.admin", "BP-BGM", [("unit_admin", "BP-BGM")])
    _row, raw = services.api_token_create(user=bob, name="script", by=bob)
    bob_browser = Client()
    bob_browser.post("/accounts/login/", {"username": "bob", "password": "test-password-123"})
    assert bob_browser.get("/units/").status_code == 200
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    services.user_set_password(user=bob, password="Mat-khau-moi-2026", by=bgm_admin)
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401
    assert ApiToken.objects.get(user=bob).revoked_at is not None
    response = bob_browser.get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_changing_ones_own_password_ends_the_tokens_and_the_other_sessions_but_not_this_one(
    bob: Any, client: Client
) -> None:
    _row, raw = services.api_token_create(user=bob, name="script", by=bob)
    other_browser = Client()
    other_browser.post("/accounts/login/", {"username": "bob", "password": "test-password-123"})
    client.post("/accounts/login/", {"username": "bob", "password": "test-password-123"})
    client.post("/accounts/me/password/", {"current": "test-password-123", "password": "Bu-Gia-Map-2026"})
    assert client.get("/units/").status_code == 200
    assert other_browser.get("/units/").status_code == 302
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_a_password_set_outside_the_services_still_ends_the_tokens(bob: Any, client: Client) -> None:
    """``ketnoi changepassword`` (Django's command) sets the password directly: the token still ends."""
    _row, raw = services.api_token_create(user=bob, name="script", by=bob)
    bob.set_password("Doi-tu-dong-lenh-2026")
    bob.save()
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401
