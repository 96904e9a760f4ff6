"""Every change to the register: documents, links, tasks from confirmed proposals, cascading,
progress with evidence, and the daily reminders."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.core import permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import Conflict, ValidationError
from ketnoi.directives import proposals as reader
from ketnoi.directives import scope
from ketnoi.directives.attachments import (  # Upload and extract_text: callers use them from here
    EVIDENCE_EXTENSIONS,
    check_upload,
)
from ketnoi.directives.attachments import (
    Upload as Upload,
)
from ketnoi.directives.attachments import (
    extract_text as extract_text,
)
from ketnoi.directives.models import (
    KIND_BY_WORD,
    Document,
    DocumentFile,
    DocumentKind,
    DocumentLink,
    LinkKind,
    ProgressUpdate,
    Recurrence,
    ReminderKind,
    Task,
    TaskReminder,
    TaskStatus,
)
from ketnoi.lib import docnumber, weburl
from ketnoi.lib.vn_text import fold, normalise
from ketnoi.units.addressing import addressing_root
from ketnoi.units.models import Unit
from ketnoi.units.selectors import require_exists

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

log = logging.getLogger(__name__)

DUE_SOON_DAYS = 3


# --- The registry seen by the proposal reader ----------------------------------------------------


def registry_for(unit: Unit) -> reader.Registry:
    """The units of ``unit``'s province (active today), for matching body names relative to the unit
    whose subtree ``unit``'s documents address (its committee when it is an advisory body)."""
    unit = addressing_root(unit)
    root_path = unit.path[: Unit.steplen]
    today = timezone.localdate()
    units = Unit.objects.filter(path__startswith=root_path).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=today)
    )
    return reader.registry_from_units(
        units.only("id", "code", "name", "short_name", "aliases", "kind", "level", "path"), unit
    )


def analyse_text(text: str, unit: Unit) -> dict[str, Any]:
    return reader.analyse(text, registry_for(unit))


@permissions.gated
def document_proposals(*, document: Document, by: Actor) -> dict[str, Any]:
    """The tasks proposed from a document's text, for someone who may confirm them (``edit`` on its unit):
    the review screen and the API both ask this, so they give the same answer."""
    permissions.require(by, "edit", document.unit)
    return analyse_text(document.body, document.unit)


# --- Documents -----------------------------------------------------------------------------------


def searchable(text: str) -> str:
    """Folded words separated by single spaces, padded: " chi thi 23 ct tu ... "."""
    words = dict.fromkeys(re.findall(r"\w+", fold(text)))  # each word once, in order of first use
    return " " + " ".join(words) + " "


def _search_text(document: Document) -> str:
    parts = [
        document.number,
        document.kind_word,
        document.title,
        document.summary,
        document.issuing_body,
        document.signer,
        document.body,
        *(f.text for f in document.files.all()),
    ]
    return searchable(" ".join(p for p in parts if p))


def _apply_number(document: Document, number: str) -> None:
    number = number.strip()
    if not number:
        document.number = ""
        document.number_value = None
        document.kind_code = document.issuer_code = ""
        document.number_year = None
        return
    kind_word = document.kind_word
    try:
        parsed = docnumber.parse(number, kind_hint=kind_word)
    except docnumber.DocNumberError as exc:
        raise ValidationError(exc.message, fields={"number": exc.message}) from exc
    document.number = parsed.text
    document.number_value = parsed.number
    document.kind_code = parsed.kind_code
    document.issuer_code = parsed.issuer_code
    document.number_year = parsed.year
    if document.kind == DocumentKind.OTHER:
        document.kind = KIND_BY_WORD.get(parsed.kind, DocumentKind.OTHER)


def _refuse_duplicate(document: Document) -> None:
    if not document.number:
        return
    same = Document.objects.filter(
        number=document.number, unit__path__startswith=document.unit.path[: Unit.steplen]
    )
    if document.issued_on:
        same = same.filter(Q(issued_on__isnull=True) | Q(issued_on__year=document.issued_on.year))
    if document.pk:
        same = same.exclude(pk=document.pk)
    if same.exists():
        raise Conflict(
            _("%(number)s is already in the register.") % {"number": document.number},
            fields={"number": _("Already registered.")},
        )


DOCUMENT_FIELDS = {
    "kind",
    "number",
    "title",
    "summary",
    "issuing_body",
    "issued_on",
    "signer",
    "signer_capacity",
    "recipients_text",
    "body",
}


