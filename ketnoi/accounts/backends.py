"""How a user name and password are checked: Django's own check, minus the demo's known password in
production (a database that came from the demo must not keep its open doors)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ketnoi.accounts.demo import DEMO_PASSWORD

DEMO_PASSWORD_REFUSED = _(
    "The demo's password is refused in production: ask your administrator to set a new password."
)


def known_demo_password(password: str | None) -> bool:
    """Is this the demo's published password, refused in production whatever account it opens?"""
    return bool(settings.PRODUCTION) and password == DEMO_PASSWORD


class AccountBackend(ModelBackend):
    """The login check used by the web login and the API token exchange alike."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if known_demo_password(password):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
