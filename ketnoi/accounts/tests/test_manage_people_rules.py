"""Who may manage whom: no account takeover by a unit administrator, no self-granted rights.

Managing a person (details, e-mail, deactivation, password, roles, tokens) needs ``manage`` over the
person's home unit and over every unit where they hold a role, and their rights must not exceed the
manager's own there. A role is granted only by someone who holds all its rights on that unit or above,
and never to oneself. The same rule holds from the web, the API and the services.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ketnoi.accounts import services
from ketnoi.accounts.models import RoleGrant, User
from ketnoi.core import permissions
from ketnoi.core.exceptions import PermissionDenied

PASSWORD = "test-password-123"
NEW_PASSWORD = "Mat-khau-moi-2026"


@pytest.fixture
def bgm_admin(make_person: Any) -> Any:
    return make_person("bgm.admin", "BP-BGM", [("unit_admin", "BP-BGM")])


@pytest.fixture
def province_approver_at_bgm(make_person: Any) -> Any:
    """A person working in the district whose role reaches above it: approver for the whole province."""
    return make_person("tinh.approver", "BP-BGM", [("approver", "BP")])


@pytest.fixture
def commune_approver(make_person: Any) -> Any:
    """Approver of one commune of the district: rights (approve) a unit administrator does not hold."""
    return make_person("xpn.approver", "BP-BGM-XPN", [("approver", "BP-BGM-XPN")])


def _logs_in(username: str, password: str) -> bool:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


# --------------------------------------------------------------------- a role held above the manager


def test_a_unit_administrator_cannot_reset_the_password_of_a_province_approver_working_in_the_district(
    bgm_admin: Any, province_approver_at_bgm: Any, web_as: Any
) -> None:
    target = province_approver_at_bgm
    with pytest.raises(PermissionDenied):
        services.user_set_password(user=target, password=NEW_PASSWORD, by=bgm_admin)
    client = web_as(bgm_admin)
    client.post(f"/accounts/people/{target.pk}/password/", {"password": NEW_PASSWORD})
    assert _logs_in("tinh.approver", PASSWORD)
    assert not _logs_in("tinh.approver", NEW_PASSWORD)


def test_a_unit_administrator_cannot_change_the_email_or_deactivate_a_province_approver(
    bgm_admin: Any, province_approver_at_bgm: Any, web_as: Any
) -> None:
    target = province_approver_at_bgm
    with pytest.raises(PermissionDenied):
        services.user_update(user=target, by=bgm_admin, email="attacker@example.com")
    with pytest.raises(PermissionDenied):
        services.user_update(user=target, by=bgm_admin, is_active=False)
    response = web_as(bgm_admin).post(
        f"/accounts/people/{target.pk}/edit/",
        {"full_name": "X", "email": "attacker@example.com", "unit": "BP-BGM", "is_active": ""},
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.email == "" and target.is_active


def test_the_person_page_offers_no_password_or_edit_form_for_someone_one_may_not_manage(
    bgm_admin: Any, province_approver_at_bgm: Any, bob: Any, web_as: Any
) -> None:
    client = web_as(bgm_admin)
    protected = client.get(f"/accounts/people/{province_approver_at_bgm.pk}/").content.decode()
    managed = client.get(f"/accounts/people/{bob.pk}/").content.decode()
    password_action = "/password/"
    assert password_action not in protected
    assert password_action in managed


def test_a_unit_administrator_cannot_take_roles_away_from_a_province_approver(
    bgm_admin: Any, province_approver_at_bgm: Any, unit: Any, api_as: Any
) -> None:
    grant = province_approver_at_bgm.grants.get()
    assert api_as(bgm_admin).delete(f"roles/{grant.pk}").status_code == 403
    with pytest.raises(PermissionDenied):
        services.role_grant(user=province_approver_at_bgm, unit=unit("BP-BGM"), role="viewer", by=bgm_admin)
    assert list(province_approver_at_bgm.grants.values_list("role", flat=True)) == ["approver"]


def test_a_role_in_another_district_puts_the_person_outside_a_unit_administrators_reach(
    bgm_admin: Any, make_person: Any
) -> None:
    """Home unit in the district, an editor's role in another district: the DX part is not BGM's to manage."""
    person = make_person("two.hats", "BP-BGM", [("editor", "BP-BGM"), ("editor", "BP-DX")])
    assert not permissions.can_manage_person(bgm_admin, person)
    with pytest.raises(PermissionDenied):
        services.user_set_password(user=person, password=NEW_PASSWORD, by=bgm_admin)


# --------------------------------------------------------------------- rights that exceed the manager's


def test_nobody_changes_the_credentials_of_an_account_whose_rights_exceed_their_own(
    bgm_admin: Any, commune_approver: Any, make_person: Any, api_as: Any
) -> None:
    """A commune approver holds ``approve``, which the district's administrator does not hold."""
    with pytest.raises(PermissionDenied):
        services.user_set_password(user=commune_approver, password=NEW_PASSWORD, by=bgm_admin)
    with pytest.raises(PermissionDenied):
        services.user_update(user=commune_approver, by=bgm_admin, email="x@example.com")
    _token, _raw = services.api_token_create(user=commune_approver, name="script", by=commune_approver)
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(token=commune_approver.api_tokens.get(), by=bgm_admin)
    # An administrator who also approves for the district holds every right the approver has.
    both = make_person("bgm.both", "BP-BGM", [("unit_admin", "BP-BGM"), ("approver", "BP-BGM")])
    services.user_set_password(user=commune_approver, password=NEW_PASSWORD, by=both)
    assert _logs_in("xpn.approver", NEW_PASSWORD)


