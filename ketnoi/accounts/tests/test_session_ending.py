"""Sessions end when they must: a new key at the second factor, and deactivating an account or giving it a
new password ends every web session and API token it has, at once and for good (reactivating the account
brings none of them back)."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketnoi.accounts import services
from ketnoi.accounts.tests.test_login import current_code


def _sessions_of(user: Any) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk))


def _signed_in(user: Any) -> tuple[Client, Client, str]:
    """Two browsers and one API token of ``user``."""
    browsers = []
    for _ in range(2):
        browser = Client()
        browser.force_login(user)
        assert browser.get("/accounts/me/").status_code == 200
        browsers.append(browser)
    _token, raw = services.api_token_create(user=user, name="script", by=user)
    return browsers[0], browsers[1], raw


def _api_me(raw: str) -> int:
    return int(Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code)


def test_passing_the_second_factor_gives_the_session_a_new_key(bob: Any, web_as: Any) -> None:
    client = web_as(bob)
    client.get("/accounts/me/two-factor/")
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    response = client.post("/accounts/me/two-factor/", {"token": current_code(device)})
    assert response.status_code == 302
    after = client.session.session_key
    assert after != before and not Session.objects.filter(session_key=before).exists()
    assert client.get("/accounts/me/").status_code == 200


def test_deactivating_an_account_ends_all_its_sessions_and_tokens_for_good(
    bob: Any, admin_user: Any, web_as: Any
) -> None:
    first, second, raw = _signed_in(bob)
    session_of_alice = Client()
    session_of_alice.force_login(admin_user)
    assert _api_me(raw) == 200 and _sessions_of(bob) == 2
    admin = web_as(admin_user)
    form = {"full_name": "Bob", "email": "", "position": "", "phone": "", "unit": "BP-BGM"}
    response = admin.post(f"/accounts/people/{bob.pk}/edit/", form)  # is_active unticked
    assert response.status_code == 302
    bob.refresh_from_db()
    assert not bob.is_active
    assert _sessions_of(bob) == 0 and _sessions_of(admin_user) >= 1
    assert first.get("/accounts/me/").status_code == 302 and second.get("/api/v1/me").status_code == 401
    assert _api_me(raw) == 401
    # Turned back on, the account starts afresh: no old session or token works again.
    services.user_update(user=bob, by=admin_user, is_active=True)
    assert first.get("/accounts/me/").status_code == 302
    assert _api_me(raw) == 401
    assert session_of_alice.get("/accounts/me/").status_code == 200


def test_a_new_password_set_by_an_administrator_ends_all_sessions_and_tokens(
    bob: Any, admin_user: Any, web_as: Any
) -> None:
    first, second, raw = _signed_in(bob)
    response = web_as(admin_user).post(
        f"/accounts/people/{bob.pk}/password/", {"password": "another-long-password-77"}
    )
    assert response.status_code == 302
    assert _sessions_of(bob) == 0
    assert first.get("/accounts/me/").status_code == 302
    assert second.get("/api/v1/me").status_code == 401
    assert _api_me(raw) == 401


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(bob: Any) -> None:
    this, other, raw = _signed_in(bob)
    response = this.post(
        "/accounts/me/password/",
        {"current": "test-password-123", "password": "my-new-long-password-5"},
    )
    assert response.status_code == 302
    assert this.get("/accounts/me/").status_code == 200
    assert other.get("/accounts/me/").status_code == 302
    assert _api_me(raw) == 401 and _sessions_of(bob) == 1
