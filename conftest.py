"""Shared test fixtures.

Three standard staff, as healthchecks does with alice, bob and charlie:
  alice   an officer of the province (role given per test, editor by default)
  bob     an editor of Huyện Bù Gia Mập
  charlie an editor of Thành phố Đồng Xoài, unrelated to Bù Gia Mập
State is built through the real services.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ketnoi.core.permissions import SYSTEM

os.environ.setdefault("KETNOI_ENV", "test")


@pytest.fixture(autouse=True)
def _vietnamese_and_fast(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = True
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture
def province(db: Any) -> Any:
    """A small province: BP with two districts and a few communes, plus a department."""
    from ketnoi.units.services import unit_create

    bp = unit_create(
        code="BP", name="Tỉnh Bình Phước", kind="province", level="province", parent=None, by=SYSTEM
    )
    bgm = unit_create(
        code="BP-BGM", name="Huyện Bù Gia Mập", kind="district", level="district", parent=bp, by=SYSTEM
    )
    dx = unit_create(
        code="BP-DX", name="Thành phố Đồng Xoài", kind="city", level="district", parent=bp, by=SYSTEM
    )
    unit_create(
        code="BP-BGM-XPN", name="Xã Phú Nghĩa", kind="commune", level="commune", parent=bgm, by=SYSTEM
    )
    unit_create(code="BP-BGM-XDK", name="Xã Đa Kia", kind="commune", level="commune", parent=bgm, by=SYSTEM)
    unit_create(code="BP-DX-PTP", name="Phường Tân Phú", kind="ward", level="commune", parent=dx, by=SYSTEM)
    unit_create(
        code="BP-BTG",
        name="Ban Tuyên giáo Tỉnh ủy",
        kind="party_agency",
        level="district",
        parent=bp,
        by=SYSTEM,
    )
    return bp


@pytest.fixture
def unit(province: Any) -> Callable[[str], Any]:
    from ketnoi.units.models import Unit

    def get(code: str) -> Any:
        return Unit.objects.get(code=code)

    return get


def _person(username: str, unit_code: str, roles: list[tuple[str, str]]) -> Any:
    from ketnoi.accounts.services import role_grant, user_create
    from ketnoi.units.models import Unit

    user = user_create(
        username=username,
        password="test-password-123",  # noqa: S106 - test accounts
        unit=Unit.objects.get(code=unit_code),
        full_name=username.title(),
        by=SYSTEM,
        validate_password=False,
    )
    for role, code in roles:
        role_grant(user=user, unit=Unit.objects.get(code=code), role=role, by=SYSTEM)
    return user


@pytest.fixture
def make_person(province: Any) -> Callable[..., Any]:
    def make(username: str, unit_code: str = "BP", roles: list[tuple[str, str]] | None = None) -> Any:
        return _person(username, unit_code, roles or [])

    return make


@pytest.fixture
def admin_user(province: Any) -> Any:
    return _person("admin", "BP", [("system_admin", "BP")])


@pytest.fixture
def alice(province: Any) -> Any:
    return _person("alice", "BP", [("editor", "BP")])


@pytest.fixture
def bob(province: Any) -> Any:
    return _person("bob", "BP-BGM", [("editor", "BP-BGM")])


@pytest.fixture
def charlie(province: Any) -> Any:
    return _person("charlie", "BP-DX", [("editor", "BP-DX")])


class ApiClient:
    """A test client that talks to /api/v1 with a personal token, as a script would."""

    def __init__(self, user: Any) -> None:
        from ketnoi.accounts.services import api_token_create

        _, self.token = api_token_create(user=user, name="test", by=user)
        self.client = Client()

    def _call(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **extra}
        if data is not None and method != "get":
            kwargs["data"] = json.dumps(data, default=str)
            kwargs["content_type"] = "application/json"
        elif data is not None:
            kwargs["data"] = data
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("get", path, data, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("post", path, data, **extra)

    def patch(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("patch", path, data, **extra)

    def put(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("put", path, data, **extra)

    def delete(self, path: str, **extra: Any) -> Any:
        return self._call("delete", path, None, **extra)


@pytest.fixture
def api_as() -> Callable[[Any], ApiClient]:
    """``api_as(bob).get("units")`` calls the API as bob."""
    return ApiClient


@pytest.fixture
def web_as(client: Client) -> Callable[[Any], Client]:
    """``web_as(bob)`` is a browser-like client logged in as bob."""

    def login(user: Any) -> Client:
        client.force_login(user)
        return client

    return login
