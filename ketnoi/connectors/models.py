"""Platform connections of official pages, the runs that pull their figures, and what the runs need to share.

* ``PageCredential``: the page's access token (and Zalo's refresh token and app secret), Fernet-encrypted;
  only the last four characters and the expiry are ever shown again. Also the page's pull schedule and state.
* ``ConnectorRun``: one pull of one page. The queue carries only its id; the row is the job's state and is
  claimed with a conditional UPDATE (queued -> running), so two workers never pull the same run, and a
  partial unique constraint allows one open (queued or running) run per page.
* ``QuotaUsage``: API units spent per platform and day (YouTube: 10,000 a day, Pacific time).
* ``PlatformPause``: a platform-wide wait (Graph app-level rate limit) that holds every page of the platform.
* ``ConnectorNotice``: an in-app notice to a page's administrators (token expiring, expired, failing).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ketnoi.connectors.errors import message_for
from ketnoi.core.crypto import EncryptedTextField
from ketnoi.core.models import BaseModel


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", _("Connected")
    EXPIRED = "expired", _("Token expired or revoked")
    FAILING = "failing", _("Failing")


class PageCredential(BaseModel):
    page = models.OneToOneField(
        "pages.Page", on_delete=models.CASCADE, related_name="credential", verbose_name=_("page")
    )
    access_token_enc = EncryptedTextField(editable=False)
    refresh_token_enc = EncryptedTextField(blank=True, editable=False)
    app_id = models.CharField(_("app id"), max_length=64, blank=True, help_text=_("Zalo: the app's id."))
    app_secret_enc = EncryptedTextField(blank=True, editable=False)
    last4 = models.CharField(_("last characters"), max_length=4, blank=True)
    expires_at = models.DateTimeField(_("token expires at"), null=True, blank=True)
    refresh_expires_at = models.DateTimeField(_("refresh token expires at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE
    )
    # A made-up token of the demo: never sent to a real platform, only to a fake one on this computer.
    is_demo = models.BooleanField(_("demo connection"), default=False, editable=False)
    last_error_code = models.CharField(_("last error"), max_length=40, blank=True)
    last_error_detail = models.CharField(_("platform's message"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful pull"), null=True, blank=True)
    next_pull_at = models.DateTimeField(_("next pull"), null=True, blank=True, db_index=True)
    warned_for = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The history keeps who connected or changed what and when; never the ciphertexts.
    history = HistoricalRecords(
        excluded_fields=[
            "access_token_enc",
            "refresh_token_enc",
            "app_secret_enc",
            "next_pull_at",
            "last_success_at",
            "warned_for",
            "updated_at",
        ]
    )

    class Meta:
        verbose_name = _("platform connection")
        verbose_name_plural = _("platform connections")

    def __str__(self) -> str:
        return f"{self.page} …{self.last4}"

    @property
    def masked(self) -> str:
        return f"…{self.last4}" if self.last4 else "…"

    @property
    def has_refresh_token(self) -> bool:
        return bool(self.refresh_token_enc)

    @property
    def last_error_message(self) -> str:
        return message_for(self.last_error_code) if self.last_error_code else ""


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    RATE_LIMITED = "rate_limited", _("Waiting (rate limit)")
    FAILED = "failed", _("Failed")


OPEN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    MANUAL = "manual", _("Pull now")


class ConnectorRun(models.Model):
    page = models.ForeignKey("pages.Page", on_delete=models.CASCADE, related_name="connector_runs")
    platform = models.CharField(_("platform"), max_length=20)
    trigger = models.CharField(
        _("trigger"), max_length=20, choices=RunTrigger.choices, default=RunTrigger.SCHEDULE
    )
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True)
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    error_detail = models.CharField(_("platform's message"), max_length=500, blank=True)
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    snapshot = models.ForeignKey(
        "pages.MetricSnapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    values = models.JSONField(_("figures recorded"), default=dict, blank=True)
    raw = models.JSONField(_("platform's figures"), default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("connector run")
        verbose_name_plural = _("connector runs")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["page", "-queued_at"]), models.Index(fields=["status", "started_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["page"],
                condition=Q(status__in=["queued", "running"]),
                name="connectors_one_open_run_per_page",
            )
        ]

    def __str__(self) -> str:
        return f"{self.page_id} {self.status} {self.queued_at:%d/%m/%Y %H:%M}"

    @property
    def error_message(self) -> str:
        return message_for(self.error_code) if self.error_code else ""


class QuotaUsage(models.Model):
    platform = models.CharField(max_length=20)
    day = models.DateField(help_text="The platform's own quota day (YouTube: Pacific time).")
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "day"], name="connectors_quota_platform_day")
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.day}: {self.units}"


class PlatformPause(models.Model):
    platform = models.CharField(max_length=20, unique=True)
    paused_until = models.DateTimeField()
    reason = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.platform} until {self.paused_until:%d/%m/%Y %H:%M}"


class NoticeKind(models.TextChoices):
    EXPIRING = "expiring", _("Token expiring")
    EXPIRED = "expired", _("Token expired")
    FAILING = "failing", _("Pulls failing")


class ConnectorNotice(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connector_notices"
    )
    page = models.ForeignKey("pages.Page", on_delete=models.CASCADE, related_name="connector_notices")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    message = models.TextField(_("message"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("connection notice")
        verbose_name_plural = _("connection notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.page}"