@permissions.gated
@transaction.atomic
def document_create(
    *,
    unit: Unit,
    by: Actor,
    title: str = "",
    kind: str = "",
    number: str = "",
    summary: str = "",
    issuing_body: str = "",
    issued_on: dt.date | None = None,
    signer: str = "",
    signer_capacity: str = "",
    body: str = "",
    recipients: Iterable[Unit] = (),
    recipients_text: str = "",
    files: Sequence[Upload] = (),
    read_heading: bool = True,
) -> Document:
    """Register a document. Blank fields are read from its text (typed or from the attached files)
    when ``read_heading``: kind, number, date, issuing body, signer and recipients."""
    permissions.require(by, "edit", unit)
    require_exists(unit, issued_on)
    texts = [(upload, extract_text(upload.name, upload.data)) for upload in files]
    full_text = body or "\n\n".join(t for _u, t in texts)
    recipient_units = list(recipients)
    if read_heading and full_text:
        head = reader.read_heading(full_text)
        kind = kind or KIND_BY_WORD.get(head.kind, "")
        number = number or head.number
        title = title or head.title
        issuing_body = issuing_body or head.issuing_body
        issued_on = issued_on or head.issued_on
        signer = signer or head.signer
        signer_capacity = signer_capacity or head.signer_capacity
        if not recipient_units and not recipients_text and head.recipients:
            matched, unmatched = reader.recipients_to_units(head.recipients, registry_for(unit))
            ids = [u.id for u in matched]
            recipient_units = list(Unit.objects.filter(pk__in=ids))
            recipients_text = "\n".join(unmatched)
    if kind and kind not in DocumentKind.values:
        raise ValidationError(
            _("Unknown kind of document: %(kind)s") % {"kind": kind}, fields={"kind": _("Unknown.")}
        )
    title = normalise(title)
    if not title:
        raise ValidationError(_("A document needs a title (trích yếu)."), fields={"title": _("Required.")})
    document = Document(
        unit=unit,
        kind=kind or DocumentKind.OTHER,
        title=title[:500],
        summary=summary.strip(),
        issuing_body=normalise(issuing_body)[:255],
        issued_on=issued_on,
        signer=normalise(signer)[:150],
        signer_capacity=normalise(signer_capacity)[:150],
        recipients_text=recipients_text.strip(),
        body=full_text,
        created_by=permissions.person(by),
    )
    _apply_number(document, number)
    _refuse_duplicate(document)
    stamp(document, by, gettext_noop("Registered"))
    document.save()
    document.recipients.set(recipient_units)
    for upload, text in texts:
        DocumentFile.objects.create(
            document=document,
            file=ContentFile(upload.data, name=upload.name),
            name=upload.name,
            size=len(upload.data),
            text=text,
        )
    document.search_folded = _search_text(document)
    document.save(update_fields=["search_folded"])
    return document


@permissions.gated
@transaction.atomic
def document_update(
    *, document: Document, by: Actor, recipients: Iterable[Unit] | None = None, **fields: Any
) -> Document:
    permissions.require(by, "edit", document.unit)
    unknown = set(fields) - DOCUMENT_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    number = fields.pop("number", None)
    for key, value in fields.items():
        setattr(document, key, value.strip() if isinstance(value, str) else value)
    if number is not None:
        _apply_number(document, number)
    if not document.title:
        raise ValidationError(_("A document needs a title (trích yếu)."), fields={"title": _("Required.")})
    _refuse_duplicate(document)
    if recipients is not None:
        document.recipients.set(list(recipients))
    document.search_folded = _search_text(document)
    stamp(document, by, gettext_noop("Details changed"))
    document.save()
    return document


@permissions.gated
@transaction.atomic
def document_attach(*, document: Document, upload: Upload, by: Actor) -> DocumentFile:
    permissions.require(by, "edit", document.unit)
    text = extract_text(upload.name, upload.data)
    attached = DocumentFile.objects.create(
        document=document,
        file=ContentFile(upload.data, name=upload.name),
        name=upload.name,
        size=len(upload.data),
        text=text,
    )
    if not document.body:
        document.body = text
    document.search_folded = _search_text(document)
    document.save(update_fields=["search_folded", "body", "updated_at"])
    return attached


