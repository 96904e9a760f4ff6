"""The role × scope matrix through the API and through the web pages.

Each role is granted on Huyện Bù Gia Mập. Each action is tried on the district itself, a commune under
it, the sibling city Đồng Xoài and the province above; the answer must be the permission layer's, with
a clear refusal (403 and a message in the caller's language) where it says no.
"""

from __future__ import annotations

from typing import Any

import pytest

POSITIONS = {"own": "BP-BGM", "subtree": "BP-BGM-XPN", "sibling": "BP-DX", "parent": "BP"}
ROLES = ["system_admin", "unit_admin", "editor", "data_entry", "approver", "viewer"]
# Who may, on the own unit and its subtree (written out, not read from the code under test).
MAY = {
    "view": {"system_admin", "unit_admin", "editor", "data_entry", "approver", "viewer"},
    "manage": {"system_admin", "unit_admin"},
    "reorganise": {"system_admin", "unit_admin"},
}


def allowed(role: str, verb: str, position: str) -> bool:
    return role == "system_admin" or (position in {"own", "subtree"} and role in MAY[verb])


def allowed_reshape(role: str, position: str) -> bool:
    """Renaming, re-levelling... a unit needs ``reorganise`` from above it: not on the root of one's scope."""
    return role == "system_admin" or (position == "subtree" and role in MAY["reorganise"])


@pytest.fixture
def person(request: Any, make_person: Any) -> Any:
    return make_person("p", "BP-BGM", [(request.param, "BP-BGM")])


def _refused_in_vietnamese(response: Any) -> None:
    assert response.status_code == 403
    body = response.json()
    assert body["error"]["code"] == "forbidden"
    assert "không có quyền" in body["error"]["message"]


# --- API ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ROLES, indirect=True)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_api_read_of_a_unit_follows_the_role_and_scope(person: Any, position: str, api_as: Any) -> None:
    role = person.grants.get().role
    response = api_as(person).get(f"units/{POSITIONS[position]}")
    if allowed(role, "view", position):
        assert response.status_code == 200
        assert response.json()["code"] == POSITIONS[position]
    else:
        _refused_in_vietnamese(response)


@pytest.mark.parametrize("person", ROLES, indirect=True)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_api_change_of_unit_details_needs_manage_in_scope(
    person: Any, position: str, api_as: Any, unit: Any
) -> None:
    role = person.grants.get().role
    response = api_as(person).patch(f"units/{POSITIONS[position]}", {"short_name": "Tên mới"})
    if allowed_reshape(role, position):
        assert response.status_code == 200, response.content
        assert unit(POSITIONS[position]).short_name == "Tên mới"
    else:
        _refused_in_vietnamese(response)
        assert unit(POSITIONS[position]).short_name == ""


@pytest.mark.parametrize("person", ROLES, indirect=True)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_api_rename_needs_reorganise_in_scope(person: Any, position: str, api_as: Any, unit: Any) -> None:
    role = person.grants.get().role
    code = POSITIONS[position]
    old_name = unit(code).name
    response = api_as(person).post(
        f"units/{code}/rename", {"effective_date": "2025-07-01", "new_name": "Tên mới"}
    )
    if allowed_reshape(role, position):
        assert response.status_code == 201, response.content
        assert unit(code).name == "Tên mới"
    else:
        _refused_in_vietnamese(response)
        assert unit(code).name == old_name


@pytest.mark.parametrize("person", ROLES, indirect=True)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_api_account_creation_needs_manage_in_scope(person: Any, position: str, api_as: Any) -> None:
    from ketnoi.accounts.models import User

    role = person.grants.get().role
    payload = {"username": "newcomer", "password": "Phu-Nghia-2025!x", "unit_code": POSITIONS[position]}
    response = api_as(person).post("users", payload)
    if allowed(role, "manage", position):
        assert response.status_code == 201, response.content
        assert User.objects.get(username="newcomer").unit.code == POSITIONS[position]
    else:
        _refused_in_vietnamese(response)
        assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_api_unit_list_holds_only_the_scope(person: Any, api_as: Any) -> None:
    role = person.grants.get().role
    codes = {row["code"] for row in api_as(person).get("units").json()}
    if role == "system_admin":
        assert {"BP", "BP-DX", "BP-BGM", "BP-BTG"} <= codes
    else:
        assert codes == {"BP-BGM", "BP-BGM-XPN", "BP-BGM-XDK"}


