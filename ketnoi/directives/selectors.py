"""Reads of the register, always scoped to what the person may see.

A document is visible to whoever may see the unit that registered it, one of its recipients or the
lead unit of one of its tasks. A task is visible to whoever may see its lead unit, the unit that
assigned it or one of its coordinating units.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from ketnoi.core import permissions
from ketnoi.core.exceptions import NotFound, PermissionDenied
from ketnoi.directives.models import (
    Document,
    DocumentFile,
    DocumentLink,
    LinkKind,
    ProgressUpdate,
    Task,
    TaskStatus,
)
from ketnoi.lib.vn_text import fold
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

DUE_SOON_DAYS = 7
HEAVY = ("body", "search_folded")  # a document's full text: never loaded for lists


def _unit_ids(user: Actor) -> list[int] | None:
    """Ids of the units the user may view, or None when that is every unit (no filter needed).

    Units are few (a province has hundreds), so filtering on ids is cheaper than joining on paths."""
    if permissions.is_system_admin(user):
        return None
    scoped = Unit.objects.filter(permissions.scope_q(user, "view"))
    ids = list(scoped.values_list("pk", flat=True))
    if len(ids) == Unit.objects.count():
        return None
    return ids


def _document_scope(user: Actor) -> Q:
    ids = _unit_ids(user)
    if ids is None:
        return Q()
    received = Document.recipients.through.objects.filter(unit_id__in=ids).values("document_id")
    tasked = Task.objects.filter(lead_unit_id__in=ids).values("document_id")
    return Q(unit_id__in=ids) | Q(pk__in=received) | Q(pk__in=tasked)


def _task_scope(user: Actor) -> Q:
    ids = _unit_ids(user)
    if ids is None:
        return Q()
    coordinating = Task.coordinating_units.through.objects.filter(unit_id__in=ids).values("task_id")
    return Q(lead_unit_id__in=ids) | Q(assigned_by_id__in=ids) | Q(pk__in=coordinating)


def _words(q: str) -> list[str]:
    return re.findall(r"\w+", fold(q))[:12]


def _match(qs: QuerySet[Any], q: str) -> QuerySet[Any]:
    """Every word of the query, with or without diacritics, starts a word of the folded text."""
    for word in _words(q):
        qs = qs.filter(search_folded__contains=f" {word}")
    return qs


def document_list(
    *, for_user: Actor, q: str = "", kind: str = "", unit: Unit | None = None, year: int | None = None
) -> QuerySet[Document]:
    qs = Document.objects.filter(_document_scope(for_user)).select_related("unit").defer(*HEAVY)
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if year:
        qs = qs.filter(issued_on__year=year)
    if q:
        qs = _match(qs, q)
    return qs.order_by("-issued_on", "-id")


def document_get(*, pk: int, for_user: Actor) -> Document:
    document = Document.objects.select_related("unit", "created_by").filter(pk=pk).first()
    if document is None:
        raise NotFound()
    if not Document.objects.filter(_document_scope(for_user), pk=pk).exists():
        raise PermissionDenied()
    return document


def task_list(
    *,
    for_user: Actor,
    document: Document | None = None,
    unit: Unit | None = None,
    status: str = "",
    q: str = "",
    top_only: bool = False,
    due_before: dt.date | None = None,
    due_after: dt.date | None = None,
) -> QuerySet[Task]:
    """Tasks the user may see. ``status`` is a stored status or "overdue" (computed: deadline passed, not done)."""  # noqa: E501
    today = timezone.localdate()
    qs = (
        Task.objects.filter(_task_scope(for_user))
        .select_related("lead_unit", "assigned_by", "document")
        .defer("search_folded", *(f"document__{f}" for f in HEAVY))
    )
    if document is not None:
        qs = qs.filter(document=document)
    if unit is not None:
        qs = qs.filter(lead_unit__path__startswith=unit.path)
    if status == "overdue":
        qs = qs.exclude(status=TaskStatus.DONE).filter(due_date__lt=today)
    elif status == "open":
        qs = qs.exclude(status=TaskStatus.DONE)
    elif status:
        qs = qs.filter(status=status)
    if top_only:
        qs = qs.filter(parent__isnull=True)
    if due_before is not None:
        qs = qs.filter(due_date__lte=due_before)
    if due_after is not None:
        qs = qs.filter(due_date__gte=due_after)
    if q:
        qs = _match(qs, q)
    return qs.order_by("document_id", "id")


def task_get(*, pk: int, for_user: Actor) -> Task:
    task = Task.objects.select_related("lead_unit", "assigned_by", "document", "parent").filter(pk=pk).first()
    if task is None:
        raise NotFound()
    if not Task.objects.filter(_task_scope(for_user), pk=pk).exists():
        raise PermissionDenied()
    return task


def document_file_get(*, pk: int, for_user: Actor) -> DocumentFile:
    """An attached file, as the person may see it: through its document's scope."""
    attached = DocumentFile.objects.filter(pk=pk).first()
    if attached is None:
        raise NotFound()
    document_get(pk=attached.document_id, for_user=for_user)
    return attached