def test_a_unit_administrator_still_manages_the_people_of_their_subtree(
    bgm_admin: Any, make_person: Any
) -> None:
    editor = make_person("xpn.editor", "BP-BGM-XPN", [("editor", "BP-BGM-XPN"), ("data_entry", "BP-BGM")])
    services.user_set_password(user=editor, password=NEW_PASSWORD, by=bgm_admin)
    services.user_update(user=editor, by=bgm_admin, email="xpn@binhphuoc.gov.vn", is_active=True)
    services.role_grant(user=editor, unit=editor.unit, role="viewer", by=bgm_admin)
    assert _logs_in("xpn.editor", NEW_PASSWORD)


def test_a_province_unit_administrator_cannot_take_over_a_system_administrator(
    admin_user: Any, make_person: Any
) -> None:
    province_admin = make_person("tinh.admin", "BP", [("unit_admin", "BP")])
    assert not permissions.can_manage_person(province_admin, admin_user)
    with pytest.raises(PermissionDenied):
        services.user_set_password(user=admin_user, password=NEW_PASSWORD, by=province_admin)
    # The system administrator manages everyone, and the product itself (SYSTEM) too.
    assert permissions.can_manage_person(admin_user, province_admin)
    assert permissions.can_manage_person(permissions.SYSTEM, admin_user)


def test_an_inactive_or_anonymous_caller_manages_nobody(bgm_admin: Any, bob: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_manage_person(bgm_admin, bob)
    assert not permissions.can_manage_person(AnonymousUser(), bob)
    User.objects.filter(pk=bgm_admin.pk).update(is_active=False)
    assert not permissions.can_manage_person(User.objects.get(pk=bgm_admin.pk), bob)


# --------------------------------------------------------------------- separation of duties in grants


def test_a_unit_administrator_cannot_grant_themselves_the_approver_role(
    bgm_admin: Any, unit: Any, api_as: Any, web_as: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.role_grant(user=bgm_admin, unit=unit("BP-BGM-XPN"), role="approver", by=bgm_admin)
    api = api_as(bgm_admin)
    response = api.post(f"users/{bgm_admin.pk}/roles", {"role": "approver", "unit_code": "BP-BGM"})
    assert response.status_code == 403
    web_as(bgm_admin).post(f"/accounts/people/{bgm_admin.pk}/roles/", {"role": "viewer", "unit": "BP-BGM"})
    assert list(bgm_admin.grants.values_list("role", flat=True)) == ["unit_admin"]


def test_nobody_grants_themselves_anything_not_even_a_system_administrator(
    admin_user: Any, unit: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.role_grant(user=admin_user, unit=unit("BP-DX"), role="viewer", by=admin_user)


def test_nobody_grants_a_role_whose_rights_they_do_not_hold_on_that_unit(
    bgm_admin: Any, bob: Any, make_person: Any, unit: Any, api_as: Any
) -> None:
    response = api_as(bgm_admin).post(
        f"users/{bob.pk}/roles", {"role": "approver", "unit_code": "BP-BGM-XPN"}
    )
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=bob, role="approver").exists()
    both = make_person("bgm.both", "BP-BGM", [("unit_admin", "BP-BGM"), ("approver", "BP-BGM")])
    services.role_grant(user=bob, unit=unit("BP-BGM-XPN"), role="approver", by=both)
    # Holding approve on the district does not reach the province.
    with pytest.raises(PermissionDenied):
        services.role_grant(user=bob, unit=unit("BP"), role="approver", by=both)
    # And nobody hands out an approver role through a lower unit's administrator either.
    commune_admin = make_person("xpn.admin", "BP-BGM-XPN", [("unit_admin", "BP-BGM-XPN")])
    with pytest.raises(PermissionDenied):
        services.role_grant(user=bob, unit=unit("BP-BGM-XPN"), role="approver", by=commune_admin)
