"""Reads of people and roles, scoped to what the caller may see."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ketnoi.accounts.models import RoleGrant, User
from ketnoi.core import permissions
from ketnoi.core.exceptions import NotFound, PermissionDenied
from ketnoi.core.models import SecurityEvent
from ketnoi.lib.vn_text import fold

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


def user_list(*, for_user: Actor, q: str = "", verb: str = "manage") -> QuerySet[User]:
    """People whose unit lies in the caller's ``verb`` scope (people with no unit: system admins only)."""
    qs = User.objects.select_related("unit")
    if not permissions.is_system_admin(for_user):
        qs = qs.filter(permissions.scope_q(for_user, verb, "unit"))
    if q:
        folded = fold(q)
        qs = qs.filter(Q(username__icontains=folded) | Q(full_name__icontains=q) | Q(email__icontains=folded))
    return qs.order_by("username")


def user_get(*, pk: int, for_user: Actor, verb: str = "manage") -> User:
    try:
        user = User.objects.select_related("unit").get(pk=pk)
    except User.DoesNotExist as exc:
        raise NotFound() from exc
    if user.pk == getattr(for_user, "pk", None):
        return user
    if user.unit is None:
        if not permissions.is_system_admin(for_user):
            raise PermissionDenied()
    elif not permissions.can(for_user, verb, user.unit):
        raise PermissionDenied()
    return user


def grant_list(
    *, for_user: Actor, user: User | None = None, unit_path: str | None = None
) -> QuerySet[RoleGrant]:
    qs = RoleGrant.objects.select_related("user", "unit", "granted_by").filter(
        permissions.scope_q(for_user, "manage", "unit")
    )
    if user is not None:
        qs = qs.filter(user=user)
    if unit_path is not None:
        qs = qs.filter(unit__path__startswith=unit_path)
    return qs.order_by("unit__path", "user__username")


def grant_get(*, pk: int, for_user: Actor) -> RoleGrant:
    try:
        grant = RoleGrant.objects.select_related("user", "unit").get(pk=pk)
    except RoleGrant.DoesNotExist as exc:
        raise NotFound() from exc
    if not permissions.can(for_user, "manage", grant.unit):
        raise PermissionDenied()
    return grant


def security_event_list(
    *,
    for_user: Actor,
    kind: str = "",
    unit: Any = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    person: str = "",
) -> QuerySet[SecurityEvent]:
    """Security events the caller may read, newest first: a system administrator reads them all, a unit
    administrator those on the units they manage (events with no unit are product-wide: system only).

    ``unit`` keeps its subtree; ``since``/``until`` are days in Việt Nam's time, both included;
    ``person`` is a user name (exact, any case).
    """
    if not permissions.can_any(for_user, "manage"):
        raise PermissionDenied()
    qs = SecurityEvent.objects.select_related("person", "unit")
    if not permissions.is_system_admin(for_user):
        qs = qs.filter(permissions.scope_q(for_user, "manage", "unit"))
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    zone = timezone.get_current_timezone()
    if since is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
    if until is not None:
        qs = qs.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    if person:
        qs = qs.filter(Q(person__username__iexact=person) | Q(person__isnull=True, username__iexact=person))
    return qs.order_by("-at", "-id")