@permissions.gated
@transaction.atomic
def document_link(*, source: Document, target: Document, kind: str, by: Actor) -> DocumentLink:
    permissions.require(by, "edit", source.unit)
    if kind not in LinkKind.values:
        raise ValidationError(_("Unknown kind of link."), fields={"kind": _("Unknown.")})
    if source.pk == target.pk:
        raise ValidationError(
            _("A document cannot be linked to itself."), fields={"target": _("Same document.")}
        )
    if kind == LinkKind.IMPLEMENTS and _implements_chain(target, source.pk):
        raise ValidationError(
            _("This link would make a circle: the other document already carries out this one."),
            fields={"target": _("Circular link.")},
        )
    try:
        with transaction.atomic():
            return DocumentLink.objects.create(source=source, target=target, kind=kind)
    except IntegrityError as exc:
        raise Conflict(_("These documents are already linked this way.")) from exc


def _implements_chain(start: Document, looking_for: int) -> bool:
    seen: set[int] = set()
    frontier = [start.pk]
    while frontier:
        if looking_for in frontier:
            return True
        seen.update(frontier)
        frontier = [
            t
            for t in DocumentLink.objects.filter(
                source_id__in=frontier, kind=LinkKind.IMPLEMENTS
            ).values_list("target_id", flat=True)
            if t not in seen
        ]
    return False


@permissions.gated
@transaction.atomic
def reference_accept(
    *,
    document: Document,
    number: str,
    by: Actor,
    kind: str = LinkKind.CITES,
    kind_word: str = "",
    issued_on: dt.date | None = None,
    issuer: str = "",
) -> DocumentLink:
    """Link ``document`` to the document it cites by number: the registered one, or a new register
    entry for it (number, kind, date and issuer as the text gives them)."""
    permissions.require(by, "edit", document.unit)
    try:
        parsed = docnumber.parse(number, kind_hint=kind_word)
    except docnumber.DocNumberError as exc:
        raise ValidationError(exc.message, fields={"number": exc.message}) from exc
    root = document.unit.path[: Unit.steplen]
    registered = Document.objects.filter(number=parsed.text, unit__path__startswith=root)
    target = registered.order_by("id").first()
    if target is not None:
        # Only a document the caller may see is linked: another unit's document is neither linked nor
        # described (no id, no title). The number itself is the register's key, as on registration.
        from ketnoi.directives.selectors import document_list

        target = registered.filter(pk__in=document_list(for_user=by).values("pk")).order_by("id").first()
        if target is None:
            raise Conflict(
                _("%(number)s is in the register of a unit outside yours, so it cannot be linked from here.")
                % {"number": parsed.text},
                fields={"number": _("Not one of the documents you can see.")},
            )
    if target is None:
        target = document_create(
            unit=document.unit,
            by=by,
            kind=KIND_BY_WORD.get(kind_word or parsed.kind, DocumentKind.OTHER),
            number=parsed.text,
            title=f"{kind_word or parsed.kind} {parsed.text}",
            issuing_body=issuer or parsed.issuer,
            issued_on=issued_on,
            read_heading=False,
        )
    return document_link(source=document, target=target, kind=kind, by=by)


# --- Tasks ---------------------------------------------------------------------------------------


def _task_search_text(task: Task) -> str:
    return searchable(" ".join([task.number, task.text, task.lead_unit.name, task.lead_unit.code]))


def _check_lead(lead: Unit, assigned_by: Unit, *, strictly_below: bool = False) -> None:
    """A document's task goes to a unit its sender may address (an advisory body addresses its
    committee's subtree); a cascaded task goes strictly below the unit that received it."""
    scope = assigned_by if strictly_below else addressing_root(assigned_by)
    inside = lead.path.startswith(scope.path) and (not strictly_below or lead.pk != assigned_by.pk)
    if not inside:
        raise ValidationError(
            _("%(unit)s is not under %(by)s, so it cannot receive this task from it.")
            % {"unit": lead.name, "by": assigned_by.name},
            fields={"lead_unit": _("Outside the assigning unit.")},
        )


def _refuse_out_of_scope(text: str, field_name: str = "text") -> None:
    """The scope rule (``ketnoi.directives.scope``): no task watches or penalises persons."""
    flags = scope.flags_of(text)
    if flags:
        message = scope.refusal_message(flags)
        raise ValidationError(message, fields={field_name: message})


def _check_recurrence(recurrence: str) -> None:
    if recurrence not in Recurrence.values:
        raise ValidationError(
            _("Unknown recurring duty: %(value)s") % {"value": recurrence},
            fields={"recurrence": _("Unknown.")},
        )


