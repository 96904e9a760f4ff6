"""TOTP two-factor rules: who must prove a second factor, and whether a session or token has.

One set of functions, used by the web middleware, the API's session and token authentication, the
token exchange and the token service, so a rule cannot differ between the web and the API.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp import devices_for_user

TWO_FACTOR_ROLES = {"system_admin", "unit_admin", "approver"}


def needs_two_factor(user: Any) -> bool:
    """Administrators and approvers must use a second factor (where the setting requires it)."""
    from ketnoi.core.permissions import roles_of

    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def two_factor_required(user: Any) -> bool:
    """Must this person prove a second factor now (the setting is on and a role of theirs needs it)?"""
    return bool(settings.KETNOI_REQUIRE_2FA) and needs_two_factor(user)


def second_factor_pending(user: Any) -> bool:
    """A signed-in session that must pass the second factor and has not: it may only enrol or log out."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return two_factor_required(user) and not passed_second_factor(user)


def passed_second_factor(user: Any) -> bool:
    """Did this web session log in with a second factor (django-otp marks the request's user)?"""
    verified = getattr(user, "is_verified", None)
    return bool(callable(verified) and verified())


def has_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def verify_code(user: Any, code: str | None) -> bool:
    """Is ``code`` the current code of one of the person's confirmed devices (each code works once)?"""
    if not code:
        return False
    return any(device.verify_token(code) for device in devices_for_user(user, confirmed=True))
