"""Login: lockout, two-factor codes, session lifetime, a new session key, the password policy."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketnoi.accounts import services
from ketnoi.core.exceptions import ValidationError
from ketnoi.core.permissions import SYSTEM

PASSWORD = "test-password-123"
LOGIN = "/accounts/login/"


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code an authenticator app shows now, computed with django-otp's own TOTP."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():0{device.digits}d}"


def test_login_page_is_in_vietnamese_by_default(db: Any, client: Client) -> None:
    page = client.get(LOGIN).content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng nhập Kết Nối" in page
    assert "Tên đăng nhập" in page


def test_a_right_password_logs_in_with_a_new_session_key(bob: Any, client: Client) -> None:
    session = client.session
    session["probe"] = "before login"
    session.save()
    before = session.session_key
    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD, "next": "/units/"})
    assert response.status_code == 302
    assert response["Location"] == "/units/"
    after = client.cookies["sessionid"].value
    assert after != before
    assert client.get("/").status_code == 200


def test_a_wrong_password_says_so_in_vietnamese(bob: Any, client: Client) -> None:
    response = client.post(LOGIN, {"username": "bob", "password": "wrong"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.content.decode()


def test_an_open_redirect_after_login_is_refused(bob: Any, client: Client) -> None:
    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_five_failures_lock_the_account_even_for_the_right_password(bob: Any, client: Client) -> None:
    for _attempt in range(5):
        client.post(LOGIN, {"username": "bob", "password": "wrong"})
    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(bob: Any, client: Client) -> None:
    for _attempt in range(4):
        client.post(LOGIN, {"username": "bob", "password": "wrong"})
    assert client.post(LOGIN, {"username": "bob", "password": PASSWORD}).status_code == 302


def test_the_lockout_applies_to_the_api_token_exchange_too(bob: Any, client: Client) -> None:
    for _attempt in range(5):
        client.post(
            "/api/v1/auth/token", {"username": "bob", "password": "wrong"}, content_type="application/json"
        )
    response = client.post(
        "/api/v1/auth/token", {"username": "bob", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert "15 phút" in response.json()["error"]["message"]


@pytest.fixture
def bob_with_totp(bob: Any) -> tuple[Any, TOTPDevice]:
    device = TOTPDevice.objects.create(user=bob, name="phone", confirmed=True)
    return bob, device


def test_two_factor_login_asks_for_the_code_after_the_password(bob_with_totp: Any, client: Client) -> None:
    _bob, device = bob_with_totp
    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert response.status_code == 200
    assert "Nhập mã 6 chữ số" in response.content.decode()
    assert "_auth_user_id" not in client.session
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD, "otp": wrong})
    assert "Mã không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session
    time.sleep(1.1)  # django-otp throttles the next try for a second after a wrong code
    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD, "otp": current_code(device)})
    assert response.status_code == 302
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_used_code_cannot_be_replayed(bob_with_totp: Any, client: Client) -> None:
    _bob, device = bob_with_totp
    code = current_code(device)
    assert client.post(LOGIN, {"username": "bob", "password": PASSWORD, "otp": code}).status_code == 302
    other = Client()
    response = other.post(LOGIN, {"username": "bob", "password": PASSWORD, "otp": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in other.session


def test_the_api_token_exchange_needs_the_code_too(bob_with_totp: Any, client: Client) -> None:
    _bob, device = bob_with_totp
    url = "/api/v1/auth/token"
    response = client.post(url, {"username": "bob", "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 401
    assert "otp" in response.json()["error"]["message"]
    body = {"username": "bob", "password": PASSWORD, "otp": current_code(device)}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["token"].startswith("kn_")


def test_enrolling_a_device_turns_two_factor_on(bob: Any, web_as: Any) -> None:
    client = web_as(bob)
    page = client.get("/accounts/me/two-factor/").content.decode()
    assert "data:image/svg+xml;base64," in page
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    wrong = "123456" if current_code(device) != "123456" else "654321"
    assert client.post("/accounts/me/two-factor/", {"token": wrong}).status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    time.sleep(1.1)  # django-otp throttles the next try for a second after a wrong code
    response = client.post("/accounts/me/two-factor/", {"token": current_code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_administrators_must_enrol_when_two_factor_is_required(
    admin_user: Any, bob: Any, web_as: Any, settings: Any
) -> None:
    settings.KETNOI_REQUIRE_2FA = True
    response = web_as(admin_user).get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/me/two-factor/")
    client = Client()
    client.force_login(bob)
    assert client.get("/units/").status_code == 200  # an editor is not required to


def test_an_idle_session_ends_after_30_minutes(bob: Any, client: Client) -> None:
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(LOGIN, {"username": "bob", "password": PASSWORD})
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/units/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/units/").status_code == 200  # activity keeps it alive
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/units/")
        assert response.status_code == 302
        assert "expired=1" in response["Location"]
        assert "Phiên làm việc đã kết thúc" in client.get(response["Location"]).content.decode()
        assert "_auth_user_id" not in client.session


def test_a_session_ends_after_12_hours_however_active(bob: Any, client: Client) -> None:
    start = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(LOGIN, {"username": "bob", "password": PASSWORD})
        for _step in range(12 * 3 - 1):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/units/").status_code == 200
        clock.shift(dt.timedelta(minutes=21))
        assert client.get("/units/").status_code == 302


@pytest.mark.parametrize(
    ("password", "complaint"),
    [
        ("short1!", "quá ngắn"),
        ("1234567890123", "toàn là số"),
        ("password1234", "quá phổ biến"),
        ("newcomer2025", ""),
    ],
)
def test_the_password_policy_refuses_weak_passwords(unit: Any, password: str, complaint: str) -> None:
    with translation.override("vi"), pytest.raises(ValidationError) as info:
        services.user_create(username="newcomer2025", password=password, unit=unit("BP"), by=SYSTEM)
    assert "password" in info.value.fields
    assert complaint in str(info.value.message)


def test_changing_ones_own_password_needs_the_current_one_and_keeps_the_session(
    bob: Any, client: Client
) -> None:
    client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    client.post("/accounts/me/password/", {"current": "wrong", "password": "Bu-Gia-Map-2026"})
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)
    response = client.post("/accounts/me/password/", {"current": PASSWORD, "password": "Bu-Gia-Map-2026"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password("Bu-Gia-Map-2026")
    assert client.get("/units/").status_code == 200


def test_logout_ends_the_session(bob: Any, client: Client) -> None:
    client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/units/").status_code == 302


def test_a_login_is_one_security_event_and_adds_no_account_change(bob: Any, client: Client) -> None:
    """The login's record is its security event; the time of the login is written on the account without
    a change row in the account's history (that was a second write, and noise in the history), and axes
    keeps no second access log of it."""
    from axes.models import AccessLog

    from ketnoi.core.models import SecurityEvent

    changes = bob.history.count()
    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.last_login is not None
    assert bob.history.count() == changes
    assert SecurityEvent.objects.filter(kind="login", person=bob).count() == 1
    assert not AccessLog.objects.exists()
