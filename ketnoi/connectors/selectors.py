"""Reads of the connectors, always through a page the caller may see (``pages.selectors.page_get``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ketnoi.connectors.models import ConnectorNotice, ConnectorRun, PageCredential, PlatformPause
from ketnoi.connectors.services import unsupported_reason
from ketnoi.core import permissions
from ketnoi.pages.models import Page


@dataclass
class Connection:
    page: Page
    supported: bool
    reason: str
    credential: PageCredential | None
    last_run: ConnectorRun | None
    open_run: ConnectorRun | None
    runs: list[ConnectorRun]
    pause: PlatformPause | None
    may_edit: bool


def connection_get(*, page: Page, for_user: Any, runs: int = 10) -> Connection:
    """Everything the connection panel shows; never a token (only the credential's masked form)."""
    from django.utils import timezone

    reason = unsupported_reason(page)
    recent = list(ConnectorRun.objects.filter(page=page).order_by("-queued_at", "-id")[:runs])
    finished = [r for r in recent if r.finished_at is not None]
    open_run = next((r for r in recent if r.status in ("queued", "running")), None)
    return Connection(
        page=page,
        supported=not reason,
        reason=reason,
        credential=PageCredential.objects.filter(page=page).select_related("updated_by").first(),
        last_run=finished[0] if finished else None,
        open_run=open_run,
        runs=recent,
        pause=PlatformPause.objects.filter(platform=page.platform, paused_until__gt=timezone.now()).first(),
        may_edit=permissions.can(for_user, "edit", page.unit),
    )


def run_list(*, page: Page, limit: int = 50) -> QuerySet[ConnectorRun]:
    return ConnectorRun.objects.filter(page=page).order_by("-queued_at", "-id")[:limit]


def notice_list(*, for_user: Any, unread_only: bool = False) -> QuerySet[ConnectorNotice]:
    """The person's own notices, about pages still in their scope."""
    qs = ConnectorNotice.objects.filter(user=for_user).filter(
        permissions.scope_q(for_user, "view", "page__unit")
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.select_related("page").order_by("-created_at", "-id")
