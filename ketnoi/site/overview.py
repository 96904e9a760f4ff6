"""The overview a person lands on: one glance at each capability for the top of their scope.

This is the composition root of the home page: it reads each app's own selectors and never
builds scoping or aggregation logic of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from ketnoi.directives.selectors import due_soon_tasks, overdue_tasks
from ketnoi.pages.dashboards import failing_page_ids, series
from ketnoi.pages.selectors import page_list
from ketnoi.reporting.periods import current_period
from ketnoi.reporting.selectors import completeness, form_list
from ketnoi.units.models import Unit
from ketnoi.units.selectors import Trees, subtree_ids_as_of


@dataclass
class PagesGlance:
    total: int
    verified: int
    failing: int | None
    audience: int | None
    audience_month: dt.date | None


@dataclass
class FormGlance:
    code: str
    name: str
    period_id: str
    period_label: str
    expected: int
    on_time: int
    late: int
    missing: int


@dataclass
class Overview:
    unit: Unit
    pages: PagesGlance | None
    name: str = ""  # the unit's name on the day shown
    day: dt.date | None = None  # None: today
    forms: list[FormGlance] = field(default_factory=list)
    overdue: int = 0
    due_soon: int = 0
    overdue_tasks: list[Any] = field(default_factory=list)


def _pages(unit: Unit, user: Any, today: dt.date, day: dt.date, trees: Trees) -> PagesGlance:
    if day < today:  # the pages of the unit's subtree on that day (a district's before 01/07/2025)
        pages = page_list(for_user=user).filter(unit_id__in=subtree_ids_as_of(unit, day, trees(day)))
        failing = None  # a checklist is today's state only
    else:
        pages = page_list(for_user=user, under=unit)
        failing = len(failing_page_ids(unit, today))
    months = [m for m in series(unit) if m["month"] <= day]
    last = months[-1] if months else None
    return PagesGlance(
        total=pages.count(),
        verified=pages.filter(status="verified").count(),
        failing=failing,
        audience=last["audience"] if last else None,
        audience_month=last["month"] if last else None,
    )


def _forms(
    unit: Unit, user: Any, today: dt.date, day: dt.date, trees: Trees, limit: int = 3
) -> list[FormGlance]:
    out = []
    for form in form_list(for_user=user)[:limit]:
        period = current_period(form, day)
        state = completeness(
            form=form, unit=unit, period=period.id, for_user=user, today=today, tree=trees(period.end)
        )
        out.append(
            FormGlance(
                code=form.code,
                name=form.name,
                period_id=period.id,
                period_label=period.label(),
                expected=len(state.expected),
                on_time=len(state.on_time),
                late=len(state.late),
                missing=len(state.missing),
            )
        )
    return out


def overview_for(*, user: Any, unit: Unit, day: dt.date | None = None) -> Overview:
    """The glance for ``unit`` today, or as of ``day``: its name, page figures and report periods of that
    date (the list of overdue tasks is today's only)."""
    today = timezone.localdate()
    shown = day or today
    trees = Trees()  # the tree of each day read once for the whole glance
    if day is not None:
        node = trees(day).get(unit.pk)
        return Overview(
            unit=unit,
            name=node.name if node else unit.name,
            day=day,
            pages=_pages(unit, user, today, shown, trees),
            forms=_forms(unit, user, today, shown, trees),
        )
    late = overdue_tasks(for_user=user)
    return Overview(
        unit=unit,
        name=unit.name,
        pages=_pages(unit, user, today, shown, trees),
        forms=_forms(unit, user, today, shown, trees),
        overdue=late.count(),  # counted, not the length of a list cut at some limit
        due_soon=due_soon_tasks(for_user=user).count(),
        overdue_tasks=list(late[:5]),
    )


@dataclass
class Waiting:
    """What waits for the person's decision: reports to approve, stories to review, pages to verify."""

    reports: list[Any] = field(default_factory=list)
    stories: list[Any] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)
    limit: int = 10

    @property
    def any(self) -> bool:
        return bool(self.reports or self.stories or self.pages)


def waiting_for(user: Any, limit: int = 10) -> Waiting:
    """The approver's "waiting for you" list, oldest first, from each app's own selectors and rules."""
    from ketnoi.core import permissions
    from ketnoi.pages.services import may_verify
    from ketnoi.publishing.models import StoryStatus
    from ketnoi.publishing.selectors import story_list
    from ketnoi.reporting.selectors import approvals_pending

    if not permissions.can_any(user, "approve"):
        return Waiting(limit=limit)
    reports = list(approvals_pending(for_user=user)[:limit])
    stories = [
        s
        for s in story_list(for_user=user, status=StoryStatus.IN_REVIEW).order_by("updated_at")[: limit * 3]
        if permissions.can(user, "approve", s.unit)
    ][:limit]
    pages = [
        p
        for p in page_list(for_user=user, status="registered").order_by("created_at")[: limit * 3]
        if may_verify(user, p)
    ][:limit]
    return Waiting(reports=reports, stories=stories, pages=pages, limit=limit)
