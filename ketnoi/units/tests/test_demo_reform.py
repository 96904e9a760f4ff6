"""The demo's tree on the real 2025 reform: Bình Phước with its districts until 30/06/2025, the new
Tỉnh Đồng Nai with communes and wards directly under it from 01/07/2025."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from ketnoi.units import selectors
from ketnoi.units.models import Reorganisation, Unit, UnitVersion


def _tree(day: dt.date) -> dict[str, str | None]:
    tree = selectors.tree_as_of(day)
    return {n.code: (tree[n.parent_id].code if n.parent_id in tree else None) for n in tree.values()}


def test_the_demo_tree_as_of_2024_and_as_of_today(db: Any) -> None:
    from ketnoi.units import demo

    demo.load()
    counts = (Unit.objects.count(), UnitVersion.objects.count(), Reorganisation.objects.count())
    demo.load()
    assert (Unit.objects.count(), UnitVersion.objects.count(), Reorganisation.objects.count()) == counts

    old = _tree(dt.date(2024, 12, 31))
    assert [c for c, p in old.items() if p is None] == ["BP"]
    districts = {c for c, p in old.items() if p == "BP" and Unit.objects.get(code=c).level == "district"}
    assert {"BP-DX", "BP-BGM", "BP-HQ", "BP-PR", "BP-BTG", "BP-STTTT"} <= districts
    assert (
        Counter(Unit.objects.get(code=p).kind for c, p in old.items() if c.count("-") == 2)["district"] > 50
    )
    assert old["BP-DX-PTP"] == "BP-DX" and old["BP-BGM-XBGM"] == "BP-BGM"
    assert not any(c.startswith("DN") for c in old)

    now = _tree(timezone.localdate())
    assert [c for c, p in now.items() if p is None] == ["DN"]
    levels = Counter(Unit.objects.get(code=c).level for c, p in now.items() if p == "DN")
    assert (
        levels["district"] == 13 and levels["commune"] == 41
    )  # bodies and enterprise committees; communes, wards
    assert not [c for c in now if Unit.objects.get(code=c).kind in ("district", "city", "town")]
    assert now["DN-PBP"] == "DN" and now["DN-PDX"] == "DN"
    # Units that continue keep their codes; the Party's advisory body follows the real reform.
    assert now["BP-BGM-XBGM"] == "DN" and now["BP-BGM-XDO"] == "DN" and now["BP-CSBP"] == "DN"
    assert Unit.objects.get(code="DN-BTGDV").name == "Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai"
    assert selectors.tree_as_of(dt.date(2025, 3, 1))[Unit.objects.get(code="BP-BTG").pk].name == (
        "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    )
    assert selectors.tree_as_of(dt.date(2025, 2, 28))[Unit.objects.get(code="BP-BTG").pk].name == (
        "Ban Tuyên giáo Tỉnh ủy"
    )
    # Merged units end on 01/07/2025 and pass to their successors; today's tree keeps them under those.
    ptp = Unit.objects.get(code="BP-DX-PTP")
    assert (ptp.valid_to, ptp.successor.code, ptp.name) == (dt.date(2025, 7, 1), "DN-PBP", "Phường Tân Phú")
    assert Unit.objects.get_parent(ptp).code == "DN-PBP"
    bgm = Unit.objects.get(code="BP-BGM")
    assert (bgm.valid_to, bgm.successor.code) == (dt.date(2025, 7, 1), "BP-BGM-XBGM")
    bp = Unit.objects.get(code="BP")
    assert (bp.valid_to, bp.successor.code, Unit.objects.get_parent(bp).code) == (
        dt.date(2025, 7, 1),
        "DN",
        "DN",
    )
    # Every old commune went somewhere: the whole old tree lies in today's province.
    root = Unit.objects.get(code="DN")
    assert Unit.objects.filter(path__startswith=root.path).count() == Unit.objects.count()
    assert {r.decision for r in Reorganisation.objects.filter(effective_date=dt.date(2025, 7, 1))} >= {
        demo.PROVINCE_DECISION,
        demo.COMMUNE_DECISION,
    }
