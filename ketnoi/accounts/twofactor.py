"""TOTP two-factor helpers."""

from __future__ import annotations

from typing import Any

from django_otp import devices_for_user

TWO_FACTOR_ROLES = {"system_admin", "unit_admin", "approver"}


def needs_two_factor(user: Any) -> bool:
    """Administrators and approvers must use a second factor (where the setting requires it)."""
    from ketnoi.core.permissions import roles_of

    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def has_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))
