"""The import's fast lane (``imports.writer.load_clean_template``): a clean template file is loaded by
the database itself.

Whatever the lane stores must be exactly what the row-by-row import stores, and any file that is not
plainly clean must leave the lane, so that the row-by-row checks name every problem.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketnoi.core.permissions import SYSTEM
from ketnoi.pages import services
from ketnoi.pages.imports import ImportFailed, _postgresql, _sqlite, import_metrics, service
from ketnoi.pages.models import MetricImport, MetricSnapshot, Page, PageMonth, UnitMonth

HEADER = "page,date,followers,likes,members,posts,reach,engagement\n"


pytestmark = pytest.mark.usefixtures("end_of_june_2025")


@pytest.fixture
def two(unit: Any) -> tuple[Page, Page]:
    page = services.page_register(
        unit=unit("BP-BGM"),
        platform="facebook_page",
        name="Bù Gia Mập Online",
        url="https://facebook.com/BuGiaMapOnline",
        by=SYSTEM,
    )
    group = services.page_register(
        unit=unit("BP-DX"),
        platform="facebook_group",
        name="Đồng Xoài xin chào",
        url="https://facebook.com/groups/dxxinchao",
        by=SYSTEM,
    )
    return page, group


@pytest.fixture
def lane(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records what the lane of this database answered for each import (None: it was left)."""
    answers: list[Any] = []
    for strategy in (_postgresql, _sqlite):
        original = strategy.try_template

        def spy(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            answer = _original(*args, **kwargs)
            answers.append(answer)
            return answer

        monkeypatch.setattr(strategy, "try_template", spy)
    return answers


def _clean_file(page: Page, group: Page) -> bytes:
    lines = [HEADER]
    for day in range(1, 31):
        lines.append(f"{page.pk},{day:02d}/05/2025,{1000 + day},{800 + day},,{day % 3},{50 * day},{day}\n")
        members = "" if day % 7 == 0 else str(300 + day)  # a day with no figure stays without one
        lines.append(f"{group.pk},{day:02d}/05/2025,,,{members},{day % 2},,\n")
    lines.append(f"{page.pk},01/06/2025,1040,,,0,,\n")  # after Meta's change: no likes
    return "".join(lines).encode()


def _stored() -> dict[str, Any]:
    snapshots = MetricSnapshot.objects.order_by("page_id", "day").values_list(
        "page_id", "day", "followers", "likes", "members", "posts", "reach", "engagement", "source"
    )
    months = PageMonth.objects.order_by("page_id", "month").values_list(
        "page_id", "month", "audience", "audience_day", "posts", "reach", "engagement"
    )
    units = UnitMonth.objects.order_by("unit_id", "month").values_list(
        "unit_id", "month", "audience", "pages", "posts", "reach", "engagement"
    )
    latest = Page.objects.order_by("pk").values_list("pk", "latest_day", "latest_audience", "last_post_day")
    return {"snapshots": list(snapshots), "months": list(months), "units": list(units), "pages": list(latest)}


def _clear() -> None:
    MetricSnapshot.objects.all().delete()
    PageMonth.objects.all().delete()
    UnitMonth.objects.all().delete()
    Page.objects.update(latest_day=None, latest_audience=None, last_post_day=None)


def test_the_lane_stores_exactly_what_the_row_by_row_import_stores(
    two: tuple[Page, Page], lane: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _clean_file(*two)
    result = import_metrics(data=data, file_name="sach.csv", by=SYSTEM)
    assert lane == [(61, 61)]
    assert (result.snapshots, result.changed) == (61, 61)
    fast = _stored()
    assert len(fast["snapshots"]) == 61 and len(fast["months"]) == 3  # page: May, June; group: May
    may = PageMonth.objects.get(page=two[1], month=dt.date(2025, 5, 1))
    assert (may.audience, may.audience_day) == (330, dt.date(2025, 5, 30))

    _clear()
    monkeypatch.setattr(service, "_fast_lane", lambda *args, **kwargs: None)
    slow = import_metrics(data=data, file_name="sach.csv", by=SYSTEM)
    assert (slow.snapshots, slow.changed) == (61, 61)
    assert _stored() == fast


def test_a_second_import_of_a_clean_file_changes_nothing_and_keeps_figures_it_does_not_give(
    two: tuple[Page, Page], lane: list[Any]
) -> None:
    page, group = two
    import_metrics(data=_clean_file(page, group), file_name="sach.csv", by=SYSTEM)
    before = _stored()
    again = import_metrics(data=_clean_file(page, group), file_name="sach.csv", by=SYSTEM)
    assert again.changed == 0 and lane[-1] == (61, 0)
    assert _stored() == before
    # A later file with fewer columns over the same days: given figures change, the others stay.
    later = f"page,date,followers\n{page.pk},30/05/2025,2000\n{page.pk},02/06/2025,2001\n".encode()
    result = import_metrics(data=later, file_name="bo-sung.csv", by=SYSTEM)
    assert (result.snapshots, result.changed) == (2, 2) and lane[-1] == (2, 2)
    last_may = MetricSnapshot.objects.get(page=page, day=dt.date(2025, 5, 30))
    assert (last_may.followers, last_may.likes, last_may.reach) == (2000, 830, 1500)
    page.refresh_from_db()
    assert (page.latest_day, page.latest_audience) == (dt.date(2025, 6, 2), 2001)
    assert MetricImport.objects.count() == 3


@pytest.mark.parametrize("existing", [False, True], ids=["new days", "over stored days"])
def test_a_page_and_day_twice_leaves_the_lane_and_is_named(
    two: tuple[Page, Page], lane: list[Any], existing: bool
) -> None:
    page, _group = two
    if existing:
        services.metrics_record(
            page=page, day=dt.date(2025, 6, 1), values={"followers": 1}, source="manual", by=SYSTEM
        )
    data = f"{HEADER}{page.pk},01/06/2025,5,,,,,\n{page.pk},02/06/2025,6,,,,,\n{page.pk},01/06/2025,7,,,,,\n"
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=data.encode(), file_name="trung.csv", by=SYSTEM)
    assert lane == [None]
    assert [(e.line, e.column) for e in failed.value.errors] == [(4, "date")]
    assert "dòng 2" in str(failed.value.errors[0])
    assert MetricSnapshot.objects.count() == (1 if existing else 0)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("{pk},01/06/2025,-5,,,,,", "followers"),  # a sign
        ("{pk},01/06/2025,12.5,,,,,", "followers"),  # not whole
        ("{pk},01/07/2025,5,,,,,", "date"),  # after today
        ("{pk},31/02/2025,5,,,,,", "date"),  # no such day
        ("{pk},01/06/1999,5,,,,,", "date"),  # before any platform
        ("999999,01/06/2025,5,,,,,", "page"),  # no such page
        ("{pk},01/06/2025,5,,,,", ""),  # a cell short: read as empty by the row-by-row import
        ("{pk},01/06/2025,٣٤,,,,,", ""),  # digits of another script: read by the row-by-row import
    ],
)
def test_a_file_not_plainly_clean_leaves_the_lane(
    two: tuple[Page, Page], lane: list[Any], row: str, column: str
) -> None:
    page, _group = two
    data = f"{HEADER}{page.pk},02/06/2025,6,,,,,\n{row.format(pk=page.pk)}\n".encode()
    if not column:
        result = import_metrics(data=data, file_name="ngan.csv", by=SYSTEM)
        assert lane == [None] and result.snapshots == 2
        return
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=data, file_name="hong.csv", by=SYSTEM)
    assert lane == [None]
    assert [(e.line, e.column) for e in failed.value.errors] == [(3, column)]
    assert not MetricSnapshot.objects.exists()


def test_a_page_outside_the_importers_subtree_leaves_the_lane(
    two: tuple[Page, Page], lane: list[Any], bob: Any
) -> None:
    page, group = two
    data = f"{HEADER}{page.pk},01/06/2025,5,,,,,\n{group.pk},01/06/2025,,,7,,,\n".encode()
    with pytest.raises(ImportFailed) as failed:
        import_metrics(data=data, file_name="x.csv", by=bob)
    assert lane == [None]
    refusal = str(failed.value.errors[0])
    assert "đơn vị của bạn" in refusal and "Đồng Xoài xin chào" not in refusal  # refused, not named
    assert not MetricSnapshot.objects.exists()
