"""Every change to units: creation, field edits and dated reorganisations.

Each service checks the caller's rights through ``core.permissions`` (work with no person behind it, the
demo or a migration, passes ``permissions.SYSTEM``), writes the dated structure (``UnitVersion``), changes
today's tree when the date has come, and leaves an audit record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.core import permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import Conflict, ValidationError
from ketnoi.lib.vn_text import fold, normalise
from ketnoi.units.models import Reorganisation, ReorganisationKind, Unit, UnitVersion
from ketnoi.units.signals import announce

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

EDITABLE_FIELDS = {"short_name", "aliases", "kind", "level", "email"}


# Fields that change what a unit is (its place in the administrative order), not just how it is
# described: changing them reshapes the unit, like a rename or a move.
SHAPE_FIELDS = {"short_name", "kind", "level"}


def _check_reshape(by: Actor, *units: Unit) -> None:
    """Reshaping a unit (rename, re-level, move, merge, split, dissolve) needs a right from above it:
    a unit administrator's right on their subtree does not include reshaping the subtree's root."""
    for unit in units:
        permissions.require_reshape(by, unit)


def _today() -> dt.date:
    return timezone.localdate()


def _version_at(unit: Unit, day: dt.date) -> UnitVersion:
    version = (
        UnitVersion.objects.filter(unit=unit)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .first()
    )
    if version is None:
        raise ValidationError(
            _("%(unit)s does not exist on %(date)s.") % {"unit": unit.name, "date": day.strftime("%d/%m/%Y")},
            fields={"effective_date": _("The unit does not exist on this date.")},
        )
    if UnitVersion.objects.filter(unit=unit, valid_from__gt=day).exists():
        raise ValidationError(
            _("%(unit)s already has a change after %(date)s; record changes in date order.")
            % {"unit": unit.name, "date": day.strftime("%d/%m/%Y")},
            fields={"effective_date": _("A later change already exists.")},
        )
    return version


def _change_version(unit: Unit, day: dt.date, **changes: Any) -> None:
    """Close the unit's version at ``day`` and open one with ``changes`` (parent, name)."""
    current = _version_at(unit, day)
    if current.valid_from == day:
        for key, value in changes.items():
            setattr(current, key, value)
        current.save()
        return
    new = UnitVersion(
        unit=unit,
        parent=changes.get("parent", current.parent),
        name=changes.get("name", current.name),
        valid_from=day,
        valid_to=current.valid_to,
    )
    current.valid_to = day
    current.save(update_fields=["valid_to"])
    new.save()


def _end_version(unit: Unit, day: dt.date) -> None:
    current = _version_at(unit, day)
    if current.valid_from == day:
        current.delete()
    else:
        current.valid_to = day
        current.save(update_fields=["valid_to"])


def _tree_move(unit: Unit, new_parent: Unit, day: dt.date) -> None:
    unit.refresh_from_db()
    new_parent.refresh_from_db()
    if Unit.objects.get_parent(unit) == new_parent:
        return
    old_ancestor_ids = [a.pk for a in Unit.objects.get_ancestors(unit)]
    Unit.objects.move(unit, new_parent, pos="last-child")
    unit.refresh_from_db()
    new_ancestor_ids = [a.pk for a in Unit.objects.get_ancestors(unit)]
    # The totals of the old and the new ancestors change (the moved subtree's own do not).
    announce([unit.pk, *old_ancestor_ids, *new_ancestor_ids], day)


def _children_on(unit: Unit, day: dt.date) -> list[Unit]:
    ids = (
        UnitVersion.objects.filter(parent=unit)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("unit_id", flat=True)
    )
    return list(Unit.objects.filter(pk__in=list(ids)))


def _record(
    kind: str,
    day: dt.date,
    units: Sequence[Unit],
    moves: list[tuple[int, int]],
    by: Actor,
    decision: str,
    note: str,
) -> Reorganisation:
    reorg = Reorganisation.objects.create(
        kind=kind,
        effective_date=day,
        decision=decision,
        note=note,
        tree_moves=[list(m) for m in moves],
        created_by=permissions.person(by),
    )
    reorg.units.set(units)
    announce([u.pk for u in units], day)
    if day <= _today():
        _apply(reorg)
    return reorg