@permissions.gated
@transaction.atomic
def task_create(
    *,
    document: Document,
    lead_unit: Unit,
    text: str,
    by: Actor,
    number: str = "",
    assigned_by: Unit | None = None,
    due_date: dt.date | None = None,
    recurrence: str = "",
    coordinating: Iterable[Unit] = (),
    parent: Task | None = None,
) -> Task:
    assigned_by = assigned_by or (parent.lead_unit if parent else document.unit)
    permissions.require(by, "edit", assigned_by)
    _check_lead(lead_unit, assigned_by, strictly_below=parent is not None)
    require_exists(lead_unit, field="lead_unit")
    coordinating = [require_exists(u, field="coordinating") for u in coordinating]
    _check_recurrence(recurrence)
    text = text.strip()
    if not text:
        raise ValidationError(_("A task needs its text."), fields={"text": _("Required.")})
    _refuse_out_of_scope(text)
    if recurrence and due_date is None:
        due_date = next_period_end(timezone.localdate(), recurrence)
    task = Task(
        document=document,
        parent=parent,
        number=number.strip()[:20],
        text=text,
        lead_unit=lead_unit,
        assigned_by=assigned_by,
        due_date=due_date,
        recurrence=recurrence,
        created_by=permissions.person(by),
    )
    task.search_folded = _task_search_text(task)
    stamp(task, by, gettext_noop("Assigned"))
    task.save()
    task.coordinating_units.set([u for u in coordinating if u.pk != lead_unit.pk])
    if parent is not None:
        _roll_up(parent)
    return task


@dataclass
class ConfirmedProposal:
    number: str
    text: str
    units: list[Unit]
    coordinating: list[Unit] = field(default_factory=list)
    due_date: dt.date | None = None
    recurrence: str = ""


@permissions.gated
@transaction.atomic
def tasks_confirm(*, document: Document, proposals: Sequence[ConfirmedProposal], by: Actor) -> list[Task]:
    """Create the tasks the user confirmed: one task for each unit a proposal addresses.

    All or nothing: one bad proposal (no unit, a unit outside the issuer) creates none.
    """
    permissions.require(by, "edit", document.unit)
    created: list[Task] = []
    for index, proposal in enumerate(proposals, start=1):
        if not proposal.units:
            label = proposal.number or str(index)
            raise ValidationError(
                _("Task %(number)s: choose at least one unit to carry it out.") % {"number": label},
                fields={f"tasks.{index}.units": _("Required.")},
            )
        for unit in proposal.units:
            try:
                created.append(
                    task_create(
                        document=document,
                        lead_unit=unit,
                        text=proposal.text,
                        number=proposal.number,
                        by=by,
                        due_date=proposal.due_date,
                        recurrence=proposal.recurrence,
                        coordinating=proposal.coordinating,
                    )
                )
            except ValidationError as exc:
                label = proposal.number or str(index)
                raise ValidationError(
                    _("Task %(number)s: %(error)s") % {"number": label, "error": exc.message},
                    fields={f"tasks.{index}.{k}": v for k, v in exc.fields.items()},
                ) from exc
    return created


TASK_FIELDS = {"text", "number", "due_date", "recurrence", "lead_unit"}


@permissions.gated
@transaction.atomic
def task_update(*, task: Task, by: Actor, coordinating: Iterable[Unit] | None = None, **fields: Any) -> Task:
    """Change what was assigned (text, deadline, lead): the assigning unit's editors."""
    permissions.require(by, "edit", task.assigned_by)
    unknown = set(fields) - TASK_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "recurrence" in fields:
        _check_recurrence(fields["recurrence"])
    if "lead_unit" in fields:
        if fields["lead_unit"].pk != task.lead_unit_id:
            require_exists(fields["lead_unit"], field="lead_unit")
        _check_lead(fields["lead_unit"], task.assigned_by, strictly_below=task.parent_id is not None)
    for key, value in fields.items():
        setattr(task, key, value.strip() if isinstance(value, str) else value)
    if not task.text:
        raise ValidationError(_("A task needs its text."), fields={"text": _("Required.")})
    if "text" in fields:
        _refuse_out_of_scope(task.text)
    task.search_folded = _task_search_text(task)
    stamp(task, by, gettext_noop("Assignment changed"))
    task.save()
    if coordinating is not None:
        task.coordinating_units.set([u for u in coordinating if u.pk != task.lead_unit_id])
    return task


