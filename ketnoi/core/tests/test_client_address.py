"""The client's address behind the documented reverse proxy: one function (``ketnoi.core.client``) that
the login lockout, the public rate limit and the login records all use, believing X-Forwarded-For only
from a proxy listed in KETNOI_TRUSTED_PROXIES."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory

from ketnoi.core.client import client_address

PASSWORD = "test-password-123"
PROXY = "127.0.0.1"  # the test client's REMOTE_ADDR: nginx on the same machine


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings: Any) -> None:
    settings.KETNOI_TRUSTED_PROXIES = []
    assert client_address(_request("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_client_is_the_last_address_the_proxy_saw(settings: Any) -> None:
    settings.KETNOI_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_address(_request(PROXY, "203.0.113.5")) == "203.0.113.5"
    # Whatever the client wrote itself stays on the left and is not believed.
    assert client_address(_request(PROXY, "1.1.1.1, 203.0.113.5")) == "203.0.113.5"
    # A chain of trusted proxies (a load balancer on 10.0.0.2 in front of nginx) is walked through.
    assert client_address(_request(PROXY, "203.0.113.5, 10.0.0.2")) == "203.0.113.5"
    # No header, or garbage where the proxy's entry should be: the proxy's own address, never a guess.
    assert client_address(_request(PROXY)) == PROXY
    assert client_address(_request(PROXY, "not-an-address")) == PROXY
    # A request that does not come from a trusted proxy cannot pretend to.
    assert client_address(_request("198.51.100.7", "203.0.113.5")) == "198.51.100.7"
    assert client_address(_request(PROXY, "2001:db8::1")) == "2001:db8::1"


def test_a_bad_trusted_proxy_setting_stops_the_start(monkeypatch: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from ketnoi.settings import env_networks

    monkeypatch.setenv("KETNOI_TRUSTED_PROXIES", "127.0.0.1,nginx")
    with pytest.raises(ImproperlyConfigured, match="nginx"):
        env_networks("KETNOI_TRUSTED_PROXIES")


def _fail_login(client: Client, forwarded: str, username: str = "bob") -> None:
    client.post(
        "/accounts/login/", {"username": username, "password": "wrong"}, HTTP_X_FORWARDED_FOR=forwarded
    )


def test_failed_logins_from_one_client_behind_the_proxy_do_not_lock_out_another(
    bob: Any, settings: Any
) -> None:
    settings.KETNOI_TRUSTED_PROXIES = [PROXY]
    attacker = Client()
    for _attempt in range(5):
        _fail_login(attacker, "203.0.113.66")
    locked = attacker.post(
        "/accounts/login/", {"username": "bob", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.66"
    )
    assert locked.status_code == 429
    bob_at_work = Client()
    response = bob_at_work.post(
        "/accounts/login/", {"username": "bob", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.10"
    )
    assert response.status_code == 302
    # The login records name the real client, not the proxy.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}


def test_a_direct_client_cannot_dodge_the_lockout_by_writing_the_header(bob: Any, settings: Any) -> None:
    settings.KETNOI_TRUSTED_PROXIES = []
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for attempt in range(5):
        _fail_login(attacker, f"203.0.113.{attempt}")
    response = attacker.post(
        "/accounts/login/", {"username": "bob", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_the_public_rate_limit_counts_each_client_behind_the_proxy_apart(
    province: Any, settings: Any
) -> None:
    cache.clear()
    settings.KETNOI_PUBLIC_RATE_PER_MINUTE = 2
    settings.KETNOI_TRUSTED_PROXIES = [PROXY]
    client = Client()
    for _ in range(2):
        assert client.get("/public/pages.json", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    assert client.get("/public/pages.json", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    assert client.get("/public/pages.json", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200
    # Without the proxy trusted, a changed header buys no new budget.
    cache.clear()
    settings.KETNOI_TRUSTED_PROXIES = []
    for n in range(2):
        assert client.get("/public/pages.json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 200
    assert client.get("/public/pages.json", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429


def test_a_request_without_an_address_gets_one_every_database_can_store() -> None:
    import ipaddress

    from django.http import HttpRequest

    from ketnoi.core.client import client_address

    ipaddress.ip_address(client_address(HttpRequest()))  # PostgreSQL's inet refused "unknown"
