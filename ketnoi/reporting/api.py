"""REST endpoints of this app (mounted by ketnoi.core.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reporting"])
