"""Reads of the connectors, always through a page the caller may see (``pages.selectors.page_get``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet

from ketnoi.connectors.models import ConnectorNotice, ConnectorRun, PageCredential, PlatformPause
from ketnoi.connectors.platforms import may_pull, unsupported_reason
from ketnoi.core import permissions
from ketnoi.pages.models import Page

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


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
    demo_blocked: bool = False  # a demo token while the platform's address is a real one: never pulled


def connection_get(*, page: Page, for_user: Actor, runs: int = 10) -> Connection:
    """Everything the connection panel shows; never a token (only the credential's masked form)."""
    from django.utils import timezone

    reason = unsupported_reason(page)
    credential = PageCredential.objects.filter(page=page).select_related("updated_by", "page").first()
    recent = list(ConnectorRun.objects.filter(page=page).order_by("-queued_at", "-id")[:runs])
    finished = [r for r in recent if r.finished_at is not None]
    open_run = next((r for r in recent if r.status in ("queued", "running")), None)
    return Connection(
        page=page,
        supported=not reason,
        reason=reason,
        credential=credential,
        last_run=finished[0] if finished else None,
        open_run=open_run,
        runs=recent,
        pause=PlatformPause.objects.filter(platform=page.platform, paused_until__gt=timezone.now()).first(),
        may_edit=permissions.can(for_user, "edit", page.unit),
        demo_blocked=credential is not None and not may_pull(credential),
    )


def run_list(*, page: Page, limit: int = 50) -> QuerySet[ConnectorRun]:
    return ConnectorRun.objects.filter(page=page).order_by("-queued_at", "-id")[:limit]


def notice_list(*, for_user: Actor, unread_only: bool = False) -> QuerySet[ConnectorNotice]:
    """The person's own notices, about pages still in their scope."""
    qs = ConnectorNotice.objects.filter(user=permissions.person(for_user)).filter(
        permissions.scope_q(for_user, "view", "page__unit")
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.select_related("page").order_by("-created_at", "-id")


def connection_list(
    *, for_user: Actor, status: str = "", expiring_before: Any = None
) -> QuerySet[PageCredential]:
    """Connections of the pages in the caller's scope, problems first (expired, failing), then by expiry."""
    from django.db.models import Case, IntegerField, Value, When

    qs = PageCredential.objects.filter(permissions.scope_q(for_user, "view", "page__unit"))
    if status:
        qs = qs.filter(status=status)
    if expiring_before is not None:
        qs = qs.filter(expires_at__lte=expiring_before, refresh_token_enc="")
    rank = Case(
        When(status="expired", then=Value(0)),
        When(status="failing", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        qs.select_related("page", "page__unit")
        .annotate(rank=rank)
        .order_by("rank", F("expires_at").asc(nulls_last=True), "page__name")
    )


def connection_counts(*, for_user: Actor, expiring_before: Any) -> dict[str, int]:
    from django.db.models import Count, Q

    qs = PageCredential.objects.filter(permissions.scope_q(for_user, "view", "page__unit"))
    return qs.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status="active")),
        expired=Count("pk", filter=Q(status="expired")),
        failing=Count("pk", filter=Q(status="failing")),
        expiring=Count(
            "pk", filter=Q(status="active", expires_at__lte=expiring_before, refresh_token_enc="")
        ),
    )
