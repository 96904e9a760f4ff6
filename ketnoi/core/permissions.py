"""The one place that decides who may do what on which part of the hierarchy.

A role is granted on a unit and holds for the unit's whole subtree (treebeard paths are prefixes).
Every view, endpoint and selector asks this module; nothing else looks at roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from ketnoi.core.exceptions import NotAuthenticated, PermissionDenied

if TYPE_CHECKING:
    from typing import TypeAlias

    from django.contrib.auth.models import AnonymousUser

    from ketnoi.accounts.models import User
    from ketnoi.units.models import Unit

# Verbs:
#   view        read a unit's data
#   edit        change pages, documents, tasks, content
#   enter_data  enter and submit periodic report values
#   approve     approve or return submitted reports and content
#   manage      manage the unit's people, roles, forms and settings
#   reorganise  change the structure (merge, split, move, rename, dissolve)
#   system      product-wide settings
ROLE_VERBS: dict[str, frozenset[str]] = {
    "system_admin": frozenset({"view", "edit", "enter_data", "approve", "manage", "reorganise", "system"}),
    "unit_admin": frozenset({"view", "edit", "enter_data", "manage", "reorganise"}),
    "editor": frozenset({"view", "edit"}),
    "data_entry": frozenset({"view", "enter_data"}),
    "approver": frozenset({"view", "approve"}),
    "viewer": frozenset({"view"}),
}
VERBS = frozenset().union(*ROLE_VERBS.values())


class SystemActor:
    """The product acting on its own behalf: scheduled jobs, the worker, the demo loader, migrations.

    Services take ``by: Actor``; code that runs with no person behind it passes ``SYSTEM`` explicitly,
    so a missing actor (``None``) is a type error and a refused call, never a silent bypass.
    """

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    username = "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()

if TYPE_CHECKING:
    # Who acts in a service: a person (a web request's user may be anonymous, and is then refused), or the
    # product itself (``SYSTEM``). Never ``None``: a missing actor is a type error and a refused call.
    Actor: TypeAlias = User | AnonymousUser | SystemActor


def person(by: Any) -> Any:
    """The person behind an actor, to record as who did it (``None`` for ``SYSTEM``)."""
    return by if getattr(by, "is_authenticated", False) and getattr(by, "pk", None) is not None else None


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    path: str


def _grants(user: Any) -> list[Grant]:
    """The user's current grants, read once per request and kept on the user object."""
    if isinstance(user, SystemActor):
        return [Grant("system_admin", 0, "")]
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_ketnoi_grants", None)
    if cached is not None:
        return cached
    # The models are looked up by name: the foundation imports no app.
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    today = timezone.localdate()
    rows = (
        RoleGrant.objects.filter(user_id=user.pk)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values_list("role", "unit_id", "unit__path")
    )
    grants = [Grant(role, unit_id, path) for role, unit_id, path in rows]
    if user.is_superuser:
        grants.append(Grant("system_admin", 0, ""))
    user._ketnoi_grants = grants
    return grants


def forget(user: Any) -> None:
    """Drop the cached grants (after a role change inside one request)."""
    if hasattr(user, "_ketnoi_grants"):
        del user._ketnoi_grants


def roles_of(user: Any) -> set[str]:
    return {g.role for g in _grants(user)}


def is_system_admin(user: Any) -> bool:
    """A system administrator (granted on any unit, or a superuser) acts on the whole product."""
    return any(g.role == "system_admin" for g in _grants(user))


def _paths_for(user: Any, verb: str) -> list[str] | None:
    """Unit paths under which the verb is allowed; None means everywhere."""
    if verb not in VERBS:
        raise ValueError(f"unknown verb {verb!r}")
    paths = []
    for g in _grants(user):
        if verb in ROLE_VERBS[g.role]:
            if g.role == "system_admin":
                return None
            paths.append(g.path)
    # Drop paths already covered by a shorter one.
    paths.sort(key=len)
    kept: list[str] = []
    for p in paths:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def can(user: Any, verb: str, unit: Unit | None) -> bool:
    """May the user do ``verb`` on ``unit`` (and so on anything the unit owns)?

    ``unit=None`` asks about product-wide things, which only a system administrator may do
    (except ``view``, which any signed-in person has for unowned, shared things).
    """
    if unit is None:
        paths = _paths_for(user, verb)
        return paths is None or (verb == "view" and bool(_grants(user)))
    return _can_at(user, verb, unit.path)


