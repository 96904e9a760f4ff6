"""Dated reorganisations: rename, move, merge, split, dissolve; future dates; the tree as of any date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import translation

from ketnoi.core.exceptions import PermissionDenied, ValidationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.units import selectors, services
from ketnoi.units.models import Reorganisation, Unit

BEFORE = dt.date(2025, 6, 30)
REFORM = dt.date(2025, 7, 1)


def parent_code(unit: Unit) -> str | None:
    unit.refresh_from_db()
    parent = Unit.objects.get_parent(unit)
    return parent.code if parent else None


def tree_codes(day: dt.date) -> dict[str, str | None]:
    """code -> parent code of the tree as it stood on ``day``."""
    tree = selectors.tree_as_of(day)
    return {n.code: (tree[n.parent_id].code if n.parent_id in tree else None) for n in tree.values()}


def test_a_rename_keeps_the_old_name_for_earlier_dates(unit: Any, admin_user: Any) -> None:
    xpn = unit("BP-BGM-XPN")
    services.unit_rename(unit=xpn, new_name="Xã  Phú Nghĩa Mới", effective_date=REFORM, by=admin_user)
    xpn.refresh_from_db()
    assert xpn.name == "Xã Phú Nghĩa Mới"  # spaces normalised
    assert "Xã Phú Nghĩa" in xpn.aliases.splitlines()
    names = {v.name: (v.valid_from, v.valid_to) for v in selectors.unit_history_versions(xpn)}
    assert names == {"Xã Phú Nghĩa": (None, REFORM), "Xã Phú Nghĩa Mới": (REFORM, None)}
    assert selectors.tree_as_of(BEFORE)[xpn.pk].name == "Xã Phú Nghĩa"
    assert selectors.tree_as_of(REFORM)[xpn.pk].name == "Xã Phú Nghĩa Mới"


def test_a_rename_is_audited_with_before_and_after(unit: Any, admin_user: Any) -> None:
    from ketnoi.core.audit import history_rows

    services.unit_rename(
        unit=unit("BP-DX"), new_name="Phường Đồng Xoài", effective_date=REFORM, by=admin_user
    )
    with translation.override("vi"):
        newest = history_rows(unit("BP-DX"))[0]
    assert newest["who"] == admin_user
    assert newest["reason"] == "Đổi tên"  # stored as the English msgid, shown in the reader's language
    with translation.override("en"):
        assert history_rows(unit("BP-DX"))[0]["reason"] == "Renamed"
    change = next(c for c in newest["changes"] if c["old"] == "Thành phố Đồng Xoài")
    assert change["new"] == "Phường Đồng Xoài"


def test_a_move_changes_the_parent_from_its_date(unit: Any, admin_user: Any) -> None:
    services.unit_move(
        unit=unit("BP-BGM-XDK"), new_parent=unit("BP-DX"), effective_date=REFORM, by=admin_user
    )
    assert parent_code(unit("BP-BGM-XDK")) == "BP-DX"
    assert tree_codes(BEFORE)["BP-BGM-XDK"] == "BP-BGM"
    assert tree_codes(REFORM)["BP-BGM-XDK"] == "BP-DX"


@pytest.mark.parametrize(
    ("moved", "under"), [("BP-BGM", "BP-BGM-XPN"), ("BP-BGM", "BP-BGM"), ("BP", "BP-DX")]
)
def test_a_move_under_itself_or_its_own_units_is_refused(
    unit: Any, admin_user: Any, moved: str, under: str
) -> None:
    with pytest.raises(ValidationError) as info:
        services.unit_move(unit=unit(moved), new_parent=unit(under), effective_date=REFORM, by=admin_user)
    assert "new_parent" in info.value.fields
    assert parent_code(unit(moved)) == (None if moved == "BP" else "BP")


def test_a_merge_keeps_both_old_histories_and_moves_everything_to_the_target(
    unit: Any, admin_user: Any, make_person: Any
) -> None:
    staff = make_person("xdk.staff", "BP-BGM-XDK")
    hamlet = services.unit_create(
        code="BP-BGM-XDK-T1",
        name="Thôn 1",
        kind="grassroots",
        level="grassroots",
        parent=unit("BP-BGM-XDK"),
        by=SYSTEM,
    )
    reorg = services.unit_merge(
        sources=[unit("BP-BGM-XDK")], target=unit("BP-BGM-XPN"), effective_date=REFORM, by=admin_user
    )
    assert reorg.applied_at is not None
    xdk = unit("BP-BGM-XDK")
    assert (xdk.valid_to, xdk.successor.code) == (REFORM, "BP-BGM-XPN")
    # Before the date the old structure stands; after it the hamlet is under the receiving commune.
    assert tree_codes(BEFORE)["BP-BGM-XDK"] == "BP-BGM"
    assert tree_codes(BEFORE)["BP-BGM-XDK-T1"] == "BP-BGM-XDK"
    assert "BP-BGM-XDK" not in tree_codes(REFORM)
    assert tree_codes(REFORM)["BP-BGM-XDK-T1"] == "BP-BGM-XPN"
    # Today the dissolved commune sits under its successor, so whatever was attached to it follows.
    assert parent_code(xdk) == "BP-BGM-XPN"
    assert parent_code(hamlet) == "BP-BGM-XPN"
    xpn_admin = make_person("xpn.admin", "BP-BGM-XPN", [("unit_admin", "BP-BGM-XPN")])
    from ketnoi.accounts.selectors import user_list

    assert staff in user_list(for_user=xpn_admin)
    # Both histories remain readable.
    assert [v.valid_to for v in selectors.unit_history_versions(xdk)] == [REFORM]
    assert [v.name for v in selectors.unit_history_versions(unit("BP-BGM-XPN"))] == ["Xã Phú Nghĩa"]


def test_a_merge_into_itself_or_of_a_dissolved_unit_is_refused(unit: Any, admin_user: Any) -> None:
    with pytest.raises(ValidationError):
        services.unit_merge(
            sources=[unit("BP-DX")], target=unit("BP-DX"), effective_date=REFORM, by=admin_user
        )
    services.unit_merge(
        sources=[unit("BP-BGM-XDK")], target=unit("BP-BGM-XPN"), effective_date=REFORM, by=SYSTEM
    )
    with pytest.raises(ValidationError):
        services.unit_merge(
            sources=[unit("BP-BGM-XDK")],
            target=unit("BP-DX-PTP"),
            effective_date=dt.date(2025, 8, 1),
            by=SYSTEM,
        )


def test_a_merge_of_a_parent_into_its_own_child_is_refused(unit: Any, admin_user: Any) -> None:
    with pytest.raises(ValidationError):
        services.unit_merge(
            sources=[unit("BP-BGM")], target=unit("BP-BGM-XPN"), effective_date=REFORM, by=admin_user
        )


def test_a_split_creates_the_new_units_and_shares_out_the_old_ones_children(
    unit: Any, admin_user: Any
) -> None:
    services.unit_split(
        unit=unit("BP-BGM"),
        parts=[
            {"code": "BP-BGM-A", "name": "Huyện Bù Gia Mập A"},
            {"code": "BP-BGM-B", "name": "Huyện Bù Gia Mập B"},
        ],
        heir_code="BP-BGM-A",
        children_to={"BP-BGM-XDK": "BP-BGM-B"},
        effective_date=REFORM,
        by=admin_user,
    )
    before, after = tree_codes(BEFORE), tree_codes(REFORM)
    assert before["BP-BGM-XPN"] == "BP-BGM" and before["BP-BGM-XDK"] == "BP-BGM"
    assert "BP-BGM-A" not in before
    assert after["BP-BGM-A"] == "BP" and after["BP-BGM-B"] == "BP"
    assert after["BP-BGM-XPN"] == "BP-BGM-A" and after["BP-BGM-XDK"] == "BP-BGM-B"
    assert "BP-BGM" not in after
    old = unit("BP-BGM")
    assert old.successor.code == "BP-BGM-A"
    assert parent_code(old) == "BP-BGM-A"
    assert unit("BP-BGM-A").kind == "district"


def test_a_split_needs_two_parts_and_an_heir_among_them(unit: Any, admin_user: Any) -> None:
    with pytest.raises(ValidationError):
        services.unit_split(
            unit=unit("BP-BGM"),
            parts=[{"code": "A", "name": "A"}],
            heir_code="A",
            effective_date=REFORM,
            by=admin_user,
        )
    with pytest.raises(ValidationError):
        services.unit_split(
            unit=unit("BP-BGM"),
            parts=[{"code": "A", "name": "A"}, {"code": "B", "name": "B"}],
            heir_code="C",
            effective_date=REFORM,
            by=admin_user,
        )
    assert not Unit.objects.filter(code__in=["A", "B"]).exists()


def test_dissolving_a_unit_with_units_under_it_needs_a_successor(unit: Any, admin_user: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.unit_dissolve(unit=unit("BP-BGM"), effective_date=REFORM, by=admin_user)
    assert "successor" in info.value.fields
    services.unit_dissolve(unit=unit("BP-BGM-XDK"), effective_date=REFORM, by=admin_user)
    assert unit("BP-BGM-XDK").valid_to == REFORM
    assert "BP-BGM-XDK" not in tree_codes(REFORM)
    assert "BP-BGM-XDK" in tree_codes(BEFORE)


def test_a_future_merge_waits_for_its_date(unit: Any, admin_user: Any) -> None:
    with time_machine.travel(dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        reorg = services.unit_merge(
            sources=[unit("BP-BGM-XDK")], target=unit("BP-BGM-XPN"), effective_date=REFORM, by=admin_user
        )
        services.unit_rename(
            unit=unit("BP-BGM-XPN"), new_name="Xã Phú Nghĩa Mới", effective_date=REFORM, by=SYSTEM
        )
        assert reorg.applied_at is None
        assert parent_code(unit("BP-BGM-XDK")) == "BP-BGM"
        assert unit("BP-BGM-XPN").name == "Xã Phú Nghĩa"
        assert services.reorganisations_apply_due() == 0
        # The dated structure already knows the future.
        assert tree_codes(REFORM).get("BP-BGM-XDK") is None
    assert services.reorganisations_apply_due(today=REFORM) == 2
    assert parent_code(unit("BP-BGM-XDK")) == "BP-BGM-XPN"
    assert unit("BP-BGM-XPN").name == "Xã Phú Nghĩa Mới"
    assert Reorganisation.objects.filter(applied_at__isnull=True).count() == 0
    assert services.reorganisations_apply_due(today=REFORM) == 0  # safe to repeat


def test_changes_must_be_recorded_in_date_order(unit: Any, admin_user: Any) -> None:
    services.unit_rename(unit=unit("BP-DX"), new_name="Tên 2025", effective_date=REFORM, by=admin_user)
    with pytest.raises(ValidationError) as info:
        services.unit_rename(
            unit=unit("BP-DX"), new_name="Tên 2024", effective_date=dt.date(2024, 1, 1), by=admin_user
        )
    assert "01/01/2024" in str(info.value.message)


def test_a_unit_established_later_does_not_exist_before(unit: Any) -> None:
    new = services.unit_create(
        code="BP-NEW",
        name="Xã Mới",
        kind="commune",
        level="commune",
        parent=unit("BP-DX"),
        by=SYSTEM,
        valid_from=REFORM,
    )
    assert new.pk not in selectors.tree_as_of(BEFORE)
    assert selectors.tree_as_of(REFORM)[new.pk].parent_id == unit("BP-DX").pk


def test_codes_are_unique(unit: Any) -> None:
    from ketnoi.core.exceptions import Conflict

    with pytest.raises(Conflict):
        services.unit_create(
            code="BP-DX", name="X", kind="city", level="district", parent=unit("BP"), by=SYSTEM
        )


def test_an_editor_cannot_reorganise_even_their_own_district(bob: Any, unit: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.unit_rename(unit=unit("BP-BGM"), new_name="X", effective_date=REFORM, by=bob)
    with pytest.raises(PermissionDenied):
        services.unit_merge(
            sources=[unit("BP-BGM-XDK")], target=unit("BP-BGM-XPN"), effective_date=REFORM, by=bob
        )


def test_a_unit_administrator_cannot_move_a_unit_out_of_their_subtree(make_person: Any, unit: Any) -> None:
    bgm_admin = make_person("bgm.admin", "BP-BGM", [("unit_admin", "BP-BGM")])
    with pytest.raises(PermissionDenied):
        services.unit_move(
            unit=unit("BP-BGM-XDK"), new_parent=unit("BP-DX"), effective_date=REFORM, by=bgm_admin
        )
    services.unit_merge(
        sources=[unit("BP-BGM-XDK")], target=unit("BP-BGM-XPN"), effective_date=REFORM, by=bgm_admin
    )
    assert unit("BP-BGM-XDK").successor.code == "BP-BGM-XPN"


def test_a_pending_move_out_of_a_district_lets_the_district_pass_to_that_commune(
    unit: Any, admin_user: Any
) -> None:
    """Recorded in advance, as the 2025 reform was: on its date the commune leaves the district, so the
    district may then be dissolved into it; without that move it would be its own child."""
    with time_machine.travel(BEFORE, tick=False):
        bgm, xpn, bp = unit("BP-BGM"), unit("BP-BGM-XPN"), unit("BP")
        with pytest.raises(ValidationError):
            services.unit_dissolve(unit=bgm, successor=xpn, effective_date=REFORM, by=admin_user)
        services.unit_move(unit=xpn, new_parent=bp, effective_date=REFORM, by=admin_user)
        services.unit_move(unit=unit("BP-BGM-XDK"), new_parent=bp, effective_date=REFORM, by=admin_user)
        services.unit_dissolve(unit=bgm, successor=xpn, effective_date=REFORM, by=admin_user)
        assert parent_code(xpn) == "BP-BGM"  # today's tree waits for the date
    assert tree_codes(REFORM)["BP-BGM-XPN"] == "BP" and "BP-BGM" not in tree_codes(REFORM)
    with time_machine.travel(REFORM, tick=False):
        assert services.reorganisations_apply_due() == 3
    assert parent_code(xpn) == "BP" and parent_code(bgm) == "BP-BGM-XPN"