def _apply(reorg: Reorganisation) -> None:
    for unit_id, parent_id in reorg.tree_moves:
        _tree_move(Unit.objects.get(pk=unit_id), Unit.objects.get(pk=parent_id), reorg.effective_date)
    reorg.applied_at = timezone.now()
    reorg.save(update_fields=["applied_at"])


def _check_code(code: str) -> str:
    code = code.strip()
    if not code:
        raise ValidationError(_("A unit needs a code."), fields={"code": _("Required.")})
    if Unit.objects.filter(code=code).exists():
        raise Conflict(
            _("The code %(code)s is already used by another unit.") % {"code": code},
            fields={"code": _("Already used.")},
        )
    return code


@permissions.gated
@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    level: str,
    parent: Unit | None,
    by: Actor,
    valid_from: dt.date | None = None,
    short_name: str = "",
    aliases: str = "",
    email: str = "",
) -> Unit:
    """Add a unit under ``parent`` (a root when None), existing from ``valid_from`` (always when None)."""
    permissions.require(by, "reorganise", parent)
    return _create(
        code=code,
        name=name,
        kind=kind,
        level=level,
        parent=parent,
        by=by,
        valid_from=valid_from,
        short_name=short_name,
        aliases=aliases,
        email=email,
    )


def _create(
    *,
    code: str,
    name: str,
    kind: str,
    level: str,
    parent: Unit | None,
    by: Actor,
    valid_from: dt.date | None = None,
    short_name: str = "",
    aliases: str = "",
    email: str = "",
) -> Unit:
    """``unit_create`` once the right is checked (a split creates its parts under the right it checked)."""
    code = _check_code(code)
    name = normalise(name)
    if not name:
        raise ValidationError(_("A unit needs a name."), fields={"name": _("Required.")})
    if parent is not None and valid_from is not None and not parent.is_active_on(valid_from):
        raise ValidationError(
            _("The parent unit does not exist on that date."), fields={"parent": _("Not active.")}
        )
    fields: dict[str, Any] = {
        "code": code,
        "name": name,
        "name_folded": fold(name),
        "kind": kind,
        "level": level,
        "short_name": normalise(short_name),
        "aliases": aliases.strip(),
        "email": email,
        "valid_from": valid_from,
    }
    unit = Unit(**fields)
    stamp(unit, by, gettext_noop("Established"))
    if parent is None:
        unit = Unit.objects.add_root(instance=unit)
    else:
        parent.refresh_from_db()
        unit = Unit.objects.add_child(parent, instance=unit)
    UnitVersion.objects.create(unit=unit, parent=parent, name=name, valid_from=valid_from)
    if valid_from is not None:
        reorg = Reorganisation.objects.create(
            kind=ReorganisationKind.CREATE,
            effective_date=valid_from,
            created_by=permissions.person(by),
            applied_at=timezone.now(),
        )
        reorg.units.set([unit])
    return unit


@permissions.gated
@transaction.atomic
def unit_update(*, unit: Unit, by: Actor, **fields: Any) -> Unit:
    """Change a unit's descriptive fields. Name and place change through dated reorganisations."""
    permissions.require(by, "manage", unit)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    fields = {key: normalise(value) if key == "short_name" else value for key, value in fields.items()}
    if any(getattr(unit, key) != value for key, value in fields.items() if key in SHAPE_FIELDS):
        _check_reshape(by, unit)
    for key, value in fields.items():
        setattr(unit, key, value)
    stamp(unit, by, gettext_noop("Details changed"))
    unit.save()
    return unit