def _can_at(user: Any, verb: str, path: str) -> bool:
    """``can`` for the unit at tree ``path``."""
    paths = _paths_for(user, verb)
    return paths is None or any(path.startswith(p) for p in paths)


def can_any(user: Any, verb: str) -> bool:
    """Does the user hold ``verb`` anywhere (to show a menu entry, say)?"""
    paths = _paths_for(user, verb)
    return paths is None or bool(paths)


def require(user: Any, verb: str, unit: Unit | None) -> None:
    """The gate every service passes before it acts: ``NotAuthenticated`` for no actor (``None`` is never a
    bypass; work with no person behind it passes ``SYSTEM``), ``PermissionDenied`` without the right.
    ``unit=None`` (product-wide things) needs a system administrator, except to ``view``."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if not can(user, verb, unit):
        refused = PermissionDenied()
        refused.unit = unit  # for the security event of the refusal
        raise refused


def require_all(user: Any, verb: str, units: Iterable[Unit]) -> None:
    for unit in units:
        require(user, verb, unit)


def acting_level(user: Any, verb: str, unit: Unit) -> str | None:
    """The tree path of the highest unit from which the user holds ``verb`` over ``unit``.

    "" for a product-wide right (a system administrator, the product itself), None when the user does
    not hold ``verb`` there. Records the level a decision came from (an approval, say).
    """
    paths = _paths_for(user, verb)
    if paths is None:
        return ""
    covering = [p for p in paths if unit.path.startswith(p)]
    return min(covering, key=len) if covering else None


def holds_role_rights(user: Any, role: str, unit: Unit) -> bool:
    """Does the user hold every verb of ``role`` on ``unit`` (through grants on it or above)?

    The measure of "rights that exceed one's own": a role is granted, revoked or managed only by
    someone who already holds all it gives, on that unit or higher.
    """
    return _holds_role_rights_at(user, role, unit.path)


def _holds_role_rights_at(user: Any, role: str, path: str) -> bool:
    return all(_can_at(user, verb, path) for verb in ROLE_VERBS[role])


def can_reshape(user: Any, unit: Unit) -> bool:
    """May the user rename, re-level, move, merge, split or dissolve ``unit`` itself?

    A right on a subtree covers the units below its root, not the root: reshaping a unit needs
    ``reorganise`` granted on a unit strictly above it (or a system administrator).
    """
    paths = _paths_for(user, "reorganise")
    if paths is None:
        return True
    return any(unit.path.startswith(p) and unit.path != p for p in paths)


def require_reshape(user: Any, unit: Unit) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if not can_reshape(user, unit):
        from django.utils.translation import gettext as _

        raise PermissionDenied(
            _(
                "You do not have permission to change %(unit)s itself: only an administrator of a unit "
                "above it can rename, re-level, move, merge, split or dissolve it."
            )
            % {"unit": unit.name}
        )


def can_manage_person(user: Any, person: Any) -> bool:
    """May ``user`` manage ``person``'s account (password, e-mail, activity, roles)?

    Only with ``manage`` over the person's home unit and over every unit where the person holds a
    role, and only when the person's rights do not exceed the user's own there (each verb of each of
    the person's roles, on that role's unit). Nobody manages themselves through this rule: a person
    changes their own password and details through the self-service paths.
    """
    if isinstance(user, SystemActor):
        return True
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if person.pk is not None and person.pk == user.pk:
        return False
    if is_system_admin(user):
        return True
    home = person.unit
    if home is None or not can(user, "manage", home):
        return False
    return all(
        grant.role != "system_admin"
        and _can_at(user, "manage", grant.path)
        and _holds_role_rights_at(user, grant.role, grant.path)
        for grant in _grants(person)
    )


def scope_q(user: Any, verb: str = "view", field: str = "") -> Q:
    """A filter that keeps rows whose unit lies in the user's scope for ``verb``.

    ``field`` is the path from the queried model to its unit ("" when querying units themselves,
    "unit" for a model with a ``unit`` foreign key, "page__unit" through a relation, ...).
    """
    paths = _paths_for(user, verb)
    if paths is None:
        return Q()
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{lookup: p})
    return q


def top_units(user: Any, verb: str = "view") -> list[Unit]:
    """The highest units the user may act on: the roots of their scope."""
    Unit = apps.get_model("units", "Unit")
    paths = _paths_for(user, verb)
    if paths is None:
        return list(Unit.objects.get_root_nodes())
    return sorted(Unit.objects.filter(path__in=paths), key=lambda u: u.path)