def evidence_get(*, pk: int, for_user: Actor) -> ProgressUpdate:
    """A progress report with its evidence file, as the person may see it: through its task's scope."""
    update = ProgressUpdate.objects.filter(pk=pk).first()
    if update is None or not update.file:
        raise NotFound()
    task_get(pk=update.task_id, for_user=for_user)
    return update


def overdue_tasks(*, for_user: Actor) -> QuerySet[Task]:
    """Every task the person may see that is past its deadline and not done, the oldest deadline first:
    count it, page it or slice it (a province can have more than any fixed limit)."""
    return task_list(for_user=for_user, status="overdue").order_by("due_date", "id")


def due_soon_tasks(*, for_user: Actor, days: int = DUE_SOON_DAYS) -> QuerySet[Task]:
    """Open tasks due from today to ``days`` ahead, the nearest first."""
    today = timezone.localdate()
    return task_list(
        for_user=for_user, status="open", due_after=today, due_before=today + dt.timedelta(days=days)
    ).order_by("due_date", "id")


def overdue(*, for_user: Actor, limit: int = 200) -> list[Task]:
    return list(overdue_tasks(for_user=for_user)[:limit])


def due_soon(*, for_user: Actor, days: int = DUE_SOON_DAYS, limit: int = 200) -> list[Task]:
    return list(due_soon_tasks(for_user=for_user, days=days)[:limit])


def reminders_for(*, user: Actor, days: int = DUE_SOON_DAYS) -> list[Task]:
    """In-app reminders: open tasks the person must report on (edit on the lead unit), overdue or near."""
    today = timezone.localdate()
    qs = (
        Task.objects.filter(permissions.scope_q(user, "edit", "lead_unit"))
        .exclude(status=TaskStatus.DONE)
        .filter(due_date__lte=today + dt.timedelta(days=days))
        .select_related("lead_unit", "document")
        .order_by("due_date", "id")
    )
    return list(qs[:50])


@dataclass
class UnitProgress:
    unit: Unit
    total: int
    done: int
    overdue: int
    progress: int  # mean of the tasks' roll-up (the lower units' figure where a task was cascaded)
    own: int  # mean of the unit's own progress on its tasks


