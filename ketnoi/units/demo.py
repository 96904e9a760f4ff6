"""Demo units: Bình Phước as its 2020 review report describes it, its departments and communes,
and a 2025 reorganisation of communes so that dated structure shows."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources

from ketnoi.units import services
from ketnoi.units.models import Reorganisation, Unit

DEMO_DECISION = "Dữ liệu minh họa: sắp xếp đơn vị hành chính cấp xã năm 2025"
REFORM_DAY = dt.date(2025, 7, 1)
LEVEL_OF_KIND = {"province": "province", "commune": "commune", "ward": "commune"}


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("ketnoi").joinpath("demo_data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def load() -> None:
    rows = _rows("units.csv") + _rows("units_extra.csv")
    existing = set(Unit.objects.values_list("code", flat=True))
    for row in rows:
        if row["code"] in existing:
            continue
        parent = Unit.objects.get(code=row["parent_code"]) if row["parent_code"] else None
        services.unit_create(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            level=row["level"],
            parent=parent,
            by=None,
            aliases="\n".join(a for a in row.get("aliases", "").split("|") if a),
        )
        existing.add(row["code"])
    if not Reorganisation.objects.filter(decision=DEMO_DECISION).exists():
        _reform()


def _reform() -> None:
    """1 July 2025: communes merged (the demo's illustration of the 2025 reform)."""
    get = Unit.objects.get
    services.unit_merge(
        sources=[get(code="BP-DX-PTD"), get(code="BP-DX-PTX")],
        target=get(code="BP-DX-PTP"),
        effective_date=REFORM_DAY,
        by=None,
        decision=DEMO_DECISION,
    )
    services.unit_rename(
        unit=get(code="BP-DX-PTP"),
        new_name="Phường Đồng Xoài",
        effective_date=REFORM_DAY,
        by=None,
        decision=DEMO_DECISION,
    )
    services.unit_merge(
        sources=[get(code="BP-BGM-XDK")],
        target=get(code="BP-BGM-XPM"),
        effective_date=REFORM_DAY,
        by=None,
        decision=DEMO_DECISION,
    )
