"""REST endpoints of this app (mounted by ketnoi.core.api under /pages)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["connectors"])
