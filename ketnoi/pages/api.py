"""REST endpoints of the official pages (mounted by ketnoi.site.api at /api/v1/pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict
from pydantic import ValidationError as PydanticValidationError

from ketnoi.core import paging
from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import uploads
from ketnoi.pages import selectors, services
from ketnoi.pages.checklist import evaluate
from ketnoi.pages.models import METRIC_KEYS, MetricSnapshot, Page, PageStatus, Platform
from ketnoi.units.selectors import unit_get

router = Router(tags=["pages"])


class AdministratorOut(Schema):
    username: str
    full_name: str
    role: str
    two_factor: bool


class PageOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    platform: str
    name: str
    url: str
    canonical_url: str
    platform_id: str
    status: str
    status_changed_on: dt.date | None
    verified_on: dt.date | None
    retired_on: dt.date | None
    is_grassroots: bool
    recovery_email: str
    notes: str
    review_interval_days: int
    last_reviewed_on: dt.date | None
    latest_day: dt.date | None
    latest_audience: int | None
    last_post_day: dt.date | None


class PageDetailOut(PageOut):
    administrators: list[AdministratorOut]
    checklist: dict[str, bool]


class PageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit_code: str
    platform: Platform
    name: str = Field(..., min_length=1, max_length=255)
    url: str = Field(..., min_length=3, max_length=500)
    platform_id: str = Field("", max_length=100)
    status: PageStatus = PageStatus.REGISTERED
    is_grassroots: bool = False
    recovery_email: str = Field("", max_length=254)
    notes: str = ""


class PagePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    unit_code: str | None = None
    platform: Platform | None = None
    name: str | None = Field(None, min_length=1, max_length=255)
    url: str | None = Field(None, min_length=3, max_length=500)
    platform_id: str | None = Field(None, max_length=100)
    status: PageStatus | None = None
    is_grassroots: bool | None = None
    recovery_email: str | None = Field(None, max_length=254)
    notes: str | None = None
    review_interval_days: int | None = Field(None, ge=1, le=3650)


class SnapshotIn(Schema):
    model_config = ConfigDict(extra="forbid")

    day: dt.date
    followers: int | None = Field(None, ge=0)
    likes: int | None = Field(None, ge=0)
    members: int | None = Field(None, ge=0)
    posts: int | None = Field(None, ge=0)
    reach: int | None = Field(None, ge=0)
    engagement: int | None = Field(None, ge=0)


class Period(Schema):
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")


_ONE = SnapshotIn.model_json_schema()
_SNAPSHOTS_BODY = {
    "oneOf": [
        _ONE,
        {"type": "array", "items": _ONE, "minItems": 1},
        {
            "type": "object",
            "properties": {"snapshots": {"type": "array", "items": _ONE, "minItems": 1}},
            "required": ["snapshots"],
            "additionalProperties": False,
        },
    ]
}


class SnapshotOut(Schema):
    day: dt.date
    followers: int | None
    likes: int | None
    members: int | None
    posts: int | None
    reach: int | None
    engagement: int | None
    audience: int | None
    source: str


def _out(page: Page) -> dict[str, Any]:
    data = {name: getattr(page, name) for name in PageOut.model_fields if hasattr(page, name)}
    data["unit_code"] = page.unit.code
    data["unit_name"] = page.unit.name
    return data


def _detail(page: Page) -> dict[str, Any]:
    admins = list(page.administrators.select_related("user").order_by("user__username"))
    data = _out(page)
    data["administrators"] = [
        {
            "username": a.user.username,
            "full_name": a.user.display_name,
            "role": a.role,
            "two_factor": a.two_factor,
        }
        for a in admins
    ]
    from django.utils import timezone

    data["checklist"] = {c.key: c.ok for c in evaluate(page, today=timezone.localdate()).checks}
    return data


@router.get("", response=list[PageOut], summary="Pages the caller may see")
def list_pages(
    request: HttpRequest,
    unit: str = "",
    platform: str = "",
    status: str = "",
    q: str = "",
    limit: paging.Limit5000 = 500,
    offset: paging.Offset = 0,
) -> list[dict[str, Any]]:
    under = unit_get(code=unit, for_user=request.user) if unit else None
    pages = selectors.page_list(for_user=request.user, under=under, platform=platform, status=status, q=q)
    return [_out(p) for p in pages[offset : offset + limit]]


@router.post("", response={201: PageDetailOut}, summary="Register a page")
def create_page(request: HttpRequest, payload: PageIn) -> Any:
    target = unit_get(code=payload.unit_code, for_user=request.user, verb="edit")
    page = services.page_register(
        unit=target,
        platform=payload.platform.value,
        name=payload.name,
        url=payload.url,
        platform_id=payload.platform_id,
        status=payload.status.value,
        is_grassroots=payload.is_grassroots,
        recovery_email=payload.recovery_email,
        notes=payload.notes,
        by=request.user,
    )
    return Status(201, _detail(page))


@router.get("/{int:page_id}", response=PageDetailOut, summary="One page")
def get_page(request: HttpRequest, page_id: int) -> dict[str, Any]:
    return _detail(selectors.page_get(pk=page_id, for_user=request.user))


@router.patch("/{int:page_id}", response=PageDetailOut, summary="Change a page")
def patch_page(request: HttpRequest, page_id: int, payload: PagePatch) -> dict[str, Any]:
    # Seen is enough here: the service decides (editing needs `edit`, verifying is the office's call).
    page = selectors.page_get(pk=page_id, for_user=request.user)
    fields = payload.model_dump(exclude_unset=True)
    if "unit_code" in fields:
        code = fields.pop("unit_code")
        fields["unit"] = unit_get(code=code, for_user=request.user, verb="edit")
    for key in ("platform", "status"):
        if fields.get(key) is not None:
            fields[key] = str(fields[key].value if hasattr(fields[key], "value") else fields[key])
    fields = {k: v for k, v in fields.items() if v is not None}
    services.page_update(page=page, by=request.user, **fields)
    page.refresh_from_db()
    return _detail(page)


def _snapshot(s: MetricSnapshot) -> dict[str, Any]:
    data = {k: getattr(s, k) for k in METRIC_KEYS}
    return {"day": s.day, **data, "audience": s.audience, "source": s.source}


@router.get("/{int:page_id}/metrics", response=list[SnapshotOut], summary="Snapshots of a page")
def get_metrics(
    request: HttpRequest,
    page_id: int,
    period: Query[Period],
) -> list[dict[str, Any]]:
    page = selectors.page_get(pk=page_id, for_user=request.user)
    return [_snapshot(s) for s in selectors.snapshot_list(page=page, start=period.start, end=period.end)]


@router.post(
    "/{int:page_id}/metrics",
    response={201: list[SnapshotOut]},
    summary="Record snapshots",
    description='Body: one snapshot `{day, followers, ...}`, a list of them, or `{"snapshots": [...]}`. '
    "Figures left out stay as they are (missing is never zero).",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": _SNAPSHOTS_BODY}}, "required": True}
    },
)
def post_metrics(request: HttpRequest, page_id: int) -> Any:
    page = selectors.page_get(pk=page_id, for_user=request.user)
    try:
        body = uploads.loads_json(request.body or b"null", name=_("The body"))
    except ValueError as exc:
        raise ValidationError(_("The body is not JSON."), fields={"body": _("Not JSON.")}) from exc
    items = body.get("snapshots") if isinstance(body, dict) and "snapshots" in body else body
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        raise ValidationError(_("Send one or more snapshots."), fields={"body": _("Required.")})
    parsed: list[SnapshotIn] = []
    for i, item in enumerate(items):
        try:
            parsed.append(SnapshotIn.model_validate(item))
        except PydanticValidationError as exc:
            fields = {f"{i}.{'.'.join(str(p) for p in e['loc'])}": e["msg"] for e in exc.errors()}
            raise ValidationError(_("Some values are not valid."), fields=fields) from exc
    from django.db import transaction

    with transaction.atomic():
        written = [
            services.metrics_record(
                page=page,
                day=s.day,
                values={k: getattr(s, k) for k in METRIC_KEYS if k in s.model_fields_set},
                source="manual",
                by=request.user,
            )
            for s in parsed
        ]
    return Status(201, [_snapshot(s) for s in written])
