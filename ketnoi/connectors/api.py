"""REST endpoints of the connectors, mounted under /api/v1/pages.

PUT    /pages/{id}/credentials   store the page's token (write-only; answers with the masked form only)
DELETE /pages/{id}/credentials   disconnect
GET    /pages/{id}/connection    status, expiry, last run, last error (no token, ever)
GET    /pages/{id}/runs          recent pulls
POST   /pages/{id}/pull          pull now (202)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from ketnoi.connectors import selectors, services
from ketnoi.connectors.models import ConnectorRun, PageCredential
from ketnoi.connectors.tasks import connectors_pull
from ketnoi.pages.selectors import page_get

router = Router(tags=["connectors"])


class CredentialIn(Schema):
    access_token: str
    expires_at: dt.datetime | None = None
    refresh_token: str = ""
    app_id: str = ""
    app_secret: str = ""


class CredentialOut(Schema):
    page_id: int
    status: str
    token: str  # masked: "…abcd"
    expires_at: dt.datetime | None
    has_refresh_token: bool
    refresh_expires_at: dt.datetime | None
    last_error_code: str
    last_error_message: str
    last_success_at: dt.datetime | None
    next_pull_at: dt.datetime | None
    updated_at: dt.datetime
    updated_by: str | None


class RunOut(Schema):
    id: int
    platform: str
    trigger: str
    status: str
    queued_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error_code: str
    error_message: str
    error_detail: str
    retry_at: dt.datetime | None
    values: dict[str, Any]


class ConnectionOut(Schema):
    page_id: int
    platform: str
    supported: bool
    reason: str
    credential: CredentialOut | None
    last_run: RunOut | None
    platform_paused_until: dt.datetime | None


def _credential_out(c: PageCredential) -> dict[str, Any]:
    return {
        "page_id": c.page_id,
        "status": c.status,
        "token": c.masked,
        "expires_at": c.expires_at,
        "has_refresh_token": c.has_refresh_token,
        "refresh_expires_at": c.refresh_expires_at,
        "last_error_code": c.last_error_code,
        "last_error_message": c.last_error_message,
        "last_success_at": c.last_success_at,
        "next_pull_at": c.next_pull_at,
        "updated_at": c.updated_at,
        "updated_by": c.updated_by.display_name if c.updated_by else None,
    }


def _run_out(r: ConnectorRun) -> dict[str, Any]:
    return {
        "id": r.pk,
        "platform": r.platform,
        "trigger": r.trigger,
        "status": r.status,
        "queued_at": r.queued_at,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "error_code": r.error_code,
        "error_message": r.error_message,
        "error_detail": r.error_detail,
        "retry_at": r.retry_at,
        "values": r.values,
    }


@router.put(
    "/{page_id}/credentials", response=CredentialOut, summary="Store the page's platform token (write-only)"
)
def credential_put(request: HttpRequest, page_id: int, payload: CredentialIn) -> dict[str, Any]:
    page = page_get(pk=page_id, for_user=request.user, verb="edit")
    credential = services.credential_set(
        page=page,
        access_token=payload.access_token,
        expires_at=payload.expires_at,
        refresh_token=payload.refresh_token,
        app_id=payload.app_id,
        app_secret=payload.app_secret,
        by=request.user,
    )
    return _credential_out(credential)


@router.delete(
    "/{page_id}/credentials", response={204: None}, summary="Disconnect the page (delete its tokens)"
)
def credential_delete(request: HttpRequest, page_id: int) -> Status[None]:
    page = page_get(pk=page_id, for_user=request.user, verb="edit")
    services.credential_delete(page=page, by=request.user)
    return Status(204, None)


@router.get("/{page_id}/connection", response=ConnectionOut, summary="Connection status of a page")
def connection(request: HttpRequest, page_id: int) -> dict[str, Any]:
    page = page_get(pk=page_id, for_user=request.user, verb="view")
    c = selectors.connection_get(page=page, for_user=request.user, runs=5)
    return {
        "page_id": page.pk,
        "platform": page.platform,
        "supported": c.supported,
        "reason": c.reason,
        "credential": _credential_out(c.credential) if c.credential else None,
        "last_run": _run_out(c.last_run) if c.last_run else None,
        "platform_paused_until": c.pause.paused_until if c.pause else None,
    }


@router.get("/{page_id}/runs", response=list[RunOut], summary="Recent pulls of a page")
def runs(request: HttpRequest, page_id: int) -> list[dict[str, Any]]:
    page = page_get(pk=page_id, for_user=request.user, verb="view")
    return [_run_out(r) for r in selectors.run_list(page=page)]


@router.post("/{page_id}/pull", response={202: RunOut}, summary="Pull the page's figures now")
def pull(request: HttpRequest, page_id: int) -> Status[dict[str, Any]]:
    page = page_get(pk=page_id, for_user=request.user, verb="edit")
    run = services.pull_enqueue(page=page, by=request.user)
    connectors_pull(run.pk)
    run.refresh_from_db()
    return Status(202, _run_out(run))
