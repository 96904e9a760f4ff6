"""Read-only helpers the reporting pages need on top of the engine's selectors.

Everything here is pure read logic scoped by ``core.permissions``; writes go through ``services``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from ketnoi.core import permissions
from ketnoi.lib import periods as P
from ketnoi.reporting import selectors
from ketnoi.reporting.models import DataValue, ReminderLog, ReportForm
from ketnoi.reporting.periods import form_periods
from ketnoi.units.models import Unit
from ketnoi.units.selectors import existing_q

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


def period_choices(form: ReportForm, around: P.Period, *, count: int = 13) -> list[P.Period]:
    """Periods to pick from, newest first: the running one and those before it, ``around`` included."""
    out = form_periods(form, count=count)
    if around not in out:
        out.append(around)
    return sorted(set(out), reverse=True)


def summary_units(user: Actor, verb: str = "view") -> list[Unit]:
    """Units worth choosing as the root of a completeness or roll-up view: the person's top units and
    every unit under them that has units of its own."""
    tops = permissions.top_units(user, verb)
    q = Q(pk__in=[u.pk for u in tops])
    for top in tops:
        q |= Q(path__startswith=top.path, numchild__gt=0)
    return list(Unit.objects.filter(q).filter(existing_q()).order_by("path")[:500])


def default_root(user: Actor, form: ReportForm | None = None) -> Unit | None:
    """The unit a person's views start from: the form's owner if they see it, else their highest unit."""
    if form is not None and permissions.can(user, "view", form.owner):
        return form.owner
    tops = permissions.top_units(user, "view")
    return tops[0] if tops else None


def value_history(
    *, form: ReportForm, unit: Unit, period: P.Period, key: str, for_user: Actor
) -> tuple[selectors.EntryField | None, list[Any]]:
    """The audit rows of one field (newest first): who changed it, when, from what to what, and why."""
    sheet = selectors.entry_sheet(form=form, unit=unit, period=period.id, for_user=for_user)
    row = next((f for f in sheet.fields if f.key == key), None)
    if row is None:
        return None, []
    records = list(
        DataValue.history.filter(
            unit_id=unit.pk,
            period=period.id,
            indicator_id=row.indicator.pk,
            option_id=row.option.pk if row.option else None,
        )
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:200]
    )
    return row, records


def last_reminders(form: ReportForm, period: P.Period, unit_ids: list[int]) -> dict[int, ReminderLog]:
    out: dict[int, ReminderLog] = {}
    for log in ReminderLog.objects.filter(report_form=form, period=period.id, unit_id__in=unit_ids).order_by(
        "sent_at", "pk"
    ):
        out[log.unit_id] = log
    return out


def units_by_periods(
    *, for_user: Actor, unit: Unit, codes: list[str], periods: list[P.Period]
) -> tuple[list[Unit], dict[tuple[int, str, str], float | None]]:
    """Rows for the units-by-periods pivots of several indicators at once: the unit's children (today's
    tree, dissolved ones included so their past figures show) then the unit itself, each read with one
    call of the engine's ``aggregate`` for every indicator (instead of one call per indicator)."""
    from ketnoi.core.exceptions import PermissionDenied
    from ketnoi.units import selectors as unit_selectors

    if not permissions.can(for_user, "view", unit):
        raise PermissionDenied()
    indicators = selectors.indicators_by_codes(codes)
    rows = [*unit_selectors.unit_children(unit, include_dissolved=True), unit]
    values: dict[tuple[int, str, str], float | None] = {}
    for row in rows:
        for (code, pid), value in selectors.aggregate(
            indicators=indicators, unit=row, periods=periods
        ).items():
            values[(row.pk, code, pid)] = value
    return rows, values
