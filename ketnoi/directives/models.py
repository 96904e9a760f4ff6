"""The register of directives and the tasks they set.

* ``Document``: a directive, letter, plan... with its parsed number and symbol, recipients and text.
* ``DocumentLink``: one document carries out, replaces or cites another.
* ``Task``: one unit's duty from a document; ``parent`` is the task it was cascaded from, so a unit
  turns a task it received into tasks for its own subtree and the parent rolls their progress up.
* ``ProgressUpdate``: a dated report on a task with its evidence (text, link, file).
* ``TaskReminder``: a reminder sent once per task, kind and deadline.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ketnoi.core.models import BaseModel
from ketnoi.lib.filetypes import extension_of


class DocumentKind(models.TextChoices):
    NGHI_QUYET = "nghi_quyet", _("Resolution (Nghị quyết)")
    CHI_THI = "chi_thi", _("Directive (Chỉ thị)")
    QUY_DINH = "quy_dinh", _("Regulation (Quy định)")
    QUYET_DINH = "quyet_dinh", _("Decision (Quyết định)")
    HUONG_DAN = "huong_dan", _("Guidance (Hướng dẫn)")
    KE_HOACH = "ke_hoach", _("Plan (Kế hoạch)")
    CONG_VAN = "cong_van", _("Official letter (Công văn)")
    THONG_BAO = "thong_bao", _("Notice (Thông báo)")
    BAO_CAO = "bao_cao", _("Report (Báo cáo)")
    KET_LUAN = "ket_luan", _("Conclusion (Kết luận)")
    CHUONG_TRINH = "chuong_trinh", _("Programme (Chương trình)")
    NGHI_DINH = "nghi_dinh", _("Decree (Nghị định)")
    THONG_TU = "thong_tu", _("Circular (Thông tư)")
    LUAT = "luat", _("Law (Luật)")
    OTHER = "other", _("Other")


# The Vietnamese kind word in texts and numbers -> the kind.
KIND_BY_WORD: dict[str, str] = {
    "Nghị quyết": DocumentKind.NGHI_QUYET,
    "Nghị quyết liên tịch": DocumentKind.NGHI_QUYET,
    "Chỉ thị": DocumentKind.CHI_THI,
    "Quy định": DocumentKind.QUY_DINH,
    "Quy chế": DocumentKind.QUY_DINH,
    "Quyết định": DocumentKind.QUYET_DINH,
    "Hướng dẫn": DocumentKind.HUONG_DAN,
    "Kế hoạch": DocumentKind.KE_HOACH,
    "Công văn": DocumentKind.CONG_VAN,
    "Công điện": DocumentKind.CONG_VAN,
    "Thông báo": DocumentKind.THONG_BAO,
    "Báo cáo": DocumentKind.BAO_CAO,
    "Kết luận": DocumentKind.KET_LUAN,
    "Chương trình": DocumentKind.CHUONG_TRINH,
    "Nghị định": DocumentKind.NGHI_DINH,
    "Thông tư": DocumentKind.THONG_TU,
    "Thông tư liên tịch": DocumentKind.THONG_TU,
    "Luật": DocumentKind.LUAT,
}
WORD_BY_KIND: dict[str, str] = {}
for _word, _kind in KIND_BY_WORD.items():
    WORD_BY_KIND.setdefault(_kind, _word)


class Document(BaseModel):
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("The unit that issued the document or keeps it in its register."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    number = models.CharField(_("number and symbol"), max_length=60, blank=True, db_index=True)
    number_value = models.PositiveIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("number (figure)")
    )
    kind_code = models.CharField(max_length=10, blank=True, editable=False, verbose_name=_("kind code"))
    issuer_code = models.CharField(max_length=30, blank=True, editable=False, verbose_name=_("issuer code"))
    number_year = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("year of the number")
    )
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=255, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_capacity = models.CharField(_("signing capacity"), max_length=150, blank=True)
    recipients = models.ManyToManyField(
        "units.Unit", verbose_name=_("recipients"), related_name="received_documents", blank=True
    )
    recipients_text = models.TextField(_("other recipients"), blank=True, help_text=_("One per line."))
    body = models.TextField(_("text"), blank=True)
    search_folded = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(excluded_fields=["search_folded", "body"])

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["unit", "issued_on"]),
            # The register and search list newest first and stop at a page: walk this index.
            models.Index(fields=["-issued_on", "-id"], name="directives_doc_newest"),
        ]

    def __str__(self) -> str:
        label = f"{self.get_kind_display()} {self.number}".strip() if self.number else self.get_kind_display()
        return f"{label}: {self.title}"

    @property
    def kind_word(self) -> str:
        return WORD_BY_KIND.get(self.kind, "")

    @property
    def label(self) -> str:
        if self.number:
            return f"{self.kind_word} {self.number}".strip()
        return f"{self.kind_word} – {self.title[:60]}".strip(" –")


def _stored_name(filename: str) -> str:
    """A stored file is named by a random ASCII key (the name the person gave it is kept in the row),
    so paths are safe in X-Accel-Redirect / X-Sendfile headers and say nothing about their content."""
    return f"{uuid.uuid4().hex}{extension_of(filename)}"


def _upload_to(instance: DocumentFile, filename: str) -> str:
    return f"directives/{timezone.now():%Y/%m}/{_stored_name(filename)}"


class DocumentFile(BaseModel):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=_upload_to)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")

    def __str__(self) -> str:
        return self.name

    @property
    def download_url(self) -> str:
        from ketnoi.core.files import url_for

        return url_for("document-file", self.pk)


class LinkKind(models.TextChoices):
    IMPLEMENTS = "implements", _("carries out")
    REPLACES = "replaces", _("replaces")
    CITES = "cites", _("cites")


class DocumentLink(BaseModel):
    source = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("link"), max_length=20, choices=LinkKind.choices, default=LinkKind.CITES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_document_link")
        ]
        verbose_name = _("link between documents")

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


OVERDUE = "overdue"


class Recurrence(models.TextChoices):
    NONE = "", _("Once")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Every year")


class Task(BaseModel):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("document")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("cascaded from"),
    )
    number = models.CharField(_("number in the text"), max_length=20, blank=True)
    text = models.TextField(_("task"))
    lead_unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="lead_tasks", verbose_name=_("lead unit")
    )
    coordinating_units = models.ManyToManyField(
        "units.Unit", blank=True, related_name="coordinating_tasks", verbose_name=_("coordinating units")
    )
    assigned_by = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="assigned_tasks", verbose_name=_("assigned by")
    )
    due_date = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    recurrence = models.CharField(
        _("recurring duty"), max_length=20, choices=Recurrence.choices, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    # Two figures, never mixed: what the lead unit reports for its own part, and the roll-up of the
    # tasks it cascaded to its lower units (mean of their ``rollup``; None while it cascaded none).
    # ``rollup`` is the figure the task gives the task above it: its own progress while it has no
    # lower units, the lower units' roll-up once it has.
    progress = models.PositiveSmallIntegerField(_("own progress (%)"), default=0)
    lower_units = models.PositiveSmallIntegerField(
        _("progress of the lower units (%)"), null=True, blank=True, editable=False
    )
    rollup = models.PositiveSmallIntegerField(
        _("progress with cascaded tasks (%)"), default=0, editable=False
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    search_folded = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(excluded_fields=["search_folded", "rollup", "lower_units"])

    class Meta:
        ordering = ["document_id", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:80]}".strip()

    def is_overdue_on(self, day: dt.date) -> bool:
        return self.status != TaskStatus.DONE and self.due_date is not None and self.due_date < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def shown_status(self) -> str:
        return OVERDUE if self.is_overdue else self.status

    @property
    def shown_status_label(self) -> str:
        return str(_("Overdue")) if self.is_overdue else self.get_status_display()


def _evidence_to(instance: ProgressUpdate, filename: str) -> str:
    return f"directives/evidence/{timezone.now():%Y/%m}/{_stored_name(filename)}"


class ProgressUpdate(BaseModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("what was done"), blank=True)
    link = models.URLField(_("link to evidence"), blank=True, max_length=500)
    file = models.FileField(_("evidence file"), upload_to=_evidence_to, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    period_end = models.DateField(_("report for the period ending"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.task_id}: {self.progress}%"

    @property
    def download_url(self) -> str:
        from ketnoi.core.files import url_for

        return url_for("evidence", self.pk) if self.file else ""

    @property
    def shown_file_name(self) -> str:
        return self.file_name or (self.file.name or "").rsplit("/", 1)[-1]


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class TaskReminder(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "due_date"], name="unique_task_reminder")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.due_date}"