def progress_by_unit(*, tasks: list[Task]) -> list[UnitProgress]:
    """Per lead unit: tasks, done, overdue, mean own progress and mean roll-up progress."""
    today = timezone.localdate()
    groups: dict[int, list[Task]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for task in tasks:
        groups[task.lead_unit_id].append(task)
        units[task.lead_unit_id] = task.lead_unit
    rows = [
        UnitProgress(
            unit=units[uid],
            total=len(ts),
            done=sum(1 for t in ts if t.status == TaskStatus.DONE),
            overdue=sum(1 for t in ts if t.is_overdue_on(today)),
            progress=round(sum(t.rollup for t in ts) / len(ts)),
            own=round(sum(t.progress for t in ts) / len(ts)),
        )
        for uid, ts in groups.items()
    ]
    return sorted(rows, key=lambda r: r.unit.path)


def progress_rows(qs: QuerySet[Task]) -> list[UnitProgress]:
    """Per lead unit, computed by the database: tasks, done, overdue and mean roll-up progress."""
    today = timezone.localdate()
    not_done = ~Q(status=TaskStatus.DONE)
    rows = list(
        qs.order_by()
        .values("lead_unit_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("id", filter=not_done & Q(due_date__lt=today)),
            mean=Avg("rollup"),
            own=Avg("progress"),
        )
    )
    units = Unit.objects.in_bulk([r["lead_unit_id"] for r in rows])
    out = [
        UnitProgress(
            unit=units[r["lead_unit_id"]],
            total=r["total"],
            done=r["done"],
            overdue=r["overdue"],
            progress=round(r["mean"] or 0),
            own=round(r["own"] or 0),
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: r.unit.path)


def document_progress(tasks: list[Task]) -> int:
    top = [t for t in tasks if t.parent_id is None]
    return round(sum(t.rollup for t in top) / len(top)) if top else 0


def task_tree(tasks: list[Task]) -> list[tuple[Task, int]]:
    """Tasks in tree order with their depth (cascaded tasks under the task they came from)."""
    children: dict[int | None, list[Task]] = defaultdict(list)
    ids = {t.pk for t in tasks}
    for t in tasks:
        children[t.parent_id if t.parent_id in ids else None].append(t)
    out: list[tuple[Task, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for t in children.get(parent, []):
            out.append((t, depth))
            walk(t.pk, depth + 1)

    walk(None, 0)
    return out


def document_chain(document: Document, *, for_user: Actor) -> dict[str, list[tuple[Document, str]]]:
    """What the document carries out, upwards to the top, and what carries it out, downwards;
    plus documents it cites or replaces. Only documents the user may see."""
    visible = Document.objects.filter(_document_scope(for_user))
    up: list[tuple[Document, str]] = []
    seen = {document.pk}
    current = document
    while True:
        link = (
            DocumentLink.objects.filter(source=current, kind=LinkKind.IMPLEMENTS, target__in=visible)
            .select_related("target")
            .first()
        )
        if link is None or link.target_id in seen:
            break
        up.append((link.target, link.kind))
        seen.add(link.target_id)
        current = link.target
    down: list[tuple[Document, str]] = []
    frontier = [document.pk]
    while frontier:
        links = list(
            DocumentLink.objects.filter(target_id__in=frontier, kind=LinkKind.IMPLEMENTS, source__in=visible)
            .select_related("source")
            .order_by("source__issued_on")
        )
        frontier = []
        for link in links:
            if link.source_id not in seen:
                seen.add(link.source_id)
                down.append((link.source, link.kind))
                frontier.append(link.source_id)
    other = [
        (link.target, link.get_kind_display())
        for link in DocumentLink.objects.filter(source=document, target__in=visible)
        .exclude(kind=LinkKind.IMPLEMENTS)
        .select_related("target")
    ]
    cited_by = [
        (link.source, link.get_kind_display())
        for link in DocumentLink.objects.filter(target=document, source__in=visible)
        .exclude(kind=LinkKind.IMPLEMENTS)
        .select_related("source")
    ]
    return {"up": list(reversed(up)), "down": down, "other": other, "cited_by": cited_by}


def search(*, for_user: Actor, q: str, limit: int = 30) -> dict[str, list[Any]]:
    """Documents and tasks matching every word of ``q``, with or without diacritics.

    Documents whose kind, number or title hold the whole phrase come first."""
    if not _words(q):
        return {"documents": [], "tasks": []}
    documents = list(document_list(for_user=for_user, q=q)[: limit * 3])
    phrase = fold(q)

    def rank(d: Document) -> tuple[int, int]:
        head = fold(f"{d.kind_word} {d.number} {d.title}")
        hits = sum(1 for w in _words(q) if w in head)
        return (0 if phrase in head else 1, -hits)

    documents.sort(key=rank)
    tasks = list(task_list(for_user=for_user, q=q).filter(parent__isnull=True)[:limit])
    return {"documents": documents[:limit], "tasks": tasks}


@dataclass
class Deadline:
    """One task of a document falling due on a day, for all the units that received it."""

    task: Task  # the first one, to link to when there is only one
    count: int
    overdue: int
    done: int


def calendar_month(*, for_user: Actor, year: int, month: int) -> list[list[tuple[dt.date, list[Deadline]]]]:
    """Weeks (Monday first) of the month, each day with the deadlines that fall on it, the units
    that received one task of a document counted together."""
    today = timezone.localdate()
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    tasks = task_list(for_user=for_user, due_after=first, due_before=last).order_by(
        "due_date", "document_id", "number", "id"
    )
    by_day: dict[dt.date, dict[tuple[int, str], Deadline]] = defaultdict(dict)
    for task in tasks[:5000]:
        if task.due_date is None:
            continue
        key = (task.document_id, task.number if task.parent_id is None else f"{task.number}#{task.pk}")
        entry = by_day[task.due_date].get(key)
        if entry is None:
            entry = by_day[task.due_date][key] = Deadline(task=task, count=0, overdue=0, done=0)
        entry.count += 1
        entry.overdue += int(task.is_overdue_on(today))
        entry.done += int(task.status == TaskStatus.DONE)
    return [
        [(day, list(by_day[day].values()) if day.month == month and day in by_day else []) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def task_descendants(task: Task, *, for_user: Actor) -> list[tuple[Task, int]]:
    """The tasks cascaded from ``task``, at any depth, in tree order with their depth (1 = directly)."""
    tasks = list(
        task_list(for_user=for_user, document=task.document).filter(
            lead_unit__path__startswith=task.lead_unit.path
        )
    )
    children: dict[int | None, list[Task]] = defaultdict(list)
    for t in tasks:
        children[t.parent_id].append(t)
    out: list[tuple[Task, int]] = []

    def walk(parent: int, depth: int) -> None:
        for t in children.get(parent, []):
            out.append((t, depth))
            walk(t.pk, depth + 1)

    walk(task.pk, 1)
    return out


@dataclass
class TaskGroup:
    """One task of the document's text (its number) with the units that received it."""

    number: str
    text: str
    rows: list[tuple[Task, int]]
    progress: int
    done: int
    overdue: int
    total: int


def task_groups(tasks: list[Task]) -> list[TaskGroup]:
    today = timezone.localdate()
    tree = task_tree(tasks)
    groups: dict[tuple[str, str], list[tuple[Task, int]]] = {}
    current: tuple[str, str] | None = None
    for task, depth in tree:
        if depth == 0:
            current = (task.number, task.text)
            groups.setdefault(current, [])
        if current is not None:
            groups[current].append((task, depth))
    out = []
    for (number, text), rows in groups.items():
        top = [t for t, d in rows if d == 0]
        out.append(
            TaskGroup(
                number=number,
                text=text,
                rows=rows,
                progress=round(sum(t.rollup for t in top) / len(top)) if top else 0,
                done=sum(1 for t in top if t.status == TaskStatus.DONE),
                overdue=sum(1 for t in top if t.is_overdue_on(today)),
                total=len(top),
            )
        )
    return sorted(out, key=lambda g: _number_key(g.number))


def _number_key(number: str) -> tuple[Any, ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[./]", number))
