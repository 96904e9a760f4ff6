"""Search that ignores diacritics and case, and scoped reads of the tree."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketnoi.core.exceptions import NotFound, PermissionDenied
from ketnoi.core.permissions import SYSTEM
from ketnoi.units import selectors, services


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("dong xoai", "Thành phố Đồng Xoài"),
        ("ĐỒNG XOÀI", "Thành phố Đồng Xoài"),
        ("Đồng Xoài", "Thành phố Đồng Xoài"),
        ("bu gia map", "Huyện Bù Gia Mập"),
        ("BU  GIA   MAP", "Huyện Bù Gia Mập"),
        ("da kia", "Xã Đa Kia"),
        ("BP-BTG", "Ban Tuyên giáo Tỉnh ủy"),
    ],
)
def test_search_ignores_diacritics_case_and_spacing(admin_user: Any, query: str, found: str) -> None:
    names = [u.name for u in selectors.unit_search(for_user=admin_user, q=query)]
    assert found in names


def test_search_keeps_to_the_callers_scope(bob: Any) -> None:
    assert selectors.unit_search(for_user=bob, q="dong xoai") == []
    assert [u.code for u in selectors.unit_search(for_user=bob, q="phu nghia")] == ["BP-BGM-XPN"]


def test_search_finds_a_dissolved_unit_by_its_old_name(admin_user: Any, unit: Any) -> None:
    services.unit_merge(
        sources=[unit("BP-BGM-XDK")], target=unit("BP-BGM-XPN"), effective_date=dt.date(2025, 7, 1), by=SYSTEM
    )
    assert [u.code for u in selectors.unit_search(for_user=admin_user, q="da kia")] == ["BP-BGM-XDK"]
    assert "BP-BGM-XDK" not in {u.code for u in selectors.unit_list(for_user=admin_user)}


def test_one_unit_is_404_when_missing_and_403_when_out_of_scope(bob: Any) -> None:
    with pytest.raises(NotFound):
        selectors.unit_get(code="NOPE", for_user=bob)
    with pytest.raises(PermissionDenied):
        selectors.unit_get(code="BP-DX", for_user=bob)
    assert selectors.unit_get(code="BP-BGM-XPN", for_user=bob).name == "Xã Phú Nghĩa"


def test_the_tree_as_of_a_date_is_in_vietnamese_alphabet_order(admin_user: Any) -> None:
    nodes = selectors.units_as_of(for_user=admin_user, day=dt.date(2025, 1, 1))
    assert [n.code for n in nodes] == [
        "BP",
        "BP-BTG",
        "BP-BGM",
        "BP-BGM-XDK",
        "BP-BGM-XPN",
        "BP-DX",
        "BP-DX-PTP",
    ]


def test_listing_units_takes_a_fixed_number_of_queries(
    admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        services.unit_create(
            code=f"BP-T{i}", name=f"Xã Thử {i}", kind="commune", level="commune", parent=None, by=SYSTEM
        )
    from ketnoi.core import permissions

    permissions.forget(admin_user)
    with django_assert_max_num_queries(3):
        units = list(selectors.unit_list(for_user=admin_user))
        selectors.code_parent_map(units)
    assert len(units) == 37