@permissions.gated
@transaction.atomic
def task_report_progress(
    *,
    task: Task,
    by: Actor,
    progress: int | None = None,
    status: str | None = None,
    note: str = "",
    link: str = "",
    file: Upload | None = None,
    period_end: dt.date | None = None,
) -> ProgressUpdate:
    """The lead unit reports on its task, with evidence. For a recurring duty a report for the
    current period moves the deadline to the end of the next period."""
    permissions.require(by, "edit", task.lead_unit)
    if status is not None and status not in TaskStatus.values:
        raise ValidationError(
            _("Unknown status: %(status)s") % {"status": status}, fields={"status": _("Unknown.")}
        )
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationError(
            _("Progress is a percentage from 0 to 100."), fields={"progress": _("From 0 to 100.")}
        )
    link = (
        weburl.require_web_address(link, field="link", label=_("Link to evidence"))
        if (link or "").strip()
        else ""
    )
    if not (note.strip() or link or file or progress is not None or status):
        raise ValidationError(_("Say what was done, or attach evidence."), fields={"note": _("Required.")})
    # Evidence shows a unit's work: a note about persons' posts would turn it into a case file.
    _refuse_out_of_scope(note, "note")
    if status is None:
        status = TaskStatus.DONE if progress == 100 else (TaskStatus.IN_PROGRESS if progress else task.status)
    if progress is None:
        progress = 100 if status == TaskStatus.DONE else max(task.progress, 0)
    if status == TaskStatus.DONE:
        progress = 100
    elif status == TaskStatus.NOT_STARTED and progress > 0:
        raise ValidationError(
            _('A task that is not started cannot be %(p)s%% done: choose "in progress" or report 0%%.')
            % {"p": progress},
            fields={"status": _("Not started means 0%.")},
        )
    elif progress == 100 and task.recurrence:
        progress = task.progress
    today = timezone.localdate()
    if task.recurrence and (period_end or status == TaskStatus.DONE):
        # A periodic report: the duty continues with the next period.
        ended = period_end or task.due_date or today
        task.due_date = next_period_end(ended + dt.timedelta(days=1), task.recurrence)
        status = TaskStatus.IN_PROGRESS
        period_end = ended
    if file is not None:
        check_upload(file, EVIDENCE_EXTENSIONS, kind="evidence")
    update = ProgressUpdate(
        task=task,
        status=status,
        progress=progress,
        note=note.strip(),
        link=link,
        period_end=period_end,
        created_by=permissions.person(by),
    )
    if file is not None:
        update.file.save(file.name, ContentFile(file.data), save=False)
        update.file_name = file.name[:255]
        update.file_size = len(file.data)
    update.save()
    task.status = status
    task.progress = progress
    task.done_on = today if status == TaskStatus.DONE else None
    stamp(task, by, gettext_noop("Progress reported"))
    task.save()
    _roll_up(task)
    return update


@permissions.gated
@transaction.atomic
def task_cascade(
    *,
    task: Task,
    units: Sequence[Unit],
    by: Actor,
    text: str = "",
    due_date: dt.date | None = None,
    recurrence: str | None = None,
) -> list[Task]:
    """The lead unit turns its task into tasks for units of its own subtree."""
    permissions.require(by, "edit", task.lead_unit)
    if not units:
        raise ValidationError(
            _("Choose the units that will carry the task out."), fields={"units": _("Required.")}
        )
    if due_date and task.due_date and due_date > task.due_date:
        raise ValidationError(
            _("The deadline cannot be later than that of the task received (%(date)s).")
            % {"date": task.due_date.strftime("%d/%m/%Y")},
            fields={"due_date": _("Too late.")},
        )
    children = []
    for k, unit in enumerate(units, start=1):
        existing = task.children.filter(lead_unit=unit).first()
        if existing is not None:
            raise Conflict(
                _("%(unit)s already has this task.") % {"unit": unit.name},
                fields={"units": _("Already assigned.")},
            )
        children.append(
            task_create(
                document=task.document,
                parent=task,
                lead_unit=unit,
                text=text or task.text,
                number=f"{task.number}/{k}" if task.number else str(k),
                by=by,
                due_date=due_date or task.due_date,
                recurrence=task.recurrence if recurrence is None else recurrence,
            )
        )
    if task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
        stamp(task, by, gettext_noop("Cascaded to units below"))
        task.save(update_fields=["status", "updated_at"])
    return children


