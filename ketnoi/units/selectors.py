"""Reads of the unit hierarchy: scoped lists, subtrees, search, and the tree as of any date.

Nothing outside this module builds tree-path logic.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.exceptions import NotFound, PermissionDenied, ValidationError
from ketnoi.lib.vn_text import fold, sort_key
from ketnoi.units.models import Unit, UnitVersion

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


def unit_get(*, code: str, for_user: Actor, verb: str = "view") -> Unit:
    """The unit with ``code`` if the user may ``verb`` it: 404 when missing, 403 when out of scope."""
    try:
        unit = Unit.objects.get(code=code)
    except Unit.DoesNotExist as exc:
        raise NotFound() from exc
    if not permissions.can(for_user, verb, unit):
        raise PermissionDenied()
    return unit


def existing_q(day: dt.date | None = None, field: str = "") -> Q:
    """A filter for units that exist on ``day`` (today by default): established and not yet dissolved."""
    day = day or timezone.localdate()
    prefix = f"{field}__" if field else ""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def require_exists(
    unit: Unit, day: dt.date | None = None, *, field: str = "unit", planned_ok: bool = False
) -> Unit:
    """Refuse new work for a unit that does not exist on ``day`` (today by default).

    The one rule every service that takes a unit for new work calls (tasks, documents, pages, roles,
    reports); a dissolved or merged unit's history stays readable, it only receives nothing new.
    ``planned_ok``: a unit established later is accepted (people and roles are prepared before the day)."""
    day = day or timezone.localdate()
    if unit.is_active_on(day) or (planned_ok and unit.valid_from is not None and day < unit.valid_from):
        return unit
    when = day.strftime("%d/%m/%Y")
    if unit.valid_from is not None and day < unit.valid_from:
        message = _("%(unit)s does not exist yet on %(day)s: it is established on %(start)s.") % {
            "unit": unit.name,
            "day": when,
            "start": unit.valid_from.strftime("%d/%m/%Y"),
        }
    elif unit.successor_id is not None and unit.successor is not None:
        message = _(
            "%(unit)s no longer exists on %(day)s: it was merged into %(successor)s on %(end)s. "
            "Choose %(successor)s instead."
        ) % {
            "unit": unit.name,
            "day": when,
            "successor": unit.successor.name,
            "end": unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "",
        }
    else:
        message = _("%(unit)s no longer exists on %(day)s: it was dissolved on %(end)s.") % {
            "unit": unit.name,
            "day": when,
            "end": unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "",
        }
    raise ValidationError(message, fields={field: message})


def unit_list(
    *,
    for_user: Actor,
    verb: str = "view",
    q: str = "",
    include_dissolved: bool = False,
    under: Unit | None = None,
) -> QuerySet[Unit]:
    """Units the user may ``verb``, in tree order, filtered by a diacritic-insensitive query."""
    qs = Unit.objects.filter(permissions.scope_q(for_user, verb)).select_related("successor")
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    if not include_dissolved:
        qs = qs.filter(existing_q())
    if q:
        for word in fold(q).split():
            qs = qs.filter(Q(name_folded__contains=word) | Q(code__icontains=word))
    return qs.order_by("path")


def unit_children(unit: Unit, *, include_dissolved: bool = False) -> list[Unit]:
    qs = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
    if not include_dissolved:
        qs = qs.filter(existing_q())
    return sorted(qs, key=lambda u: sort_key(u.name))


def unit_ancestors(unit: Unit) -> list[Unit]:
    return list(Unit.objects.get_ancestors(unit))


@dataclass(frozen=True)
class UnitOnDate:
    id: int
    code: str
    name: str
    parent_id: int | None
    kind: str
    level: str


def tree_as_of(day: dt.date) -> dict[int, UnitOnDate]:
    """Every unit that existed on ``day`` with its parent and name on that day."""
    versions = (
        UnitVersion.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("unit_id", "parent_id", "name", "unit__code", "unit__kind", "unit__level")
    )
    return {
        uid: UnitOnDate(uid, code, name, parent_id, kind, level)
        for uid, parent_id, name, code, kind, level in versions
    }


class Trees:
    """``tree_as_of`` read once per day asked: one request's memo (a province's tree holds thousands of
    units, and a page often needs the same day's tree for several forms or figures)."""

    def __init__(self) -> None:
        self._by_day: dict[dt.date, dict[int, UnitOnDate]] = {}

    def __call__(self, day: dt.date) -> dict[int, UnitOnDate]:
        if day not in self._by_day:
            self._by_day[day] = tree_as_of(day)
        return self._by_day[day]


