"""The permission check shared by the reporting services."""

from __future__ import annotations

from typing import Any

from ketnoi.core import permissions
from ketnoi.core.exceptions import PermissionDenied
from ketnoi.units.models import Unit


def _check(by: Any, verb: str, unit: Unit | None) -> None:
    if by is None:
        return
    if unit is None:
        if not permissions.is_system_admin(by):
            raise PermissionDenied()
        return
    permissions.require(by, verb, unit)


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None
