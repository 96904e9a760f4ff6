"""The one place that decides who may do what on which part of the hierarchy.

A role is granted on a unit and holds for the unit's whole subtree (treebeard paths are prefixes).
Every view, endpoint and selector asks this module; nothing else looks at roles.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

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


def person(by: Actor | None) -> User | None:
    """The person behind an actor, to record as who did it (``None`` for ``SYSTEM``)."""
    if isinstance(by, SystemActor) or by is None or not by.is_authenticated or by.pk is None:
        return None
    return by


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


def forget(user: Actor) -> None:
    """Drop the cached grants (after a role change inside one request)."""
    if hasattr(user, "_ketnoi_grants"):
        del user._ketnoi_grants


def roles_of(user: Actor) -> set[str]:
    return {g.role for g in _grants(user)}


def is_system_admin(user: Actor) -> bool:
    """A system administrator (granted on any unit, or a superuser) acts on the whole product."""
    return any(g.role == "system_admin" for g in _grants(user))


def _paths_for(user: Actor, verb: str) -> list[str] | None:
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


def can(user: Actor, verb: str, unit: Unit | None) -> bool:
    """May the user do ``verb`` on ``unit`` (and so on anything the unit owns)?

    ``unit=None`` asks about product-wide things, which only a system administrator may do
    (except ``view``, which any signed-in person has for unowned, shared things).
    """
    if unit is None:
        paths = _paths_for(user, verb)
        return paths is None or (verb == "view" and bool(_grants(user)))
    return _can_at(user, verb, unit.path)


def _can_at(user: Actor, verb: str, path: str) -> bool:
    """``can`` for the unit at tree ``path``."""
    paths = _paths_for(user, verb)
    return paths is None or any(path.startswith(p) for p in paths)


def can_one_of(user: Actor, verbs: Iterable[str], unit: Unit) -> bool:
    """May the user do at least one of ``verbs`` on ``unit`` (a rule met by either of two roles)?"""
    return any(can(user, verb, unit) for verb in verbs)


def can_any(user: Actor, verb: str) -> bool:
    """Does the user hold ``verb`` anywhere (to show a menu entry, say)?"""
    paths = _paths_for(user, verb)
    return paths is None or bool(paths)


def require(user: Actor, verb: str, unit: Unit | None) -> None:
    """The gate every service passes before it acts: ``NotAuthenticated`` for no actor (``None`` is never a
    bypass; work with no person behind it passes ``SYSTEM``), ``PermissionDenied`` without the right.
    ``unit=None`` (product-wide things) needs a system administrator, except to ``view``."""
    require_actor(user)
    if not can(user, verb, unit):
        refused = PermissionDenied()
        refused.unit = unit  # for the security event of the refusal
        raise refused


def require_one_of(user: Actor, verbs: Sequence[str], unit: Unit) -> None:
    """``require`` met by any one of ``verbs`` (figures are entered by an editor or a data clerk); the
    refusal names the first verb's right."""
    require_actor(user)
    if not can_one_of(user, verbs, unit):
        raise PermissionDenied()


def require_all(user: Actor, verb: str, units: Iterable[Unit | None]) -> None:
    """``require`` on each unit (``None``: product-wide, which needs a system administrator)."""
    for unit in units:
        require(user, verb, unit)


