"""Chart specifications of the roll-up page, drawn by ``static/reporting/reporting.js`` with plotly.

Designed to be read, not admired: for units × periods, one ranked bar per unit for the latest period with
figures (the top ``TOP_N``, the rest grouped into one bar when the indicator adds up over units, or left to
the table otherwise) beside a line of the subtree's total over the periods; for indicators × periods, small
multiples (one small line per indicator, each on its own scale and unit). Axis titles carry the unit of
measure; a period still running is marked as such (its figures are partial, not a collapse).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ketnoi.lib import periods as P

TOP_N = 12
BAR_HEIGHT = 26  # px per ranked bar: labels never overlap, the chart grows with what it shows


def partial_flags(periods: Sequence[P.Period], today: dt.date | None = None) -> list[bool]:
    """Which periods are still running (their figures cover only part of the period)."""
    today = today or timezone.localdate()
    return [p.start <= today <= p.end for p in periods]


def _axis_title(unit_of_measure: str) -> str:
    return unit_of_measure or _("Value")


def ranked_units(
    *,
    title: str,
    unit_of_measure: str,
    additive: bool,
    rows: Sequence[tuple[str, Sequence[float | None]]],
    total: Sequence[float | None],
    periods: Sequence[P.Period],
    decimals: int,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Units ranked on the latest period that has figures, plus the total's trend over the periods."""
    labels = [p.label() for p in periods]
    partial = partial_flags(periods, today)
    with_data = [i for i in range(len(periods)) if any(r[1][i] is not None for r in rows)]
    column = with_data[-1] if with_data else len(periods) - 1
    ranked = sorted(
        ((name, values[column]) for name, values in rows if values[column] is not None),
        key=lambda item: item[1] or 0,
        reverse=True,
    )
    shown, rest = ranked[:TOP_N], ranked[TOP_N:]
    bars = [{"name": name, "value": value} for name, value in shown]
    note = ""
    if rest and additive:
        bars.append(
            {
                "name": _("Other %(n)s units") % {"n": len(rest)},
                "value": sum(v or 0 for _n, v in rest),
                "rest": True,
            }
        )
    elif rest:
        note = _("The %(n)s highest of %(all)s units; every unit is in the table.") % {
            "n": len(shown),
            "all": len(ranked),
        }
    period_label = labels[column] if labels else ""
    if partial and partial[column]:
        period_label = _("%(period)s (running, partial figures)") % {"period": period_label}
    return {
        "kind": "ranked",
        "title": title,
        "axis": _axis_title(unit_of_measure),
        "decimals": decimals,
        "period": period_label,
        "bars": bars,
        "note": note,
        "height": 80 + BAR_HEIGHT * max(len(bars), 3),
        "trend": {
            "title": _("Total over the periods"),
            "x": labels,
            "y": list(total),
            "partial": partial,
            "partial_label": _("running period: partial figures"),
        },
    }


def small_multiples(
    *,
    title: str,
    series: Sequence[tuple[str, str, Sequence[float | None], int]],
    periods: Sequence[P.Period],
    today: dt.date | None = None,
) -> dict[str, Any]:
    """One small line chart per indicator (name, unit of measure, values, decimals), each on its own scale."""
    return {
        "kind": "multiples",
        "title": title,
        "x": [p.label() for p in periods],
        "partial": partial_flags(periods, today),
        "partial_label": _("running period: partial figures"),
        "panels": [
            {"name": name, "axis": _axis_title(unit), "y": list(values), "decimals": decimals}
            for name, unit, values, decimals in series
        ],
    }