# --- Web pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ROLES, indirect=True)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_web_unit_page_follows_the_role_and_scope(person: Any, position: str, web_as: Any, unit: Any) -> None:
    role = person.grants.get().role
    response = web_as(person).get(f"/units/{POSITIONS[position]}/")
    if allowed(role, "view", position):
        assert response.status_code == 200
        assert unit(POSITIONS[position]).name in response.content.decode()
        shows_reorganise = "reorganise-form" in response.content.decode()
        assert shows_reorganise is allowed(role, "reorganise", position)
    else:
        assert response.status_code == 403
        assert "Bạn không có quyền" in response.content.decode()


@pytest.mark.parametrize("person", ROLES, indirect=True)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_web_unit_details_form_needs_manage_in_scope(
    person: Any, position: str, web_as: Any, unit: Any
) -> None:
    role = person.grants.get().role
    code = POSITIONS[position]
    target = unit(code)
    data = {"short_name": "Viết tắt", "aliases": "", "kind": target.kind, "level": target.level, "email": ""}
    response = web_as(person).post(f"/units/{code}/details/", data)
    if allowed_reshape(role, position):
        assert response.status_code == 302
        assert unit(code).short_name == "Viết tắt"
    elif allowed(role, "manage", position):
        # The root of one's scope: the form keeps the fields that reshape it fixed.
        assert response.status_code == 302
        assert unit(code).short_name == ""
    else:
        assert response.status_code == 403
        assert "Bạn không có quyền" in response.content.decode()
        assert unit(code).short_name == ""


@pytest.mark.parametrize("person", ROLES, indirect=True)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_web_reorganise_form_needs_reorganise_in_scope(
    person: Any, position: str, web_as: Any, unit: Any
) -> None:
    role = person.grants.get().role
    code = POSITIONS[position]
    old_name = unit(code).name
    data = {
        "action": "rename",
        "effective_date": "2025-07-01",
        "new_name": "Tên mới",
        "decision": "12/QĐ-UBND",
    }
    response = web_as(person).post(f"/units/{code}/reorganise/", data, follow=True)
    if allowed_reshape(role, position):
        assert response.status_code == 200
        assert unit(code).name == "Tên mới"
    elif allowed(role, "reorganise", position):
        assert "không có quyền thay đổi chính" in response.content.decode()
        assert unit(code).name == old_name
    else:
        assert response.status_code == 403
        assert unit(code).name == old_name


@pytest.mark.parametrize("person", ROLES, indirect=True)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_web_person_page_needs_manage_over_the_persons_unit(
    person: Any, position: str, web_as: Any, make_person: Any
) -> None:
    role = person.grants.get().role
    other = make_person("other", POSITIONS[position])
    response = web_as(person).get(f"/accounts/people/{other.pk}/")
    if allowed(role, "manage", position):
        assert response.status_code == 200
        assert "other" in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_web_people_list_is_for_administrators_and_holds_only_their_scope(
    person: Any, web_as: Any, make_person: Any
) -> None:
    role = person.grants.get().role
    make_person("xpn.staff", "BP-BGM-XPN")
    make_person("dx.staff", "BP-DX")
    response = web_as(person).get("/accounts/people/")
    if role in {"system_admin", "unit_admin"}:
        assert response.status_code == 200
        page = response.content.decode()
        assert "xpn.staff" in page
        assert ("dx.staff" in page) is (role == "system_admin")
    else:
        assert response.status_code == 403
