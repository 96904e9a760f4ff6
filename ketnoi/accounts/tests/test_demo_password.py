"""A database that came from the demo keeps accounts whose password is the published "demo": in
production that password opens nothing, neither the web login nor the API token exchange."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ketnoi.accounts import services
from ketnoi.accounts.demo import DEMO_PASSWORD
from ketnoi.accounts.models import ApiToken


@pytest.fixture
def demo_editor(make_person: Any) -> Any:
    person = make_person("bgm.editor", "BP-BGM", [("editor", "BP-BGM")])
    person.set_password(DEMO_PASSWORD)
    person.save()
    return person


def test_the_demo_password_is_refused_at_login_in_production(
    demo_editor: Any, client: Client, settings: Any
) -> None:
    settings.PRODUCTION = True
    response = client.post("/accounts/login/", {"username": "bgm.editor", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "mật khẩu của bản chạy thử" in response.content.decode()


def test_the_demo_password_gets_no_api_token_in_production(
    demo_editor: Any, client: Client, settings: Any
) -> None:
    settings.PRODUCTION = True
    response = client.post(
        "/api/v1/auth/token",
        {"username": "bgm.editor", "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert "bản chạy thử" in response.json()["error"]["message"]
    assert not ApiToken.objects.exists()


def test_a_real_password_set_by_an_administrator_works_in_production(
    demo_editor: Any, admin_user: Any, client: Client, settings: Any
) -> None:
    settings.PRODUCTION = True
    services.user_set_password(user=demo_editor, password="Mat-khau-that-2026", by=admin_user)
    response = client.post("/accounts/login/", {"username": "bgm.editor", "password": "Mat-khau-that-2026"})
    assert response.status_code == 302


def test_the_demo_password_still_opens_the_demo(demo_editor: Any, client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "bgm.editor", "password": DEMO_PASSWORD})
    assert response.status_code == 302