def _roll_up(task: Task) -> None:
    """Recompute the roll-up of ``task`` and of every task it was cascaded from."""
    current: Task | None = task
    while current is not None:
        children = list(current.children.values_list("rollup", "status"))
        lower: int | None = None
        if children:
            rollup = lower = round(sum(r for r, _s in children) / len(children))
            if all(s == TaskStatus.DONE for _r, s in children) and not current.recurrence:
                current.status = TaskStatus.DONE
                current.progress = 100
                current.done_on = current.done_on or timezone.localdate()
                rollup = lower = 100
            elif rollup > 0 and current.status == TaskStatus.NOT_STARTED:
                current.status = TaskStatus.IN_PROGRESS
        else:
            rollup = 100 if current.status == TaskStatus.DONE else current.progress
        current.rollup = rollup
        current.lower_units = lower
        Task.objects.filter(pk=current.pk).update(
            rollup=rollup,
            lower_units=lower,
            status=current.status,
            progress=current.progress,
            done_on=current.done_on,
        )
        current = current.parent


def next_period_end(day: dt.date, recurrence: str) -> dt.date:
    """The last day of the period (month, quarter, half-year, year) that contains ``day``."""
    months = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}.get(recurrence, 0)
    if not months:
        return day
    start_month = ((day.month - 1) // months) * months + 1
    end_month = start_month + months - 1
    year = day.year
    first_next = dt.date(year + (end_month // 12), end_month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


# --- Reminders -----------------------------------------------------------------------------------


def _reminder_recipients(task: Task) -> list[str]:
    """The lead unit's own address and the people responsible for its tasks (``permissions``)."""
    emails = {task.lead_unit.email} if task.lead_unit.email else set()
    emails.update(p.email for p in permissions.responsible_people(task.lead_unit, "edit") if p.email)
    return sorted(emails)


def reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail the lead units of tasks due within three days or overdue; each reminder once per
    task, kind and deadline (claimed by a unique row, so two workers never send it twice)."""
    today = today or timezone.localdate()
    open_tasks = (
        Task.objects.exclude(status=TaskStatus.DONE)
        .filter(due_date__isnull=False)
        .select_related("lead_unit", "document")
    )
    sent = 0
    for kind, tasks in (
        (ReminderKind.OVERDUE, open_tasks.filter(due_date__lt=today)),
        (
            ReminderKind.DUE_SOON,
            open_tasks.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS)),
        ),
    ):
        for task in tasks.iterator():
            if task.due_date is None:
                continue
            try:
                with transaction.atomic():
                    reminder = TaskReminder.objects.create(task=task, kind=kind, due_date=task.due_date)
            except IntegrityError:
                continue
            recipients = _reminder_recipients(task)
            if recipients:
                send_mail(
                    _reminder_subject(task, kind),
                    _reminder_body(task, kind),
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                    fail_silently=False,
                )
                sent += 1
            TaskReminder.objects.filter(pk=reminder.pk).update(
                sent_at=timezone.now(), recipients="\n".join(recipients)
            )
    return sent


def _reminder_subject(task: Task, kind: str) -> str:
    if kind == ReminderKind.OVERDUE:
        return _("[Kết Nối] Overdue task: %(doc)s") % {"doc": task.document.label}
    return _("[Kết Nối] Task due on %(date)s: %(doc)s") % {
        "date": task.due_date.strftime("%d/%m/%Y") if task.due_date else "",
        "doc": task.document.label,
    }


def _reminder_body(task: Task, kind: str) -> str:
    lines = [
        _("Unit: %(unit)s") % {"unit": task.lead_unit.name},
        _("Document: %(doc)s") % {"doc": str(task.document)},
        _("Task %(number)s: %(text)s") % {"number": task.number, "text": task.text[:500]},
        _("Deadline: %(date)s") % {"date": task.due_date.strftime("%d/%m/%Y") if task.due_date else "—"},
        _("Own progress: %(p)s%%") % {"p": task.progress},
    ]
    if task.lower_units is not None:
        lines.append(_("Lower units: %(p)s%%") % {"p": task.lower_units})
    if kind == ReminderKind.OVERDUE:
        lines.append(_("The deadline has passed. Please report progress in Kết Nối."))
    else:
        lines.append(_("The deadline is near. Please report progress in Kết Nối."))
    return "\n".join(lines)
