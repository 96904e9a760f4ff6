"""The dashboard aggregates kept current by every write equal the ones rebuilt from scratch."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
import time_machine

from ketnoi.pages import aggregates, services
from ketnoi.pages.imports import import_metrics
from ketnoi.pages.models import PageMonth, UnitMonth

CODES = ["BP", "BP-BGM", "BP-DX", "BP-BGM-XPN", "BP-BGM-XDK", "BP-DX-PTP", "BP-BTG"]


@pytest.fixture(autouse=True)
def _fixed_day() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def _state() -> tuple[list[Any], list[Any]]:
    units = UnitMonth.objects.order_by("unit_id", "month").values_list(
        "unit_id", "month", "audience", "pages", "posts", "reach", "engagement"
    )
    months = PageMonth.objects.order_by("page_id", "month").values_list(
        "page_id", "month", "audience", "audience_day", "posts", "reach", "engagement"
    )
    return [tuple(int(v) if isinstance(v, float) else v for v in r) for r in units], list(months)


def _assert_same_as_rebuilt() -> None:
    kept = _state()
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
            by=None,
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
            services.metrics_record(page=page, day=rng.choice(days), values=figures, source="manual", by=None)
        elif kind == "import":
            chosen = rng.sample(pages, 3)
            lines = ["page,date,followers,members,posts,reach"]
            for p in chosen:
                for day in rng.sample(days, 4):
                    reach = rng.choice(["", str(rng.randrange(0, 10**6))])
                    lines.append(
                        f"{p.pk},{day:%d/%m/%Y},{rng.randrange(0, 9000)},,{rng.randrange(0, 6)},{reach}"
                    )
            import_metrics(data="\n".join(lines).encode(), file_name=f"buoc{step}.csv", by=None)
        elif kind == "move":
            page = services.page_update(page=page, by=None, unit=unit(rng.choice(CODES)))
            pages = [page if p.pk == page.pk else p for p in pages]
        else:  # a figure cleared: the month may lose its audience
            services.metrics_record(
                page=page,
                day=rng.choice(days),
                values={"followers": None, "members": None},
                source="manual",
                by=None,
            )
        _assert_same_as_rebuilt()
    assert UnitMonth.objects.filter(unit=unit("BP")).exists()