def require_actor(by: Actor | None) -> None:
    """Refuse a call with no actor (``None``) or an anonymous one: ``NotAuthenticated``."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise NotAuthenticated()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def gated(service: Callable[_P, _R]) -> Callable[_P, _R]:
    """Mark a write service: a call whose ``by`` is missing, ``None`` or anonymous is refused
    (``NotAuthenticated``) before the service reads anything. The service still asks ``require`` for
    its verb on its unit; this only guarantees that no call reaches it without an actor, whatever its
    other arguments are (tests/test_actor_gate.py calls every service found this way)."""

    names = list(inspect.signature(service).parameters)
    position = names.index("by") if "by" in names else len(names)

    @functools.wraps(service)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        actor: Any = kwargs["by"] if "by" in kwargs else (args[position] if position < len(args) else None)
        require_actor(actor)
        return service(*args, **kwargs)

    wrapper.__ketnoi_gated__ = True  # type: ignore[attr-defined]
    return wrapper


def acting_level(user: Actor, verb: str, unit: Unit) -> str | None:
    """The tree path of the highest unit from which the user holds ``verb`` over ``unit``.

    "" for a product-wide right (a system administrator, the product itself), None when the user does
    not hold ``verb`` there. Records the level a decision came from (an approval, say).
    """
    paths = _paths_for(user, verb)
    if paths is None:
        return ""
    covering = [p for p in paths if unit.path.startswith(p)]
    return min(covering, key=len) if covering else None


def holds_role_rights(user: Actor, role: str, unit: Unit) -> bool:
    """Does the user hold every verb of ``role`` on ``unit`` (through grants on it or above)?

    The measure of "rights that exceed one's own": a role is granted, revoked or managed only by
    someone who already holds all it gives, on that unit or higher.
    """
    return _holds_role_rights_at(user, role, unit.path)


def _holds_role_rights_at(user: Actor, role: str, path: str) -> bool:
    return all(_can_at(user, verb, path) for verb in ROLE_VERBS[role])


def can_reshape(user: Actor, unit: Unit) -> bool:
    """May the user rename, re-level, move, merge, split or dissolve ``unit`` itself?

    A right on a subtree covers the units below its root, not the root: reshaping a unit needs
    ``reorganise`` granted on a unit strictly above it (or a system administrator).
    """
    paths = _paths_for(user, "reorganise")
    if paths is None:
        return True
    return any(unit.path.startswith(p) and unit.path != p for p in paths)


def require_reshape(user: Actor, unit: Unit) -> None:
    """The gate for reshaping ``unit`` itself (``can_reshape``), with a message that says why."""
    require_actor(user)
    if not can_reshape(user, unit):
        from django.utils.translation import gettext as _

        raise PermissionDenied(
            _(
                "You do not have permission to change %(unit)s itself: only an administrator of a unit "
                "above it can rename, re-level, move, merge, split or dissolve it."
            )
            % {"unit": unit.name}
        )


def can_manage_person(user: Actor, person: User) -> bool:
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


def scope_q(user: Actor, verb: str = "view", field: str = "") -> Q:
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


def top_units(user: Actor, verb: str = "view") -> list[Unit]:
    """The highest units the user may act on: the roots of their scope."""
    Unit = apps.get_model("units", "Unit")
    paths = _paths_for(user, verb)
    if paths is None:
        return list(Unit.objects.get_root_nodes())
    return sorted(Unit.objects.filter(path__in=paths), key=lambda u: u.path)


def responsible_people_for(units: Iterable[Unit], verb: str) -> dict[int, list[User]]:
    """Per unit, the people responsible for ``verb`` there: who receives its reminders and warnings.

    The one rule (reporting reminders, task reminders, connection warnings all ask it): the active people
    with a current grant *on the unit itself* whose role gives ``verb`` (a system administrator's
    product-wide right makes nobody responsible for one unit); when there are none, the active people whose
    home unit it is and who hold ``verb`` there (through a grant above). Two queries for any number of units.
    """
    if verb not in VERBS:
        raise ValueError(f"unknown verb {verb!r}")
    user_model = apps.get_model("accounts", "User")
    grant_model = apps.get_model("accounts", "RoleGrant")
    units = list(units)
    roles = [role for role, verbs in ROLE_VERBS.items() if verb in verbs and role != "system_admin"]
    today = timezone.localdate()
    people: dict[int, dict[int, User]] = {u.pk: {} for u in units}
    grants = (
        grant_model.objects.filter(unit__in=units, role__in=roles, user__is_active=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("user")
    )
    for grant in grants:
        people[grant.unit_id][grant.user.pk] = grant.user
    unanswered = {u.pk: u for u in units if not people[u.pk]}
    if unanswered:
        for user in user_model.objects.filter(unit_id__in=list(unanswered), is_active=True):
            unit = unanswered.get(user.unit_id or 0)
            if unit is not None and can(user, verb, unit):
                people[unit.pk][user.pk] = user
    return {uid: sorted(found.values(), key=lambda u: u.pk) for uid, found in people.items()}


def responsible_people(unit: Unit, verb: str, *, climb: bool = False) -> list[User]:
    """``responsible_people_for`` of one unit; with ``climb``, of the nearest unit up the tree that has
    someone (a page whose own unit has nobody to warn warns the unit above)."""
    units = [unit]
    if climb:
        units += list(reversed(list(type(unit).objects.get_ancestors(unit))))
    for candidate in units:
        found = responsible_people_for([candidate], verb)[candidate.pk]
        if found:
            return found
    return []
