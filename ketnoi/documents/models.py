"""Formal report documents: templates in Party or State format, drafts bound to live figures, issued copies.

* ``ReportTemplate``: the format (Party: Hướng dẫn 36-HD/VPTW; State: Nghị định 30/2020/NĐ-CP, Phụ lục I),
  the header fields, the title, the body (sections and paragraphs written in a small markup, see
  ``markup.py``) with its live blocks, the recipients and the signature block; or an uploaded .docx with
  placeholders (``docx_template``), so an office keeps its own house style.
* ``ReportDocument``: one report of a template for a unit and a period. While a draft, its figures are
  computed at every render; on issue they are frozen in ``snapshot`` and the .docx/.pdf are stored forever,
  with the number and symbol taken from the unit's register of outgoing documents (``register_entry``).
* ``SigningCertificate``: a unit's PKCS#12 file; its password is stored only encrypted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ketnoi.core.crypto import EncryptedTextField
from ketnoi.core.models import BaseModel


class DocFormat(models.TextChoices):
    PARTY = "party", _("Party document (Hướng dẫn 36-HD/VPTW)")
    STATE = "state", _("State document (Nghị định 30/2020/NĐ-CP)")


class DocStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


def _stored(prefix: str, ext: str) -> str:
    return f"documents/{prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


def _template_to(instance: ReportTemplate, filename: str) -> str:
    return _stored("templates", ".docx")


def _issued_to(instance: ReportDocument, filename: str) -> str:
    return _stored("issued", "." + filename.rsplit(".", 1)[-1].lower())


def _cert_to(instance: SigningCertificate, filename: str) -> str:
    return _stored("certificates", ".p12")


class ReportTemplate(BaseModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="report_templates", verbose_name=_("unit")
    )
    format = models.CharField(_("format"), max_length=10, choices=DocFormat.choices, default=DocFormat.PARTY)
    parent_body = models.CharField(
        _("superior body"), max_length=255, blank=True, help_text=_("Printed above the issuing body.")
    )
    issuing_body = models.CharField(_("issuing body"), max_length=255)
    issuer_code = models.CharField(
        _("issuer code in the number"), max_length=30, help_text=_("TU in 12-BC/TU, UBND in 12/BC-UBND.")
    )
    place = models.CharField(_("place"), max_length=100)
    title = models.CharField(_("title"), max_length=100, default="BÁO CÁO")
    subject = models.CharField(_("subject (trích yếu)"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    blocks = models.JSONField(_("live blocks"), default=dict, blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True, help_text=_("One per line."))
    signing_capacity = models.CharField(_("signing capacity"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    signer_name = models.CharField(_("signer"), max_length=150, blank=True)
    docx_template = models.FileField(_("house-style .docx"), upload_to=_template_to, blank=True)

    history = HistoricalRecords(excluded_fields=["body", "blocks"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class ReportDocument(BaseModel):
    template = models.ForeignKey(
        ReportTemplate, on_delete=models.PROTECT, related_name="documents", verbose_name=_("template")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="report_documents", verbose_name=_("unit")
    )
    period = models.CharField(_("period"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=DocStatus.choices, default=DocStatus.DRAFT)
    body = models.TextField(_("text"), blank=True)
    as_of = models.DateField(_("figures as of"), null=True, blank=True)
    snapshot = models.JSONField(_("frozen figures"), default=dict, blank=True, editable=False)
    number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    register_entry = models.ForeignKey(
        "directives.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("register entry"),
    )
    issued_docx = models.FileField(_("issued .docx file"), upload_to=_issued_to, blank=True, editable=False)
    issued_pdf = models.FileField(_("issued PDF file"), upload_to=_issued_to, blank=True, editable=False)
    signed_pdf = models.FileField(_("signed PDF file"), upload_to=_issued_to, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, editable=False)
    signed_by = models.CharField(_("signed by"), max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(excluded_fields=["body", "snapshot"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report document")
        verbose_name_plural = _("report documents")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "unit", "period"],
                condition=models.Q(status="draft"),
                name="documents_one_draft_per_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.code} {self.unit_id} {self.period}"

    @property
    def is_issued(self) -> bool:
        return self.status == DocStatus.ISSUED

    @property
    def period_label(self) -> str:
        from ketnoi.lib import periods

        try:
            return periods.parse(self.period).label()
        except periods.PeriodError:
            return self.period


class RenderJob(BaseModel):
    """A render running in the task queue: its progress is read by the page that started it."""

    document = models.ForeignKey(ReportDocument, on_delete=models.CASCADE, related_name="jobs")
    fmt = models.CharField(max_length=5)
    state = models.CharField(max_length=10, default="queued")  # queued, running, done, failed
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    result = models.FileField(upload_to=_issued_to, blank=True)

    class Meta:
        ordering = ["-id"]


class SigningCertificate(BaseModel):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="signing_certificates", verbose_name=_("unit")
    )
    file = models.FileField(_("certificate file"), upload_to=_cert_to)
    password_encrypted = EncryptedTextField(blank=True)
    subject = models.CharField(_("holder"), max_length=255)
    not_after = models.DateTimeField(_("valid until"))
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(excluded_fields=["password_encrypted"])

    class Meta:
        ordering = ["-id"]
        verbose_name = _("signing certificate")

    def __str__(self) -> str:
        return self.subject
