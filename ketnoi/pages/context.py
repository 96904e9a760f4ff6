"""Template context shared by the pages screens."""

from __future__ import annotations

from typing import Any

from ketnoi.core import permissions
from ketnoi.pages.services import may_record_figures_somewhere


def rights(user: Any) -> dict[str, bool]:
    return {
        "can_edit": permissions.can_any(user, "edit"),
        "can_import": may_record_figures_somewhere(user),
    }
