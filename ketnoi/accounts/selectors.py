"""Reads of people and roles, scoped to what the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ketnoi.accounts.models import RoleGrant, User
from ketnoi.core import permissions
from ketnoi.core.exceptions import NotFound, PermissionDenied
from ketnoi.lib.vn_text import fold


def user_list(*, for_user: Any, q: str = "", verb: str = "manage") -> QuerySet[User]:
    """People whose unit lies in the caller's ``verb`` scope (people with no unit: system admins only)."""
    qs = User.objects.select_related("unit")
    if not permissions.is_system_admin(for_user):
        qs = qs.filter(permissions.scope_q(for_user, verb, "unit"))
    if q:
        folded = fold(q)
        qs = qs.filter(Q(username__icontains=folded) | Q(full_name__icontains=q) | Q(email__icontains=folded))
    return qs.order_by("username")


def user_get(*, pk: int, for_user: Any, verb: str = "manage") -> User:
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
    *, for_user: Any, user: User | None = None, unit_path: str | None = None
) -> QuerySet[RoleGrant]:
    qs = RoleGrant.objects.select_related("user", "unit", "granted_by").filter(
        permissions.scope_q(for_user, "manage", "unit")
    )
    if user is not None:
        qs = qs.filter(user=user)
    if unit_path is not None:
        qs = qs.filter(unit__path__startswith=unit_path)
    return qs.order_by("unit__path", "user__username")


def grant_get(*, pk: int, for_user: Any) -> RoleGrant:
    try:
        grant = RoleGrant.objects.select_related("user", "unit").get(pk=pk)
    except RoleGrant.DoesNotExist as exc:
        raise NotFound() from exc
    if not permissions.can(for_user, "manage", grant.unit):
        raise PermissionDenied()
    return grant
