"""Demo units: Bình Phước as its 2020 review report describes it, and the real 2025 reform on top of it.

The old tree (``units.csv``, ``units_extra.csv``) holds from the start until 30/06/2025. On 01/03/2025
the province's Ban Tuyên giáo becomes Ban Tuyên giáo và Dân vận and the Sở Thông tin và Truyền thông
merges into the Sở Khoa học và Công nghệ. On 01/07/2025 (Resolution 202/2025/QH15 and 1662/NQ-UBTVQH15)
the district level ends: Bình Phước and its bodies merge into the new Tỉnh Đồng Nai, the communes merge
into new communes and wards directly under the province (``reform_2025.csv``), and each district's
records pass to the commune or ward that carries its name or held its seat.

Every change goes through the reorganisation services with its effective date, as an office would record
it, so the tree as of any date and every roll-up of earlier periods stay as they were. Idempotent: a
reform already recorded is not recorded again. See ``demo_data/SOURCES.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources

from ketnoi.core.permissions import SYSTEM
from ketnoi.units import selectors, services
from ketnoi.units.models import Reorganisation, Unit

STREAMLINING_DAY = dt.date(2025, 3, 1)
REFORM_DAY = dt.date(2025, 7, 1)
LAST_OLD_DAY = REFORM_DAY - dt.timedelta(days=1)
STREAMLINING_DECISION = "Dữ liệu minh họa: sắp xếp cơ quan Đảng, Nhà nước cấp tỉnh (01/3/2025)"
PROVINCE_DECISION = "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội"
COMMUNE_DECISION = "Nghị quyết số 1662/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội"
OLD_ROOT, NEW_ROOT = "BP", "DN"


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("ketnoi").joinpath("demo_data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _aliases(row: dict[str, str]) -> str:
    return "\n".join(a for a in row.get("aliases", "").split("|") if a)


def _create(row: dict[str, str], parent: Unit | None, valid_from: dt.date | None) -> Unit:
    return services.unit_create(
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        level=row["level"],
        parent=parent,
        by=SYSTEM,
        valid_from=valid_from,
        aliases=_aliases(row),
    )


def load() -> None:
    load_old_tree()
    load_reform()


def load_old_tree() -> None:
    """The tree of 2020 to 30/06/2025 (idempotent)."""
    existing = set(Unit.objects.values_list("code", flat=True))
    for row in _rows("units.csv") + _rows("units_extra.csv"):
        if row["code"] in existing:
            continue
        _create(row, Unit.objects.get(code=row["parent_code"]) if row["parent_code"] else None, None)
        existing.add(row["code"])


def load_reform() -> None:
    """The 2025 reorganisations, each recorded once."""
    if not Reorganisation.objects.filter(decision=STREAMLINING_DECISION).exists():
        _streamlining()
    if not Reorganisation.objects.filter(decision=PROVINCE_DECISION).exists():
        _reform()


def _streamlining() -> None:
    """01/03/2025: the province's advisory bodies and departments are merged ahead of the reform."""
    get = Unit.objects.get
    services.unit_rename(
        unit=get(code="BP-BTG"),
        new_name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        effective_date=STREAMLINING_DAY,
        by=SYSTEM,
        decision=STREAMLINING_DECISION,
        note="Hợp nhất Ban Tuyên giáo Tỉnh ủy và Ban Dân vận Tỉnh ủy.",
    )
    services.unit_merge(
        sources=[get(code="BP-STTTT")],
        target=get(code="BP-SKHCN"),
        effective_date=STREAMLINING_DAY,
        by=SYSTEM,
        decision=STREAMLINING_DECISION,
        note="Hợp nhất Sở Thông tin và Truyền thông vào Sở Khoa học và Công nghệ.",
    )


def _reform() -> None:
    """01/07/2025: two-level local government; Bình Phước merged into the new Tỉnh Đồng Nai."""
    rows = _rows("reform_2025.csv")
    get = Unit.objects.get
    created: dict[str, Unit] = {}
    # 1. The new units are established, the province first, then its bodies and communes.
    for row in rows:
        if not row["name"] or row["code"] in created:
            continue
        parent = created.get(row["parent_code"]) if row["parent_code"] else None
        created[row["code"]] = _create(row, parent, REFORM_DAY)
    root = created[NEW_ROOT]
    # 2. Communes and bodies merge into the new ones; their records pass to them.
    for row in rows:
        sources = [s for s in row["merged_from"].split("|") if s and s != OLD_ROOT]
        if sources and row["name"]:
            services.unit_merge(
                sources=[get(code=s) for s in sources],
                target=created[row["code"]],
                effective_date=REFORM_DAY,
                by=SYSTEM,
                decision=COMMUNE_DECISION if row["level"] == "commune" else PROVINCE_DECISION,
            )
    # 3. Units that continue unchanged keep their code and pass directly under the new province.
    for row in rows:
        if not row["name"]:
            services.unit_move(
                unit=get(code=row["code"]),
                new_parent=root,
                effective_date=REFORM_DAY,
                by=SYSTEM,
                decision=COMMUNE_DECISION if "-X" in row["code"] else PROVINCE_DECISION,
            )
    # 4. The district level ends; each district's records pass to the commune or ward named in the file.
    for row in rows:
        for district in (c for c in row["takes_over"].split("|") if c):
            services.unit_dissolve(
                unit=get(code=district),
                successor=get(code=row["code"]),
                effective_date=REFORM_DAY,
                by=SYSTEM,
                decision=COMMUNE_DECISION,
                note="Kết thúc hoạt động của cấp huyện.",
            )
    # 5. The old province merges into the new one.
    services.unit_merge(
        sources=[get(code=OLD_ROOT)],
        target=root,
        effective_date=REFORM_DAY,
        by=SYSTEM,
        decision=PROVINCE_DECISION,
    )


def communes_before_reform(code: str) -> list[Unit]:
    """The units directly under ``code`` on the last day of the old tree (in the order of their codes)."""
    unit = Unit.objects.get(code=code)
    tree = selectors.tree_as_of(LAST_OLD_DAY)
    ids = [n.id for n in tree.values() if n.parent_id == unit.pk]
    return list(Unit.objects.filter(pk__in=ids).order_by("code"))


def today_root() -> Unit:
    """The province of today's tree (the demo's root)."""
    return Unit.objects.get(code=NEW_ROOT)
