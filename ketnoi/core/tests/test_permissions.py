"""The role × scope matrix, asked of the one permission layer.

Each of the six roles is granted on Huyện Bù Gia Mập (BP-BGM). For every verb we ask about the unit
itself, a commune under it (BP-BGM-XPN), a sibling district (BP-DX) and the province above it (BP).
The expected table is written out by hand so that a change to the role definitions shows up here.
"""

from __future__ import annotations

from typing import Any

import pytest

from ketnoi.core import permissions
from ketnoi.core.exceptions import NotAuthenticated, PermissionDenied
from ketnoi.core.permissions import SYSTEM

POSITIONS = {"own": "BP-BGM", "subtree": "BP-BGM-XPN", "sibling": "BP-DX", "parent": "BP"}
VERBS = ["view", "edit", "enter_data", "approve", "manage", "reorganise", "system"]

# What each role allows on its own unit and the units under it. Outside its subtree nobody but a
# system administrator may do anything.
ALLOWED_IN_SUBTREE = {
    "system_admin": {"view", "edit", "enter_data", "approve", "manage", "reorganise", "system"},
    "unit_admin": {"view", "edit", "enter_data", "manage", "reorganise"},
    "editor": {"view", "edit"},
    "data_entry": {"view", "enter_data"},
    "approver": {"view", "approve"},
    "viewer": {"view"},
}
ROLES = list(ALLOWED_IN_SUBTREE)


def expected(role: str, verb: str, position: str) -> bool:
    if role == "system_admin":
        return True
    return position in {"own", "subtree"} and verb in ALLOWED_IN_SUBTREE[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_a_role_on_a_district_decides_each_verb_on_each_unit(
    role: str, position: str, make_person: Any, unit: Any
) -> None:
    person = make_person("p", "BP-BGM", [(role, "BP-BGM")])
    target = unit(POSITIONS[position])
    wrong = [
        verb for verb in VERBS if permissions.can(person, verb, target) is not expected(role, verb, position)
    ]
    assert wrong == [], f"{role} on BP-BGM, {position} unit {target.code}: wrong answer for {wrong}"
    for verb in VERBS:
        if expected(role, verb, position):
            permissions.require(person, verb, target)
        else:
            with pytest.raises(PermissionDenied):
                permissions.require(person, verb, target)


@pytest.mark.parametrize("role", ROLES)
def test_scope_filter_keeps_exactly_the_units_the_role_may_act_on(
    role: str, make_person: Any, unit: Any
) -> None:
    from ketnoi.units.models import Unit

    person = make_person("p", "BP-BGM", [(role, "BP-BGM")])
    everything = set(Unit.objects.values_list("code", flat=True))
    for verb in VERBS:
        visible = set(Unit.objects.filter(permissions.scope_q(person, verb)).values_list("code", flat=True))
        if role == "system_admin":
            assert visible == everything, verb
        elif verb in ALLOWED_IN_SUBTREE[role]:
            assert visible == {"BP-BGM", "BP-BGM-XPN", "BP-BGM-XDK"}, verb
        else:
            assert visible == set(), verb


def test_nobody_signed_in_may_do_nothing(province: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can(AnonymousUser(), "view", province)
    with pytest.raises(NotAuthenticated):
        permissions.require(AnonymousUser(), "view", province)
    with pytest.raises(NotAuthenticated):
        permissions.require(None, "view", province)


def test_an_inactive_account_loses_every_right(bob: Any, unit: Any) -> None:
    bob.is_active = False
    permissions.forget(bob)
    assert not permissions.can(bob, "view", unit("BP-BGM"))


def test_an_expired_role_gives_nothing(make_person: Any, unit: Any) -> None:
    import datetime as dt

    from ketnoi.accounts.services import role_grant

    person = make_person("p", "BP-BGM")
    role_grant(user=person, unit=unit("BP-BGM"), role="editor", by=SYSTEM, valid_until=dt.date(2020, 1, 1))
    permissions.forget(person)
    assert not permissions.can(person, "view", unit("BP-BGM"))


def test_roles_on_two_units_add_up(make_person: Any, unit: Any) -> None:
    person = make_person("p", "BP-BGM", [("editor", "BP-BGM"), ("viewer", "BP-DX")])
    assert permissions.can(person, "edit", unit("BP-BGM-XDK"))
    assert permissions.can(person, "view", unit("BP-DX-PTP"))
    assert not permissions.can(person, "edit", unit("BP-DX-PTP"))
    assert [u.code for u in permissions.top_units(person)] == sorted(
        ["BP-BGM", "BP-DX"], key=lambda c: unit(c).path
    )


def test_product_wide_things_need_a_system_administrator(bob: Any, admin_user: Any) -> None:
    assert permissions.can(bob, "view", None)
    assert not permissions.can(bob, "edit", None)
    assert permissions.can(admin_user, "system", None)


def test_an_unknown_verb_is_a_programming_error(bob: Any, unit: Any) -> None:
    with pytest.raises(ValueError, match="unknown verb"):
        permissions.can(bob, "delete_everything", unit("BP-BGM"))


def test_grants_are_read_once_per_request(bob: Any, unit: Any, django_assert_num_queries: Any) -> None:
    targets = [unit(code) for code in ("BP-BGM", "BP-BGM-XPN", "BP-DX", "BP")]
    permissions.forget(bob)
    with django_assert_num_queries(1):
        answers = [permissions.can(bob, "view", target) for target in targets]
    assert answers == [True, True, False, False]
