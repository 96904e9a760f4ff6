"""A right on a subtree does not include reshaping its root: a district's administrator cannot rename,
re-level, move, merge, split or dissolve the district itself, only the units below it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from ketnoi.core.exceptions import PermissionDenied
from ketnoi.units import services
from ketnoi.units.models import Unit

DAY = dt.date(2026, 1, 1)


@pytest.fixture
def bgm_admin(make_person: Any) -> Any:
    return make_person("bgm.admin", "BP-BGM", [("unit_admin", "BP-BGM")])


def test_a_unit_administrator_cannot_rename_or_relevel_the_root_of_their_scope_through_the_api(
    bgm_admin: Any, api_as: Any
) -> None:
    api = api_as(bgm_admin)
    response = api.post(
        "units/BP-BGM/rename", {"new_name": "Tỉnh Bù Gia Mập", "effective_date": "2026-01-01"}
    )
    assert response.status_code == 403
    assert "cấp trên" in response.json()["error"]["message"]
    assert api.patch("units/BP-BGM", {"level": "province"}).status_code == 403
    assert api.patch("units/BP-BGM", {"short_name": "BGM mới"}).status_code == 403
    bgm = Unit.objects.get(code="BP-BGM")
    assert (bgm.name, bgm.level, bgm.short_name) == ("Huyện Bù Gia Mập", "district", "")
    # Describing the unit is still theirs: its e-mail, and a re-sent unchanged level.
    response = api.patch("units/BP-BGM", {"email": "bgm@binhphuoc.gov.vn", "level": "district"})
    assert response.status_code == 200


def test_a_unit_administrator_cannot_move_split_dissolve_or_merge_away_the_root(
    bgm_admin: Any, unit: Any
) -> None:
    bgm = unit("BP-BGM")
    with pytest.raises(PermissionDenied):
        services.unit_move(unit=bgm, new_parent=unit("BP-BGM-XPN"), effective_date=DAY, by=bgm_admin)
    with pytest.raises(PermissionDenied):
        services.unit_dissolve(unit=bgm, successor=unit("BP-BGM-XPN"), effective_date=DAY, by=bgm_admin)
    with pytest.raises(PermissionDenied):
        services.unit_split(
            unit=bgm,
            parts=[{"code": "BP-BGM1", "name": "Một"}, {"code": "BP-BGM2", "name": "Hai"}],
            heir_code="BP-BGM1",
            effective_date=DAY,
            by=bgm_admin,
        )
    with pytest.raises(PermissionDenied):
        services.unit_merge(sources=[bgm], target=unit("BP-BGM-XDK"), effective_date=DAY, by=bgm_admin)
    assert unit("BP-BGM").valid_to is None


def test_a_unit_administrator_reshapes_the_units_below_the_root(bgm_admin: Any, unit: Any) -> None:
    services.unit_rename(
        unit=unit("BP-BGM-XPN"), new_name="Xã Phú Nghĩa Mới", effective_date=DAY, by=bgm_admin
    )
    services.unit_update(unit=unit("BP-BGM-XPN"), by=bgm_admin, level="grassroots")
    services.unit_merge(
        sources=[unit("BP-BGM-XDK")], target=unit("BP-BGM-XPN"), effective_date=DAY, by=bgm_admin
    )
    # Merging units into the root is theirs too: the root itself keeps its name, level and place.
    services.unit_create(
        code="BP-BGM-XNEW",
        name="Xã Mới",
        kind="commune",
        level="commune",
        parent=unit("BP-BGM"),
        by=bgm_admin,
    )
    services.unit_merge(
        sources=[unit("BP-BGM-XNEW")], target=unit("BP-BGM"), effective_date=DAY, by=bgm_admin
    )
    assert unit("BP-BGM-XPN").name == "Xã Phú Nghĩa Mới"


def test_an_administrator_of_the_province_reshapes_the_district(make_person: Any, unit: Any) -> None:
    province_admin = make_person("tinh.admin", "BP", [("unit_admin", "BP")])
    services.unit_rename(
        unit=unit("BP-BGM"), new_name="Thị xã Bù Gia Mập", effective_date=DAY, by=province_admin
    )
    services.unit_update(unit=unit("BP-BGM"), by=province_admin, level="district", kind="town")
    with pytest.raises(PermissionDenied):
        services.unit_rename(unit=unit("BP"), new_name="Tỉnh Mới", effective_date=DAY, by=province_admin)
    assert unit("BP-BGM").name == "Thị xã Bù Gia Mập"


def test_the_details_form_fixes_the_shape_of_the_root_but_saves_its_email(
    bgm_admin: Any, web_as: Any
) -> None:
    client = web_as(bgm_admin)
    page = client.get("/units/BP-BGM/").content.decode()
    assert re.search(r'<select name="level"[^>]*disabled', page)
    assert not re.search(r'<input type="email" name="email"[^>]*disabled', page)
    response = client.post(
        "/units/BP-BGM/details/",
        {"short_name": "X", "aliases": "", "kind": "province", "level": "province", "email": "bgm@bp.gov.vn"},
    )
    assert response.status_code == 302
    bgm = Unit.objects.get(code="BP-BGM")
    assert (bgm.kind, bgm.level, bgm.short_name, bgm.email) == ("district", "district", "", "bgm@bp.gov.vn")
