from __future__ import annotations

from typing import Any


def test_editor_lists_only_units_of_their_district(bob: Any, api_as: Any) -> None:
    response = api_as(bob).get("units")
    assert response.status_code == 200
    codes = {u["code"] for u in response.json()}
    assert codes == {"BP-BGM", "BP-BGM-XPN", "BP-BGM-XDK"}
    row = next(u for u in response.json() if u["code"] == "BP-BGM-XPN")
    assert row["parent_code"] == "BP-BGM"
    assert row["kind"] == "commune"
    assert row["name"] == "Xã Phú Nghĩa"


def test_editor_cannot_read_another_district(bob: Any, api_as: Any) -> None:
    response = api_as(bob).get("units/BP-DX")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_unknown_unit_is_404(bob: Any, api_as: Any) -> None:
    assert api_as(bob).get("units/NOPE").status_code == 404


def test_merge_keeps_both_old_histories(admin_user: Any, api_as: Any, unit: Any) -> None:
    api = api_as(admin_user)
    response = api.post(
        "units/BP-BGM-XPN/merge", {"effective_date": "2025-07-01", "source_codes": ["BP-BGM-XDK"]}
    )
    assert response.status_code == 201, response.content
    before = {u["code"] for u in api.get("units", {"as_of": "2025-06-30"}).json()}
    after = {u["code"] for u in api.get("units", {"as_of": "2025-07-01"}).json()}
    assert "BP-BGM-XDK" in before
    assert "BP-BGM-XDK" not in after
    old = api.get("units/BP-BGM-XDK").json()
    assert old["valid_to"] == "2025-07-01"
    assert old["successor_code"] == "BP-BGM-XPN"
    # Today's tree keeps the dissolved commune under the unit that took it over.
    from ketnoi.units.models import Unit

    assert Unit.objects.get_parent(unit("BP-BGM-XDK")).code == "BP-BGM-XPN"
    history = api.get("units/BP-BGM-XDK/history").json()
    assert history["versions"][0]["parent_code"] == "BP-BGM"
    assert history["versions"][0]["valid_to"] == "2025-07-01"
    assert history["changes"]


def test_search_through_the_api_ignores_diacritics(admin_user: Any, api_as: Any) -> None:
    rows = api_as(admin_user).get("units", {"q": "bu gia map"}).json()
    assert [r["name"] for r in rows] == ["Huyện Bù Gia Mập"]
    rows = api_as(admin_user).get("units", {"q": "dong xoai", "as_of": "2024-01-01"}).json()
    assert [r["code"] for r in rows] == ["BP-DX"]


def test_one_unit_as_of_a_date_has_the_name_of_that_date(admin_user: Any, api_as: Any) -> None:
    api = api_as(admin_user)
    assert (
        api.post(
            "units/BP-DX/rename", {"effective_date": "2025-07-01", "new_name": "Phường Đồng Xoài"}
        ).status_code
        == 201
    )
    assert api.get("units/BP-DX", {"as_of": "2025-06-30"}).json()["name"] == "Thành phố Đồng Xoài"
    assert api.get("units/BP-DX").json()["name"] == "Phường Đồng Xoài"
    assert api.get("units/BP-DX", {"as_of": "2025-07-01"}).json()["parent_code"] == "BP"


def test_a_unit_that_did_not_exist_on_the_date_is_404(admin_user: Any, api_as: Any) -> None:
    api = api_as(admin_user)
    body = {
        "code": "BP-NEW",
        "name": "Xã Mới",
        "parent_code": "BP-DX",
        "kind": "commune",
        "level": "commune",
        "valid_from": "2025-07-01",
    }
    assert api.post("units", body).status_code == 201
    assert api.get("units/BP-NEW", {"as_of": "2025-06-30"}).status_code == 404
    assert api.get("units/BP-NEW", {"as_of": "2025-07-01"}).json()["parent_code"] == "BP-DX"


def test_split_through_the_api(admin_user: Any, api_as: Any) -> None:
    body = {
        "effective_date": "2025-07-01",
        "parts": [{"code": "BP-BGM-A", "name": "Huyện A"}, {"code": "BP-BGM-B", "name": "Huyện B"}],
        "heir_code": "BP-BGM-A",
        "children_to": {"BP-BGM-XDK": "BP-BGM-B"},
    }
    response = api_as(admin_user).post("units/BP-BGM/split", body)
    assert response.status_code == 201, response.content
    assert set(response.json()["unit_codes"]) == {"BP-BGM", "BP-BGM-A", "BP-BGM-B"}
    assert api_as(admin_user).get("units/BP-BGM-XDK").json()["parent_code"] == "BP-BGM-B"


def test_a_move_under_its_own_commune_is_a_clear_422(admin_user: Any, api_as: Any) -> None:
    response = api_as(admin_user).post(
        "units/BP-BGM/move", {"effective_date": "2025-07-01", "new_parent_code": "BP-BGM-XPN"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "new_parent" in error["fields"]
    assert "Không thể chuyển" in error["message"]


def test_errors_come_in_english_for_an_english_speaker(bob: Any, api_as: Any) -> None:
    from ketnoi.accounts.services import user_update

    user_update(user=bob, by=bob, language="en")
    response = api_as(bob).get("units/BP-DX")
    assert response.json()["error"]["message"] == "You do not have permission to do this for this unit."


def test_bad_input_names_the_field(admin_user: Any, api_as: Any) -> None:
    response = api_as(admin_user).post(
        "units/BP-DX/rename", {"effective_date": "31/12/2025", "new_name": "X"}
    )
    assert response.status_code == 422
    assert "effective_date" in response.json()["error"]["fields"]


def test_no_token_no_data(province: Any, client: Any) -> None:
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_units_history_is_hidden_outside_the_scope(bob: Any, api_as: Any) -> None:
    assert api_as(bob).get("units/BP-DX/history").status_code == 403
    assert api_as(bob).get("units/BP-BGM/history").status_code == 200
