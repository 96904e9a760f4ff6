"""REST endpoints of the look-alike watch (mounted by ketnoi.site.api at /api/v1/lookalikes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict
from pydantic import Field as PydanticField

from ketnoi.core import paging
from ketnoi.lookalike import selectors, services
from ketnoi.lookalike.models import Candidate, Decision, ReportState, Source

router = Router(tags=["lookalikes"])


class ReportOut(Schema):
    state: str
    state_label: str
    reference: str
    reported_on: dt.date | None
    state_changed_on: dt.date | None
    fields: dict[str, Any]


class CandidateOut(Schema):
    id: int
    page_id: int
    page_name: str
    page_url: str
    unit_code: str
    unit_name: str
    source: str
    name: str
    url: str
    canonical_url: str
    score: float
    signals: dict[str, Any]
    decision: str
    decision_label: str
    decided_on: dt.date | None
    note: str
    published: bool
    warning_notice: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    report: ReportOut | None


class CandidateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=255)
    url: str = Field("", max_length=500)
    source: Literal["manual", "import", "search"] = "manual"


class CandidatePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["impersonation", "fan_parody", "unrelated", "needs_evidence"] | None = None
    note: str | None = Field(None, max_length=2000)
    published: bool | None = None
    report_state: Literal["reported", "taken_down", "refused", "appealed"] | None = None
    report_on: dt.date | None = None
    report_reference: str | None = Field(None, max_length=100)


def _out(c: Candidate) -> dict[str, Any]:
    report = getattr(c, "report", None)
    return {
        "id": c.pk,
        "page_id": c.page_id,
        "page_name": c.page.name,
        "page_url": c.page.url,
        "unit_code": c.unit.code,
        "unit_name": c.unit.name,
        "source": c.source,
        "name": c.name,
        "url": c.url,
        "canonical_url": c.canonical_url,
        "score": c.score,
        "signals": c.signals,
        "decision": c.decision,
        "decision_label": str(c.get_decision_display()),
        "decided_on": c.decided_on,
        "note": c.note,
        "published": c.published,
        "warning_notice": c.warning_notice,
        "first_seen": c.first_seen,
        "last_seen": c.last_seen,
        "report": None
        if report is None
        else {
            "state": report.state,
            "state_label": str(report.get_state_display()),
            "reference": report.reference,
            "reported_on": report.reported_on,
            "state_changed_on": report.state_changed_on,
            "fields": report.fields,
        },
    }


@router.get("/lookalikes", response=list[CandidateOut], summary="Look-alike candidates the caller may see")
def list_candidates(
    request: HttpRequest,
    q: str = "",
    decision: str = "",
    page_id: Annotated[int, PydanticField(ge=1, le=2**63 - 1)] | None = None,
    queue: bool = False,
    limit: paging.Limit500 = 100,
    offset: paging.Offset = 0,
) -> list[dict[str, Any]]:
    decision = decision if decision in Decision.values else ""
    rows = selectors.candidate_list(
        for_user=request.user, q=q[:100], decision=decision, page_id=page_id, queue_only=queue
    )
    return [_out(c) for c in rows[offset : offset + limit]]


@router.post("/lookalikes", response={201: CandidateOut}, summary="Add a page that imitates an official page")
def create_candidate(request: HttpRequest, payload: CandidateIn) -> Any:
    candidate = services.candidate_add(
        source=Source(payload.source).value, name=payload.name, url=payload.url, by=request.user
    )
    return Status(201, _out(selectors.candidate_get(pk=candidate.pk, for_user=request.user)))


@router.get("/lookalikes/{int:candidate_id}", response=CandidateOut, summary="One candidate")
def get_candidate(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    return _out(selectors.candidate_get(pk=candidate_id, for_user=request.user))


@router.patch("/lookalikes/{int:candidate_id}", response=CandidateOut, summary="Review a candidate")
def patch_candidate(request: HttpRequest, candidate_id: int, payload: CandidatePatch) -> dict[str, Any]:
    candidate = selectors.candidate_get(pk=candidate_id, for_user=request.user)
    services.candidate_update(
        candidate=candidate,
        by=request.user,
        decision=payload.decision,
        note=payload.note,
        published=payload.published,
        report_state=ReportState(payload.report_state).value if payload.report_state else None,
        report_on=payload.report_on,
        report_reference=payload.report_reference,
    )
    return _out(selectors.candidate_get(pk=candidate_id, for_user=request.user))
