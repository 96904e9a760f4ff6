"""The look-alike watch: pages and sites that imitate an official page, their review and their report.

* ``WatchSetting``: the thresholds an office tunes for its subtree (the nearest setting up the tree holds).
* ``OfficialPicture``: the hashes of an official page's avatar and cover, to recognise a copy.
* ``Candidate``: a page or site that resembles an official page (``page``, the one it resembles most), as it
  was captured (name, address, avatar and its hashes, dates), with its latest score and signals. Scoped by
  the imitated page's unit. Never a person: a person's own account is refused by the service.
* ``SignalSnapshot``: each scoring of a candidate, kept (the signals as they were shown).
* ``Evidence``: a screenshot or document stored with a candidate.
* ``PlatformReport``: the impersonation report to the platform, its prepared fields and its state.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ketnoi.core.models import BaseModel
from ketnoi.lib.filetypes import extension_of
from ketnoi.pages.models import Platform

DEFAULT_THRESHOLD = 0.85


class WatchSetting(BaseModel):
    unit = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="lookalike_setting", verbose_name=_("unit")
    )
    threshold = models.FloatField(
        _("review threshold"),
        default=DEFAULT_THRESHOLD,
        help_text=_("Candidates scoring at least this (0 to 1) enter the review queue."),
    )
    avatar_max_distance = models.PositiveSmallIntegerField(
        _("largest avatar distance taken as a copy"), default=6
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("look-alike watch setting")
        verbose_name_plural = _("look-alike watch settings")


class OfficialPicture(BaseModel):
    page = models.OneToOneField(
        "pages.Page", on_delete=models.CASCADE, related_name="lookalike_picture", verbose_name=_("page")
    )
    avatar_phash = models.CharField(_("avatar perceptual hash (pHash)"), max_length=16, blank=True)
    avatar_dhash = models.CharField(_("avatar difference hash (dHash)"), max_length=16, blank=True)
    cover_phash = models.CharField(_("cover perceptual hash (pHash)"), max_length=16, blank=True)
    cover_dhash = models.CharField(_("cover difference hash (dHash)"), max_length=16, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("official page picture")
        verbose_name_plural = _("official page pictures")


class Source(models.TextChoices):
    SEARCH = "search", _("Platform page search")
    IMPORT = "import", _("Imported list")
    PUBLIC_CHECK = "public_check", _("Public link check")
    MANUAL = "manual", _("Entered by the office")


class Decision(models.TextChoices):
    PENDING = "pending", _("Not reviewed")
    IMPERSONATION = "impersonation", _("Impersonation")
    FAN_PARODY = "fan_parody", _("Fan or parody page (not pursued)")
    UNRELATED = "unrelated", _("Unrelated")
    NEEDS_EVIDENCE = "needs_evidence", _("Needs more evidence")


def _picture_to(instance: Candidate, filename: str) -> str:
    return f"lookalike/avatars/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


def _evidence_to(instance: Evidence, filename: str) -> str:
    return f"lookalike/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension_of(filename)}"


class Candidate(BaseModel):
    page = models.ForeignKey(
        "pages.Page",
        on_delete=models.CASCADE,
        related_name="lookalikes",
        verbose_name=_("official page it resembles"),
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"), editable=False
    )
    source = models.CharField(_("found by"), max_length=20, choices=Source.choices)
    name = models.CharField(_("name shown"), max_length=255, blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)
    canonical_url = models.CharField(_("canonical address"), max_length=500, blank=True, db_index=True)
    platform = models.CharField(_("platform"), max_length=20, blank=True, choices=Platform.choices)
    avatar = models.FileField(_("avatar"), upload_to=_picture_to, blank=True, max_length=300)
    avatar_phash = models.CharField(_("avatar perceptual hash (pHash)"), max_length=16, blank=True)
    avatar_dhash = models.CharField(_("avatar difference hash (dHash)"), max_length=16, blank=True)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    score = models.FloatField(_("score"), default=0.0)
    signals = models.JSONField(_("signals"), default=dict)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("reviewer's note"), blank=True)
    published = models.BooleanField(
        _("published as a known fake"),
        default=False,
        help_text=_("Shown in the public directory beside the official page it imitates."),
    )
    warning_notice = models.TextField(_("warning notice draft"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "signals", "last_seen"])

    class Meta:
        verbose_name = _("look-alike candidate")
        verbose_name_plural = _("look-alike candidates")
        indexes = [models.Index(fields=["unit", "decision"]), models.Index(fields=["page", "decision"])]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "canonical_url"],
                condition=~models.Q(canonical_url=""),
                name="lookalike_one_candidate_per_address_and_page",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.canonical_url


class SignalSnapshot(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(default=timezone.now)
    score = models.FloatField()
    signals = models.JSONField(default=dict)

    class Meta:
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.score:.2f}"


class Evidence(BaseModel):
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("candidate")
    )
    file = models.FileField(_("file"), upload_to=_evidence_to, max_length=300)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    captured_on = models.DateField(_("captured on"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class ReportState(models.TextChoices):
    PREPARED = "prepared", _("Prepared, not yet sent")
    REPORTED = "reported", _("Reported to the platform")
    TAKEN_DOWN = "taken_down", _("Taken down")
    REFUSED = "refused", _("Refused by the platform")
    APPEALED = "appealed", _("Appealed")


class PlatformReport(BaseModel):
    candidate = models.OneToOneField(
        Candidate, on_delete=models.CASCADE, related_name="report", verbose_name=_("candidate")
    )
    fields = models.JSONField(_("impersonation form"), default=dict)
    state = models.CharField(_("state"), max_length=20, choices=ReportState.choices, default="prepared")
    reference = models.CharField(_("platform's reference"), max_length=100, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    state_changed_on = models.DateField(_("state changed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("platform report")
        verbose_name_plural = _("platform reports")