def records_parents_on(day: dt.date) -> dict[int, int | None]:
    """unit id -> the unit its records count under on ``day``: its parent that day, or for a unit merged or
    dissolved before ``day`` the unit that took it over (as today's tree keeps it). Every unit has an entry;
    None for a root or a unit that does not exist yet."""
    parents: dict[int, int | None] = dict(
        UnitVersion.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("unit_id", "parent_id")
    )
    for unit_id, valid_to, successor_id in Unit.objects.values_list("pk", "valid_to", "successor_id"):
        if unit_id not in parents:
            ended = valid_to is not None and valid_to <= day
            parents[unit_id] = successor_id if ended else None
    return parents


def structure_change_days() -> list[dt.date]:
    """Every day on which the dated structure changes (a version starts or ends, a unit ends)."""
    days: set[dt.date] = set()
    for start, end in UnitVersion.objects.values_list("valid_from", "valid_to"):
        days.update(d for d in (start, end) if d is not None)
    days.update(d for d in Unit.objects.values_list("valid_to", flat=True) if d is not None)
    return sorted(days)


def children_map(tree: dict[int, UnitOnDate]) -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in tree.values():
        children[node.parent_id].append(node.id)
    return children


def subtree_ids_as_of(unit: Unit, day: dt.date, tree: dict[int, UnitOnDate] | None = None) -> set[int]:
    """Ids of ``unit`` and every unit under it as the hierarchy stood on ``day``."""
    tree = tree if tree is not None else tree_as_of(day)
    if unit.pk not in tree:
        return set()
    children = children_map(tree)
    found = {unit.pk}
    stack = [unit.pk]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def units_as_of(*, for_user: Actor, day: dt.date, verb: str = "view") -> list[UnitOnDate]:
    """The tree as of ``day``, limited to what the user may see today, in tree order."""
    tree = tree_as_of(day)
    allowed = set(Unit.objects.filter(permissions.scope_q(for_user, verb)).values_list("pk", flat=True))
    children = children_map(tree)
    out: list[UnitOnDate] = []

    def walk(node_id: int) -> None:
        if node_id in allowed:
            out.append(tree[node_id])
        for child in sorted(children.get(node_id, []), key=lambda c: sort_key(tree[c].name)):
            walk(child)

    for root in sorted(children.get(None, []), key=lambda c: sort_key(tree[c].name)):
        walk(root)
    # Units whose parent did not exist that day are roots too.
    orphans = [n for n in tree.values() if n.parent_id is not None and n.parent_id not in tree]
    for node in orphans:
        walk(node.id)
    return out


def top_units_as_of(*, for_user: Actor, day: dt.date, verb: str = "view") -> list[UnitOnDate]:
    """The highest units the user may see in the tree of ``day`` (the roots of their scope that day)."""
    nodes = units_as_of(for_user=for_user, day=day, verb=verb)
    ids = {n.id for n in nodes}
    return [n for n in nodes if n.parent_id not in ids]


def children_as_of(unit_id: int, day: dt.date) -> list[UnitOnDate]:
    """The units directly under a unit on ``day``, with their names of that day, by name."""
    tree = tree_as_of(day)
    return sorted((n for n in tree.values() if n.parent_id == unit_id), key=lambda n: sort_key(n.name))


def unit_history_versions(unit: Unit) -> list[UnitVersion]:
    return list(UnitVersion.objects.filter(unit=unit).select_related("parent").order_by("valid_from"))


def unit_search(*, for_user: Actor, q: str, limit: int = 30) -> list[Unit]:
    """Diacritic- and case-insensitive search over names, short names and codes."""
    return list(unit_list(for_user=for_user, q=q, include_dissolved=True)[:limit])


def code_parent_map(units: list[Unit]) -> dict[int, str | None]:
    """Parent codes for a list of units in one query (for API listings)."""
    paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    by_path = dict(Unit.objects.filter(path__in=paths).values_list("path", "code"))
    return {u.pk: (by_path.get(u.path[: -Unit.steplen]) if u.depth > 1 else None) for u in units}
