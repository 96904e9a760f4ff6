"""The dashboard aggregates kept current by every write equal the ones rebuilt from scratch."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from ketnoi.core.permissions import SYSTEM
from ketnoi.pages import aggregates, services
from ketnoi.pages.imports import import_metrics
from ketnoi.pages.models import Page, PageMonth, UnitMonth

CODES = ["BP", "BP-BGM", "BP-DX", "BP-BGM-XPN", "BP-BGM-XDK", "BP-DX-PTP", "BP-BTG"]


pytestmark = pytest.mark.usefixtures("end_of_june_2025")


def _state() -> tuple[list[Any], list[Any]]:
    units = UnitMonth.objects.order_by("unit_id", "month").values_list(
        "unit_id", "month", "audience", "pages", "posts", "reach", "engagement"
    )
    months = PageMonth.objects.order_by("page_id", "month").values_list(
        "page_id", "month", "audience", "audience_day", "posts", "reach", "engagement"
    )
    return [tuple(int(v) if isinstance(v, float) else v for v in r) for r in units], list(months)


def _by_definition() -> list[Any]:
    """Unit months computed here from the page months: every page in the unit's subtree as it stood on the
    month's last day (a merged unit's pages count under the unit that took it over)."""
    from ketnoi.units.selectors import records_parents_on

    page_unit = dict(Page.objects.values_list("pk", "unit_id"))
    rows: dict[tuple[int, dt.date], list[Any]] = {}
    for page_id, month, audience, _day, posts, reach, engagement in _state()[1]:
        parents = records_parents_on((month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
        unit_id: int | None = page_unit[page_id]
        while unit_id is not None:
            row = rows.setdefault((unit_id, month), [None, 0, None, None, None])
            for slot, value in ((0, audience), (2, posts), (3, reach), (4, engagement)):
                if value is not None:
                    row[slot] = (row[slot] or 0) + value
            row[1] += audience is not None
            unit_id = parents.get(unit_id)
    return [(unit_id, month, *values) for (unit_id, month), values in sorted(rows.items())]


def _assert_same_as_rebuilt() -> None:
    kept = _state()
    assert kept[0] == _by_definition()
    aggregates.rebuild_all()
    assert _state() == kept


def test_kept_aggregates_equal_a_rebuild_after_every_kind_of_write(unit: Any) -> None:
    rng = random.Random(20251122)
    pages = [
        services.page_register(
            unit=unit(CODES[n % len(CODES)]),
            platform="facebook_group" if n % 3 == 2 else "facebook_page",
            name=f"Trang {n}",
            url=f"https://facebook.com/trang{n}",
            by=SYSTEM,
        )
        for n in range(9)
    ]
    days = [dt.date(2025, 3, 1) + dt.timedelta(days=7 * k) for k in range(17)]
    for step in range(30):
        kind = rng.choice(["record", "import", "move", "clear"])
        page = rng.choice(pages)
        if kind == "record":
            figures = {"followers": rng.randrange(0, 5000), "posts": rng.choice([None, rng.randrange(0, 9)])}
            if page.platform == "facebook_group":
                figures = {"members": rng.randrange(0, 900), "posts": rng.randrange(0, 5)}
            services.metrics_record(
                page=page, day=rng.choice(days), values=figures, source="manual", by=SYSTEM
            )
        elif kind == "import":
            chosen = rng.sample(pages, 3)
            lines = ["page,date,followers,members,posts,reach"]
            for p in chosen:
                for day in rng.sample(days, 4):
                    reach = rng.choice(["", str(rng.randrange(0, 10**6))])
                    lines.append(
                        f"{p.pk},{day:%d/%m/%Y},{rng.randrange(0, 9000)},,{rng.randrange(0, 6)},{reach}"
                    )
            import_metrics(data="\n".join(lines).encode(), file_name=f"buoc{step}.csv", by=SYSTEM)
        elif kind == "move":
            page = services.page_update(page=page, by=SYSTEM, unit=unit(rng.choice(CODES)))
            pages = [page if p.pk == page.pk else p for p in pages]
        else:  # a figure cleared: the month may lose its audience
            services.metrics_record(
                page=page,
                day=rng.choice(days),
                values={"followers": None, "members": None},
                source="manual",
                by=SYSTEM,
            )
        _assert_same_as_rebuilt()
    assert UnitMonth.objects.filter(unit=unit("BP")).exists()


@pytest.mark.parametrize("how", ["move", "merge"])
def test_a_reorganisation_moves_the_totals_at_once(
    unit: Any, how: str, django_capture_on_commit_callbacks: Any
) -> None:
    from ketnoi.units import services as units

    page = services.page_register(
        unit=unit("BP-BGM-XPN"),
        platform="facebook_page",
        name="Phú Nghĩa",
        url="https://facebook.com/pn",
        by=SYSTEM,
    )
    services.metrics_record(
        page=page, day=dt.date(2025, 6, 1), values={"followers": 700, "posts": 4}, source="manual", by=SYSTEM
    )
    june = dt.date(2025, 6, 1)
    assert UnitMonth.objects.get(unit=unit("BP-BGM"), month=june).audience == 700
    assert not UnitMonth.objects.filter(unit=unit("BP-DX"), month=june).exists()
    # The totals follow when the reorganisation commits (the one structure event).
    with django_capture_on_commit_callbacks(execute=True):
        if how == "move":
            units.unit_move(
                unit=unit("BP-BGM-XPN"),
                new_parent=unit("BP-DX"),
                effective_date=dt.date(2025, 6, 30),
                by=SYSTEM,
            )
        else:  # the district is merged into the city: its communes and their pages follow
            units.unit_merge(
                sources=[unit("BP-BGM")], target=unit("BP-DX"), effective_date=dt.date(2025, 6, 30), by=SYSTEM
            )
    dx = UnitMonth.objects.get(unit=unit("BP-DX"), month=june)
    assert (dx.audience, dx.pages, dx.posts) == (700, 1, 4)
    assert UnitMonth.objects.get(unit=unit("BP"), month=june).audience == 700
    if how == "move":
        assert not UnitMonth.objects.filter(unit=unit("BP-BGM"), month=june).exists()
    assert _state()[0] == _by_definition()


def test_page_figures_add_up_on_the_tree_of_their_month(
    unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A district merged on 01/07/2025: June's figures of its commune's page still add up in the district
    (the district's dashboard of June is unchanged), July's in the city that took it over."""
    import time_machine

    from ketnoi.units import services as units

    with time_machine.travel(dt.datetime(2025, 8, 15, 9, 0, tzinfo=dt.UTC), tick=False):
        page = services.page_register(
            unit=unit("BP-BGM-XPN"),
            platform="facebook_page",
            name="Phú Nghĩa",
            url="facebook.com/pn",
            by=SYSTEM,
        )
        for day, followers in ((dt.date(2025, 6, 10), 700), (dt.date(2025, 7, 20), 760)):
            services.metrics_record(
                page=page, day=day, values={"followers": followers, "posts": 2}, source="manual", by=SYSTEM
            )
        with django_capture_on_commit_callbacks(execute=True):
            units.unit_merge(
                sources=[unit("BP-BGM")], target=unit("BP-DX"), effective_date=dt.date(2025, 7, 1), by=SYSTEM
            )
    june, july = dt.date(2025, 6, 1), dt.date(2025, 7, 1)

    def audience(code: str, month: dt.date) -> int | None:
        row = UnitMonth.objects.filter(unit=unit(code), month=month).first()
        return row.audience if row else None

    assert (audience("BP-BGM", june), audience("BP-DX", june), audience("BP", june)) == (700, None, 700)
    assert (audience("BP-BGM", july), audience("BP-DX", july), audience("BP", july)) == (None, 760, 760)
    _assert_same_as_rebuilt()
