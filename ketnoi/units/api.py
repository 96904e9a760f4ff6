"""Units: the hierarchy, read today or as of a date, and its dated reorganisations."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from ketnoi.core.exceptions import NotFound, PermissionDenied
from ketnoi.units import selectors, services
from ketnoi.units.models import Reorganisation, Unit, UnitKind, UnitLevel

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    short_name: str = ""
    parent_code: str | None
    kind: str
    level: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor_code: str | None = None


def _out(unit: Unit, parent_code: str | None) -> dict[str, object]:
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "parent_code": parent_code,
        "kind": unit.kind,
        "level": unit.level,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "successor_code": unit.successor.code if unit.successor_id else None,  # type: ignore[union-attr]
    }


def _as_of_rows(request: HttpRequest, day: dt.date, only: str | None = None) -> list[dict[str, object]]:
    nodes = selectors.units_as_of(for_user=request.user, day=day)
    tree = {n.id: n for n in nodes}
    all_tree = selectors.tree_as_of(day)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=list(tree)).select_related("successor")}
    rows = []
    for n in nodes:
        if only is not None and n.code != only:
            continue
        parent = all_tree.get(n.parent_id) if n.parent_id else None
        row = _out(units[n.id], parent.code if parent else None)
        row["name"] = n.name
        rows.append(row)
    return rows


@router.get("", response=list[UnitOut], summary="Units the caller may see, today or as of a date")
def unit_list(
    request: HttpRequest,
    as_of: dt.date | None = None,
    q: str = "",
    include_dissolved: bool = False,
) -> list[dict[str, object]]:
    if as_of is not None:
        rows = _as_of_rows(request, as_of)
        if q:
            from ketnoi.lib.vn_text import matches

            rows = [r for r in rows if matches(q, str(r["name"]), str(r["code"]))]
        return rows
    units = list(selectors.unit_list(for_user=request.user, q=q, include_dissolved=include_dissolved))
    parents = selectors.code_parent_map(units)
    return [_out(u, parents[u.pk]) for u in units]


@router.get("/{code}", response=UnitOut, summary="One unit, today or as of a date")
def unit_detail(request: HttpRequest, code: str, as_of: dt.date | None = None) -> dict[str, object]:
    unit = selectors.unit_get(code=code, for_user=request.user)
    if as_of is not None:
        rows = _as_of_rows(request, as_of, only=code)
        if not rows:
            raise NotFound()
        return rows[0]
    return _out(unit, selectors.code_parent_map([unit])[unit.pk])


class UnitIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=255)
    parent_code: str
    kind: UnitKind
    level: UnitLevel
    short_name: str = ""
    aliases: str = ""
    valid_from: dt.date | None = None


@router.post("", response={201: UnitOut}, summary="Establish a unit under a parent")
def unit_create(request: HttpRequest, payload: UnitIn) -> Status[dict[str, object]]:
    parent = selectors.unit_get(code=payload.parent_code, for_user=request.user, verb="reorganise")
    unit = services.unit_create(
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        level=payload.level,
        parent=parent,
        by=request.user,
        valid_from=payload.valid_from,
        short_name=payload.short_name,
        aliases=payload.aliases,
    )
    return Status(201, _out(unit, parent.code))


class UnitPatch(Schema):
    short_name: str | None = None
    aliases: str | None = None
    kind: UnitKind | None = None
    level: UnitLevel | None = None
    email: str | None = None


@router.patch("/{code}", response=UnitOut, summary="Change a unit's details")
def unit_update(request: HttpRequest, code: str, payload: UnitPatch) -> dict[str, object]:
    unit = selectors.unit_get(code=code, for_user=request.user)
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    unit = services.unit_update(unit=unit, by=request.user, **fields)
    return _out(unit, selectors.code_parent_map([unit])[unit.pk])


class ReorgOut(Schema):
    id: int
    kind: str
    effective_date: dt.date
    decision: str
    applied: bool
    unit_codes: list[str]


def _reorg_out(reorg: Reorganisation) -> dict[str, object]:
    return {
        "id": reorg.pk,
        "kind": reorg.kind,
        "effective_date": reorg.effective_date,
        "decision": reorg.decision,
        "applied": reorg.applied_at is not None,
        "unit_codes": [u.code for u in reorg.units.all()],
    }


class ReorgBase(Schema):
    effective_date: dt.date
    decision: str = ""
    note: str = ""


class RenameIn(ReorgBase):
    new_name: str = Field(..., min_length=1)


class MoveIn(ReorgBase):
    new_parent_code: str


class MergeIn(ReorgBase):
    source_codes: list[str] = Field(..., min_length=1)


class SplitPart(Schema):
    code: str
    name: str
    kind: UnitKind | None = None
    level: UnitLevel | None = None


class SplitIn(ReorgBase):
    parts: list[SplitPart] = Field(..., min_length=2)
    heir_code: str
    children_to: dict[str, str] = {}


class DissolveIn(ReorgBase):
    successor_code: str | None = None


def _get(request: HttpRequest, code: str) -> Unit:
    return selectors.unit_get(code=code, for_user=request.user, verb="reorganise")


@router.post("/{code}/rename", response={201: ReorgOut}, summary="Rename a unit from an effective date")
def unit_rename(request: HttpRequest, code: str, payload: RenameIn) -> Status[dict[str, object]]:
    reorg = services.unit_rename(
        unit=_get(request, code),
        new_name=payload.new_name,
        effective_date=payload.effective_date,
        by=request.user,
        decision=payload.decision,
        note=payload.note,
    )
    return Status(201, _reorg_out(reorg))


@router.post("/{code}/move", response={201: ReorgOut}, summary="Move a unit under another parent")
def unit_move(request: HttpRequest, code: str, payload: MoveIn) -> Status[dict[str, object]]:
    reorg = services.unit_move(
        unit=_get(request, code),
        new_parent=_get(request, payload.new_parent_code),
        effective_date=payload.effective_date,
        by=request.user,
        decision=payload.decision,
        note=payload.note,
    )
    return Status(201, _reorg_out(reorg))


@router.post("/{code}/merge", response={201: ReorgOut}, summary="Merge other units into this one")
def unit_merge(request: HttpRequest, code: str, payload: MergeIn) -> Status[dict[str, object]]:
    reorg = services.unit_merge(
        sources=[_get(request, c) for c in payload.source_codes],
        target=_get(request, code),
        effective_date=payload.effective_date,
        by=request.user,
        decision=payload.decision,
        note=payload.note,
    )
    return Status(201, _reorg_out(reorg))


@router.post("/{code}/split", response={201: ReorgOut}, summary="Split a unit into new units")
def unit_split(request: HttpRequest, code: str, payload: SplitIn) -> Status[dict[str, object]]:
    reorg = services.unit_split(
        unit=_get(request, code),
        parts=[{k: v for k, v in p.dict().items() if v is not None} for p in payload.parts],
        heir_code=payload.heir_code,
        children_to=payload.children_to,
        effective_date=payload.effective_date,
        by=request.user,
        decision=payload.decision,
        note=payload.note,
    )
    return Status(201, _reorg_out(reorg))


@router.post("/{code}/dissolve", response={201: ReorgOut}, summary="Dissolve a unit")
def unit_dissolve(request: HttpRequest, code: str, payload: DissolveIn) -> Status[dict[str, object]]:
    successor = _get(request, payload.successor_code) if payload.successor_code else None
    reorg = services.unit_dissolve(
        unit=_get(request, code),
        successor=successor,
        effective_date=payload.effective_date,
        by=request.user,
        decision=payload.decision,
        note=payload.note,
    )
    return Status(201, _reorg_out(reorg))


class VersionOut(Schema):
    name: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


class HistoryOut(Schema):
    versions: list[VersionOut]
    changes: list[dict[str, object]]


@router.get("/{code}/history", response=HistoryOut, summary="A unit's dated structure and audit trail")
def unit_history(request: HttpRequest, code: str) -> dict[str, object]:
    from ketnoi.core.audit import history_rows

    unit = selectors.unit_get(code=code, for_user=request.user)
    if not unit:
        raise PermissionDenied()
    versions = [
        {
            "name": v.name,
            "parent_code": v.parent.code if v.parent else None,
            "valid_from": v.valid_from,
            "valid_to": v.valid_to,
        }
        for v in selectors.unit_history_versions(unit)
    ]
    changes = [
        {
            "when": r["when"].astimezone(timezone.get_current_timezone()).isoformat(),
            "who": str(r["who"]) if r["who"] else None,
            "type": r["type"],
            "reason": r["reason"],
            "changes": r["changes"],
        }
        for r in history_rows(unit)
    ]
    return {"versions": versions, "changes": changes}
