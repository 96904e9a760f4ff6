"""Who a unit's documents may address: the one rule, used by the directive reader and the services.

A committee (the province, a district, a commune) addresses its own subtree. Its advisory and staff
bodies draft and send documents on its behalf: Ban Tuyên giáo, Ban Dân vận, Ban Tổ chức, Ủy ban Kiểm
tra, Văn phòng Tỉnh ủy (Party advisory agencies), and the People's Committee's own office and
departments (Văn phòng, Sở, Phòng, Thanh tra). A letter from Ban Tuyên giáo Tỉnh ủy to the district
Party committees therefore addresses the Tỉnh ủy's subtree, not only Ban Tuyên giáo's.

Other bodies under a committee (police, press, broadcasters, mass organisations) address their own
subtree only. ``addressing_root_path`` is pure (path, kind, name), so the directive reader applies it
to registry snapshots; ``addressing_root`` gives the Unit row.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ketnoi.lib.vn_text import fold

if TYPE_CHECKING:
    from ketnoi.units.models import Unit

STEP = 4  # treebeard's path step for units

# State bodies that staff a People's Committee (folded name prefixes).
_STATE_STAFF = re.compile(r"^(?:so|van phong|phong|thanh tra|uy ban nhan dan|ubnd)\b")


def is_staff_body(*, kind: str, name: str) -> bool:
    """Does this unit send documents on behalf of the committee above it?"""
    if kind == "party_agency":
        return True
    return kind == "state_agency" and bool(_STATE_STAFF.match(fold(name)))


def addressing_root_path(*, path: str, kind: str, name: str) -> str:
    """The path of the subtree a unit's documents may address (its committee's for a staff body)."""
    if is_staff_body(kind=kind, name=name) and len(path) > STEP:
        return path[:-STEP]
    return path


def addressing_root(unit: Unit) -> Unit:
    """The unit whose subtree ``unit``'s documents may address (itself, or its committee)."""
    root_path = addressing_root_path(path=unit.path, kind=unit.kind, name=unit.name)
    if root_path == unit.path:
        return unit
    from ketnoi.units.models import Unit

    return Unit.objects.get(path=root_path)
