"""Template context shared by the pages screens."""

from __future__ import annotations

from typing import Any

from ketnoi.core import permissions


def rights(user: Any) -> dict[str, bool]:
    return {
        "can_edit": permissions.can_any(user, "edit"),
        "can_import": permissions.can_any(user, "edit") or permissions.can_any(user, "enter_data"),
    }