@permissions.gated
@transaction.atomic
def unit_rename(
    *, unit: Unit, new_name: str, effective_date: dt.date, by: Actor, decision: str = "", note: str = ""
) -> Reorganisation:
    permissions.require(by, "reorganise", unit)
    _check_reshape(by, unit)
    new_name = normalise(new_name)
    if not new_name:
        raise ValidationError(_("A unit needs a name."), fields={"new_name": _("Required.")})
    _change_version(unit, effective_date, name=new_name)
    reorg = _record(ReorganisationKind.RENAME, effective_date, [unit], [], by, decision, note)
    if effective_date <= _today():
        old = unit.name
        unit.name = new_name
        unit.name_folded = fold(new_name)
        if old and old not in unit.aliases.splitlines():
            unit.aliases = "\n".join([*unit.aliases.splitlines(), old]).strip()
        stamp(unit, by, gettext_noop("Renamed"))
        unit.save()
    return reorg


def _refuse_cycle(unit: Unit, new_parent: Unit, day: dt.date) -> None:
    """Refuse a parent inside the unit's own subtree: today's tree for a change that takes effect now, the
    tree of ``day`` for a later one (a commune moved out of its district on that day may then receive
    the district's records, though both changes are still pending)."""
    from ketnoi.units.selectors import subtree_ids_as_of

    new_parent.refresh_from_db()
    unit.refresh_from_db()
    if day > _today():
        inside = new_parent.pk in subtree_ids_as_of(unit, day) or new_parent.pk == unit.pk
    else:
        inside = new_parent.pk == unit.pk or new_parent.path.startswith(unit.path)
    if inside:
        raise ValidationError(
            _("A unit cannot be moved under itself or one of its own units."),
            fields={"new_parent": _("Not allowed.")},
        )


@permissions.gated
@transaction.atomic
def unit_move(
    *, unit: Unit, new_parent: Unit, effective_date: dt.date, by: Actor, decision: str = "", note: str = ""
) -> Reorganisation:
    permissions.require_all(by, "reorganise", [unit, new_parent])
    _check_reshape(by, unit)
    _refuse_cycle(unit, new_parent, effective_date)
    if not new_parent.is_active_on(effective_date):
        raise ValidationError(
            _("The new parent unit does not exist on that date."), fields={"new_parent": _("Not active.")}
        )
    _change_version(unit, effective_date, parent=new_parent)
    return _record(
        ReorganisationKind.MOVE,
        effective_date,
        [unit, new_parent],
        [(unit.pk, new_parent.pk)],
        by,
        decision,
        note,
    )


def _dissolve_into(
    unit: Unit, successor: Unit | None, day: dt.date, by: Actor, moves: list[tuple[int, int]]
) -> None:
    children = _children_on(unit, day)
    if children and successor is None:
        raise ValidationError(
            _("%(unit)s still has units under it; move them or name the unit that takes it over.")
            % {"unit": unit.name},
            fields={"successor": _("Required while the unit has units under it.")},
        )
    for child in children:
        if successor is None:  # pragma: no cover - refused above
            break
        _change_version(child, day, parent=successor)
        moves.append((child.pk, successor.pk))
    _end_version(unit, day)
    unit.valid_to = day
    unit.successor = successor
    stamp(unit, by, gettext_noop("Dissolved"))
    unit.save(update_fields=["valid_to", "successor", "updated_at"])
    if successor is not None:
        # Today's tree keeps the dissolved unit under its successor, so its records follow it.
        moves.append((unit.pk, successor.pk))


@permissions.gated
@transaction.atomic
def unit_merge(
    *,
    sources: Sequence[Unit],
    target: Unit,
    effective_date: dt.date,
    by: Actor,
    decision: str = "",
    note: str = "",
) -> Reorganisation:
    """Merge ``sources`` into ``target`` on ``effective_date``: the sources end, their units and
    records pass to the target; reports of earlier periods still show them in their old place."""
    permissions.require_all(by, "reorganise", [target, *sources])
    _check_reshape(by, *sources)
    if not sources:
        raise ValidationError(_("Choose at least one unit to merge."), fields={"sources": _("Required.")})
    if any(s.pk == target.pk for s in sources):
        raise ValidationError(
            _("A unit cannot be merged into itself."), fields={"sources": _("Not allowed.")}
        )
    for source in sources:
        _refuse_cycle(source, target, effective_date)
        if not source.is_active_on(effective_date):
            raise ValidationError(
                _("%(unit)s does not exist on that date.") % {"unit": source.name},
                fields={"sources": _("Not active.")},
            )
    if not target.is_active_on(effective_date):
        raise ValidationError(
            _("The receiving unit does not exist on that date."), fields={"target": _("Not active.")}
        )
    moves: list[tuple[int, int]] = []
    for source in sources:
        _dissolve_into(source, target, effective_date, by, moves)
    return _record(ReorganisationKind.MERGE, effective_date, [*sources, target], moves, by, decision, note)


