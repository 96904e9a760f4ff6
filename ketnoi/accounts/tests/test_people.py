"""People and role management by unit administrators, the audit trail, and each person's language."""

from __future__ import annotations

from typing import Any

import pytest

from ketnoi.accounts import selectors, services
from ketnoi.accounts.models import RoleGrant, User
from ketnoi.core.exceptions import Conflict, PermissionDenied
from ketnoi.core.permissions import SYSTEM


@pytest.fixture
def bgm_admin(make_person: Any) -> Any:
    return make_person("bgm.admin", "BP-BGM", [("unit_admin", "BP-BGM")])


def test_a_unit_administrator_adds_a_person_to_a_commune_and_grants_a_role(
    bgm_admin: Any, web_as: Any, unit: Any
) -> None:
    client = web_as(bgm_admin)
    response = client.post(
        "/accounts/people/new/",
        {
            "username": "xpn.editor",
            "full_name": "Nguyễn Thị Hoa",
            "unit": "BP-BGM-XPN",
            "password": "Phu-Nghia-2026",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="xpn.editor")
    response = client.post(f"/accounts/people/{person.pk}/roles/", {"role": "editor", "unit": "BP-BGM-XPN"})
    assert response.status_code == 302
    assert list(person.grants.values_list("role", "unit__code")) == [("editor", "BP-BGM-XPN")]


def test_a_unit_administrator_cannot_grant_outside_their_subtree_or_grant_system_rights(
    bgm_admin: Any, bob: Any, unit: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.role_grant(user=bob, unit=unit("BP-DX"), role="editor", by=bgm_admin)
    with pytest.raises(PermissionDenied):
        services.role_grant(user=bob, unit=unit("BP-BGM"), role="system_admin", by=bgm_admin)
    with pytest.raises(PermissionDenied):
        services.role_grant(user=bob, unit=unit("BP"), role="viewer", by=bgm_admin)


def test_a_unit_administrator_cannot_create_accounts_in_another_district(bgm_admin: Any, unit: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.user_create(username="dx.new", password="Dong-Xoai-2026", unit=unit("BP-DX"), by=bgm_admin)
    assert not User.objects.filter(username="dx.new").exists()


def test_the_same_role_twice_is_a_conflict(bob: Any, unit: Any) -> None:
    with pytest.raises(Conflict):
        services.role_grant(user=bob, unit=unit("BP-BGM"), role="editor", by=SYSTEM)


def test_nobody_removes_their_own_administrator_role(bgm_admin: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.role_revoke(grant=bgm_admin.grants.get(), by=bgm_admin)


def test_a_revoked_role_stops_giving_rights_at_once(bgm_admin: Any, bob: Any, api_as: Any) -> None:
    api = api_as(bob)
    assert api.get("units/BP-BGM").status_code == 200
    services.role_revoke(grant=bob.grants.get(), by=bgm_admin)
    assert api.get("units/BP-BGM").status_code == 403


def test_roles_through_the_api(bgm_admin: Any, bob: Any, charlie: Any, api_as: Any) -> None:
    api = api_as(bgm_admin)
    response = api.post(f"users/{bob.pk}/roles", {"role": "data_entry", "unit_code": "BP-BGM-XPN"})
    assert response.status_code == 201
    grant_id = response.json()["id"]
    assert {r["role"] for r in api.get(f"users/{bob.pk}/roles").json()} == {"editor", "data_entry"}
    assert api.get(f"users/{charlie.pk}").status_code == 403
    assert api.post(f"users/{bob.pk}/roles", {"role": "editor", "unit_code": "BP-DX"}).status_code == 403
    assert api.post(f"users/{bob.pk}/roles", {"role": "chief", "unit_code": "BP-BGM"}).status_code == 422
    assert api.delete(f"roles/{grant_id}").status_code == 204
    assert not RoleGrant.objects.filter(pk=grant_id).exists()
    assert api.delete(f"roles/{charlie.grants.get().pk}").status_code == 403


def test_people_list_of_a_unit_administrator_holds_their_subtree_only(
    bgm_admin: Any, bob: Any, charlie: Any, make_person: Any
) -> None:
    make_person("xdk.staff", "BP-BGM-XDK")
    names = {u.username for u in selectors.user_list(for_user=bgm_admin)}
    assert names == {"bgm.admin", "bob", "xdk.staff"}
    assert {u.username for u in selectors.user_list(for_user=bgm_admin, q="xdk")} == {"xdk.staff"}


def test_the_people_search_answers_htmx_with_rows_only(bgm_admin: Any, bob: Any, web_as: Any) -> None:
    response = web_as(bgm_admin).get("/accounts/people/", {"q": "bob"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert "bob" in page and "bgm.admin" not in page


def test_a_persons_history_shows_who_changed_what_before_and_after(
    bgm_admin: Any, bob: Any, web_as: Any, unit: Any
) -> None:
    client = web_as(bgm_admin)
    response = client.post(
        f"/accounts/people/{bob.pk}/edit/",
        {
            "full_name": "Bob",
            "email": "",
            "position": "Phó Trưởng ban",
            "phone": "",
            "unit": "BP-BGM",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/accounts/people/{bob.pk}/").content.decode()
    assert "Lịch sử thay đổi" in page
    assert "<ins>Phó Trưởng ban</ins>" in page
    assert "Bgm.Admin" in page  # who made the change


def test_a_units_history_is_shown_on_its_page(admin_user: Any, web_as: Any) -> None:
    client = web_as(admin_user)
    client.post(
        "/units/BP-DX/details/",
        {"short_name": "TP. Đồng Xoài", "aliases": "", "kind": "city", "level": "district", "email": ""},
    )
    page = client.get("/units/BP-DX/").content.decode()
    assert "<del>—</del> → <ins>TP. Đồng Xoài</ins>" in page
    assert "Thay đổi thông tin" in page


def test_an_editor_cannot_see_the_history_of_another_district(bob: Any, web_as: Any) -> None:
    assert web_as(bob).get("/units/BP-DX/").status_code == 403


def test_each_person_chooses_their_language(bob: Any, charlie: Any, client: Any) -> None:
    client.force_login(bob)
    assert "Đơn vị" in client.get("/units/").content.decode()
    response = client.post("/language/", {"language": "en", "next": "/units/"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.language == "en"
    page = client.get("/units/").content.decode()
    assert '<html lang="en">' in page
    assert "Search units" in page
    other = type(client)()
    other.force_login(charlie)
    page = other.get("/units/").content.decode()
    assert '<html lang="vi">' in page
    assert "Tìm đơn vị" in page
    # The choice follows bob to a new session.
    again = type(client)()
    again.force_login(User.objects.get(pk=bob.pk))
    assert '<html lang="en">' in again.get("/").content.decode()


def test_the_language_is_also_chosen_on_the_profile(bob: Any, web_as: Any) -> None:
    client = web_as(bob)
    client.post("/accounts/me/details/", {"full_name": "Bob", "phone": "0271 3879 999", "language": "en"})
    bob.refresh_from_db()
    assert (bob.language, bob.phone) == ("en", "0271 3879 999")
    assert "My account" in client.get("/accounts/me/").content.decode()


def test_a_person_cannot_deactivate_themselves(bgm_admin: Any, web_as: Any) -> None:
    client = web_as(bgm_admin)
    client.post(
        f"/accounts/people/{bgm_admin.pk}/edit/",
        {"full_name": "X", "email": "", "position": "", "phone": "", "unit": "BP-BGM"},
    )
    bgm_admin.refresh_from_db()
    assert bgm_admin.is_active


def test_an_administrator_sets_a_new_password_under_the_policy(bgm_admin: Any, bob: Any, web_as: Any) -> None:
    client = web_as(bgm_admin)
    client.post(f"/accounts/people/{bob.pk}/password/", {"password": "12345678901"})
    bob.refresh_from_db()
    assert bob.check_password("test-password-123")
    client.post(f"/accounts/people/{bob.pk}/password/", {"password": "Bu-Gia-Map-2026"})
    bob.refresh_from_db()
    assert bob.check_password("Bu-Gia-Map-2026")


def test_a_unit_page_lists_its_staff_and_the_roles_granted_on_it(
    bgm_admin: Any, bob: Any, web_as: Any
) -> None:
    page = web_as(bgm_admin).get("/units/BP-BGM/").content.decode()
    assert "Vai trò được giao trên đơn vị này" in page
    assert "Biên tập viên" in page and "Quản trị đơn vị" in page
    assert f'href="/accounts/people/{bob.pk}/"' in page


def test_an_editor_does_not_see_staff_or_roles_on_the_unit_page(bob: Any, web_as: Any) -> None:
    page = web_as(bob).get("/units/BP-BGM/").content.decode()
    assert "Vai trò được giao trên đơn vị này" not in page
    assert "reorganise-form" not in page
