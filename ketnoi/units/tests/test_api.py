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
