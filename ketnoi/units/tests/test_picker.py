"""The one unit picker (issue 11, item 12): tree order, indentation, the parent beside the name, a search
text folded by lib.vn_text.fold, dissolved units marked; used by the forms and the filter bars."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ketnoi.units import services
from ketnoi.units.picker import INDENT, picker_options
from ketnoi.units.selectors import unit_list, units_as_of


def test_options_are_indented_carry_the_parent_and_fold_without_diacritics(unit: Any, alice: Any) -> None:
    options = {o.value: o for o in picker_options(unit_list(for_user=alice))}
    xdk = options["BP-BGM-XDK"]
    assert xdk.label == INDENT * 2 + "Xã Đa Kia"
    assert xdk.parent == "Huyện Bù Gia Mập"
    assert "xa da kia" in xdk.fold and "huyen bu gia map" in xdk.fold and "bp-bgm-xdk" in xdk.fold
    assert options["BP"].depth == 0 and options["BP"].parent == ""
    assert xdk.attrs()["data-parent"] == "Huyện Bù Gia Mập"


def test_a_dissolved_unit_is_marked_so_the_picker_hides_it_unless_asked(unit: Any, admin_user: Any) -> None:
    services.unit_merge(
        sources=[unit("BP-BGM-XPN")],
        target=unit("BP-BGM-XDK"),
        effective_date=dt.date(2025, 7, 1),
        by=admin_user,
    )
    options = {o.value: o for o in picker_options(unit_list(for_user=admin_user, include_dissolved=True))}
    assert options["BP-BGM-XPN"].attrs()["data-dissolved"] == "1"
    assert "data-dissolved" not in options["BP-BGM-XDK"].attrs()


def test_the_tree_of_an_earlier_date_gives_the_names_and_parents_of_that_date(
    unit: Any, admin_user: Any
) -> None:
    services.unit_rename(
        unit=unit("BP-BGM"),
        new_name="Huyện Bù Gia Mập Mới",
        effective_date=dt.date(2025, 7, 1),
        by=admin_user,
    )
    old = {o.value: o for o in picker_options(units_as_of(for_user=admin_user, day=dt.date(2025, 1, 1)))}
    assert old["BP-BGM-XDK"].parent == "Huyện Bù Gia Mập"
    assert old["BP-BGM-XDK"].depth == 2


def test_forms_and_filter_bars_render_the_picker(unit: Any, alice: Any, web_as: Any) -> None:
    browser = web_as(alice)
    for url in (
        "/pages/new/",
        "/pages/",
        "/pages/checklist/",
        "/pages/dashboard/",
        "/directives/documents/new/",
    ):
        html = browser.get(url).content.decode()
        assert "data-unit-picker" in html, url
        assert 'data-parent="Huyện Bù Gia Mập"' in html, url
    assert "Tìm đơn vị" in browser.get("/pages/new/").content.decode()
