"""Analytics in DHIS2's shape at ``/api/analytics``: ``dimension=dx:A;B``, ``dimension=ou:BP;LEVEL-2``,
``dimension=pe:LAST_12_MONTHS`` and ``filter=`` in the same forms; the answer has ``headers`` (``name``,
``column``, ``valueType``, ``type``, ``hidden``, ``meta``), ``rows``, ``height``, ``width``, ``headerWidth``
and ``metaData`` with ``items`` and ``dimensions``. Figures are the product's roll-up
(``selectors.aggregate``): each unit's subtree, each indicator's own aggregation over units and over time.

Relative periods: DHIS2's list (``RELATIVE_PERIODS``), counted from today; the financial year is October's,
DHIS2's default. Unit keywords: ``USER_ORGUNIT``, ``USER_ORGUNIT_CHILDREN``, ``USER_ORGUNIT_GRANDCHILDREN``,
``LEVEL-n`` (the units of level n under the other units named, else under the caller's). A filter with several
items gives one figure over them: periods joined into one span, units and indicators added up.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ketnoi.core import permissions
from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors
from ketnoi.reporting.periods import read_period
from ketnoi.units import selectors as unit_selectors
from ketnoi.units.models import Unit

_TYPE_WORDS = {
    "DAYS": P.DAILY,
    "WEEK": P.WEEKLY,
    "WEEKS": P.WEEKLY,
    "BIWEEK": P.BI_WEEKLY,
    "BIWEEKS": P.BI_WEEKLY,
    "MONTH": P.MONTHLY,
    "MONTHS": P.MONTHLY,
    "BIMONTH": P.BI_MONTHLY,
    "BIMONTHS": P.BI_MONTHLY,
    "QUARTER": P.QUARTERLY,
    "QUARTERS": P.QUARTERLY,
    "SIX_MONTH": P.HALF_YEARLY,
    "SIXMONTHS": P.HALF_YEARLY,
    "FINANCIAL_YEAR": P.FINANCIAL_OCT,
    "FINANCIAL_YEARS": P.FINANCIAL_OCT,
    "YEAR": P.YEARLY,
    "YEARS": P.YEARLY,
}
# DHIS2's relative periods: name -> (type, how many, how many periods back the last one is).
RELATIVE_PERIODS: dict[str, tuple[str, int, int]] = {
    "TODAY": (P.DAILY, 1, 0),
    "YESTERDAY": (P.DAILY, 1, 1),
    **{f"LAST_{n}_DAYS": (P.DAILY, n, 1) for n in (3, 7, 14, 30, 60, 90, 180)},
    "THIS_WEEK": (P.WEEKLY, 1, 0),
    "LAST_WEEK": (P.WEEKLY, 1, 1),
    **{f"LAST_{n}_WEEKS": (P.WEEKLY, n, 1) for n in (4, 12, 52)},
    "THIS_BIWEEK": (P.BI_WEEKLY, 1, 0),
    "LAST_BIWEEK": (P.BI_WEEKLY, 1, 1),
    "LAST_4_BIWEEKS": (P.BI_WEEKLY, 4, 1),
    "THIS_MONTH": (P.MONTHLY, 1, 0),
    "LAST_MONTH": (P.MONTHLY, 1, 1),
    **{f"LAST_{n}_MONTHS": (P.MONTHLY, n, 1) for n in (3, 6, 12)},
    "THIS_BIMONTH": (P.BI_MONTHLY, 1, 0),
    "LAST_BIMONTH": (P.BI_MONTHLY, 1, 1),
    "LAST_6_BIMONTHS": (P.BI_MONTHLY, 6, 1),
    "THIS_QUARTER": (P.QUARTERLY, 1, 0),
    "LAST_QUARTER": (P.QUARTERLY, 1, 1),
    "LAST_4_QUARTERS": (P.QUARTERLY, 4, 1),
    "THIS_SIX_MONTH": (P.HALF_YEARLY, 1, 0),
    "LAST_SIX_MONTH": (P.HALF_YEARLY, 1, 1),
    "LAST_2_SIXMONTHS": (P.HALF_YEARLY, 2, 1),
    "THIS_FINANCIAL_YEAR": (P.FINANCIAL_OCT, 1, 0),
    "LAST_FINANCIAL_YEAR": (P.FINANCIAL_OCT, 1, 1),
    "LAST_5_FINANCIAL_YEARS": (P.FINANCIAL_OCT, 5, 1),
    "LAST_10_FINANCIAL_YEARS": (P.FINANCIAL_OCT, 10, 1),
    "THIS_YEAR": (P.YEARLY, 1, 0),
    "LAST_YEAR": (P.YEARLY, 1, 1),
    "LAST_5_YEARS": (P.YEARLY, 5, 1),
    "LAST_10_YEARS": (P.YEARLY, 10, 1),
}
# ``WEEKS_THIS_YEAR``, ``MONTHS_LAST_YEAR``...: every period of a type in this (or last) year.
_IN_YEAR = re.compile(r"^(WEEKS|BIWEEKS|MONTHS|BIMONTHS|QUARTERS)_(THIS|LAST)_YEAR$")
_LEVEL = re.compile(r"^LEVEL-(\d{1,2})$")


def relative_periods(name: str, today: dt.date) -> list[P.Period]:
    if m := _IN_YEAR.match(name):
        year = P.for_date(P.YEARLY, today)
        if m[2] == "LAST":
            year = year.previous()
        return [p for p in P.between(_TYPE_WORDS[m[1]], year.start, year.end) if year.holds(p)]
    kind, count, back = RELATIVE_PERIODS[name]
    last = P.for_date(kind, today)
    for _i in range(back):
        last = last.previous()
    out = [last]
    while len(out) < count:
        out.insert(0, out[0].previous())
    return out


def _periods(items: Sequence[str], today: dt.date) -> list[P.Period]:
    out: list[P.Period] = []
    for item in items:
        if item in RELATIVE_PERIODS or _IN_YEAR.match(item):
            out.extend(relative_periods(item, today))
        else:
            out.append(read_period(item, field="pe"))
    return list(dict.fromkeys(out))


def _units(items: Sequence[str], for_user: Any) -> list[Unit]:
    boundary: list[Unit] = []
    levels: list[int] = []
    tops = permissions.top_units(for_user, "view")
    for item in items:
        if item == "USER_ORGUNIT":
            boundary.extend(tops)
        elif item in ("USER_ORGUNIT_CHILDREN", "USER_ORGUNIT_GRANDCHILDREN"):
            depth = 1 if item == "USER_ORGUNIT_CHILDREN" else 2
            for top in tops:
                boundary.extend(top.get_descendants().filter(depth=top.depth + depth).order_by("path"))
        elif m := _LEVEL.match(item):
            levels.append(int(m[1]))
        elif item.startswith(("OU_GROUP-", "LEVEL-")):
            raise ValidationError(
                _("%(item)s is not supported here (units, USER_ORGUNIT, USER_ORGUNIT_CHILDREN, LEVEL-n).")
                % {"item": item},
                fields={"ou": item},
            )
        else:
            boundary.append(unit_selectors.unit_get(code=item, for_user=for_user))
    if levels:
        under = boundary or tops
        boundary = [
            u
            for top in under
            for u in unit_selectors.unit_list(for_user=for_user, under=top).filter(depth__in=levels)
        ]
    return list(dict.fromkeys(boundary))


def _split(spec: str) -> tuple[str, list[str]]:
    name, _sep, rest = spec.partition(":")
    items = [x.strip() for x in rest.split(";") if x.strip()]
    if name not in ("dx", "ou", "pe") or not items:
        raise ValidationError(
            _("%(spec)s: a dimension is dx:, ou: or pe: followed by items separated by ;.")
            % {"spec": spec[:80]},
            fields={"dimension": spec[:80]},
        )
    return name, items


def _number(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(round(v, 6))


def analytics(
    *, for_user: Any, dimensions: Sequence[str], filters: Sequence[str] = (), today: dt.date | None = None
) -> dict[str, Any]:
    today = today or timezone.localdate()
    asked: dict[str, list[str]] = {}
    as_filter: set[str] = set()
    for spec, is_filter in [*((d, False) for d in dimensions), *((f, True) for f in filters)]:
        name, items = _split(spec)
        if name in asked:
            raise ValidationError(_("%(dim)s is given twice.") % {"dim": name}, fields={name: spec[:80]})
        asked[name] = items
        if is_filter:
            as_filter.add(name)
    missing = [d for d in ("dx", "ou", "pe") if d not in asked]
    if missing:
        raise ValidationError(
            _("Give dx, ou and pe as dimension or filter (missing: %(list)s).")
            % {"list": ", ".join(missing)},
            fields={m: _("Required.") for m in missing},
        )
    indicators = selectors.indicators_by_codes(asked["dx"])
    units = _units(asked["ou"], for_user)
    periods = _periods(asked["pe"], today)
    if "pe" in as_filter and len(periods) > 1:
        periods = [P.Period(min(p.start for p in periods), max(p.end for p in periods), P.CUSTOM, "filter")]
    cells: dict[tuple[str, str, str], float] = {}
    for unit in units:
        for (code, pid), v in selectors.aggregate(indicators=indicators, unit=unit, periods=periods).items():
            if v is None:
                continue
            key = (
                "" if "dx" in as_filter else code,
                "" if "ou" in as_filter else unit.code,
                "" if "pe" in as_filter else pid,
            )
            cells[key] = cells.get(key, 0.0) + v
    shown = [d for d in ("dx", "ou", "pe") if d not in as_filter]
    rows = []
    for (dx, ou, pe), v in sorted(cells.items()):
        row = [x for d, x in (("dx", dx), ("ou", ou), ("pe", pe)) if d in shown]
        rows.append([*row, _number(v)])
    columns = {"dx": _("Data"), "ou": _("Organisation unit"), "pe": _("Period")}
    headers = [
        {
            "name": d,
            "column": columns[d],
            "valueType": "TEXT",
            "type": "java.lang.String",
            "hidden": False,
            "meta": True,
        }
        for d in shown
    ]
    headers.append(
        {
            "name": "value",
            "column": _("Value"),
            "valueType": "NUMBER",
            "type": "java.lang.Double",
            "hidden": False,
            "meta": False,
        }
    )
    meta_items: dict[str, dict[str, str]] = {i.code: {"name": i.name} for i in indicators}
    meta_items.update({u.code: {"name": u.name} for u in units})
    meta_items.update({p.id: {"name": p.label()} for p in periods if p.id != "filter"})
    meta_items.update({d: {"name": str(columns[d])} for d in ("dx", "ou", "pe")})
    return {
        "headers": headers,
        "metaData": {
            "items": meta_items,
            "dimensions": {
                "dx": [i.code for i in indicators],
                "ou": [u.code for u in units],
                "pe": [p.id for p in periods if p.id != "filter"],
                "co": [],
            },
        },
        "rows": rows,
        "height": len(rows),
        "width": len(headers),
        "headerWidth": len(headers),
    }