@permissions.gated
@transaction.atomic
def unit_split(
    *,
    unit: Unit,
    parts: Sequence[dict[str, Any]],
    heir_code: str,
    effective_date: dt.date,
    by: Actor,
    children_to: dict[str, str] | None = None,
    decision: str = "",
    note: str = "",
) -> Reorganisation:
    """Split ``unit`` into new units (each a dict of code, name, kind, level) on ``effective_date``.

    The part named by ``heir_code`` takes over the old unit's records; ``children_to`` maps the
    codes of units under the old one to the part they go to (the heir by default).
    """
    permissions.require(by, "reorganise", unit)
    _check_reshape(by, unit)
    if len(parts) < 2:
        raise ValidationError(
            _("A split needs at least two new units."), fields={"parts": _("At least two.")}
        )
    if heir_code not in {p["code"] for p in parts}:
        raise ValidationError(
            _("The unit that takes over the records must be one of the new units."),
            fields={"heir_code": _("Invalid.")},
        )
    parent_version = _version_at(unit, effective_date)
    parent = parent_version.parent
    created: dict[str, Unit] = {}
    for part in parts:
        created[part["code"]] = _create(
            code=part["code"],
            name=part["name"],
            kind=part.get("kind", unit.kind),
            level=part.get("level", unit.level),
            parent=parent,
            by=by,
            valid_from=effective_date,
        )
    moves: list[tuple[int, int]] = []
    for child in _children_on(unit, effective_date):
        dest = created[(children_to or {}).get(child.code, heir_code)]
        _change_version(child, effective_date, parent=dest)
        moves.append((child.pk, dest.pk))
    _dissolve_into(unit, created[heir_code], effective_date, by, moves)
    return _record(
        ReorganisationKind.SPLIT, effective_date, [unit, *created.values()], moves, by, decision, note
    )


@permissions.gated
@transaction.atomic
def unit_dissolve(
    *,
    unit: Unit,
    effective_date: dt.date,
    by: Actor,
    successor: Unit | None = None,
    decision: str = "",
    note: str = "",
) -> Reorganisation:
    permissions.require_all(by, "reorganise", [unit, *([successor] if successor else [])])
    _check_reshape(by, unit)
    if successor is not None:
        _refuse_cycle(unit, successor, effective_date)
    moves: list[tuple[int, int]] = []
    _dissolve_into(unit, successor, effective_date, by, moves)
    units = [unit, successor] if successor else [unit]
    return _record(ReorganisationKind.DISSOLVE, effective_date, units, moves, by, decision, note)


def reorganisations_apply_due(*, today: dt.date | None = None) -> int:
    """Apply to today's tree the reorganisations whose effective date has come. Safe to repeat."""
    today = today or _today()
    done = 0
    for reorg in Reorganisation.objects.filter(applied_at__isnull=True, effective_date__lte=today).order_by(
        "effective_date", "id"
    ):
        with transaction.atomic():
            # Claim the row so two workers never apply the same reorganisation.
            if Reorganisation.objects.filter(pk=reorg.pk, applied_at__isnull=True).update(
                applied_at=timezone.now()
            ):
                _apply(reorg)
                for unit in reorg.units.all():
                    if reorg.kind == ReorganisationKind.RENAME:
                        version = _version_at(unit, today)
                        unit.name = version.name
                        unit.name_folded = fold(version.name)
                        unit.save(update_fields=["name", "name_folded", "updated_at"])
                done += 1
    return done
