"""Stories, their publications on official pages, share kits, and the pacing of platform calls.

* ``Story``: one piece of content (title, body, images, video links, tags, rights notes) owned by a unit and
  moved through draft -> in review -> approved -> scheduled -> published (or withdrawn) by ``services``.
* ``StoryImage``: an image checked and resized on upload (``images``), stored as JPEG without metadata.
* ``Publication``: the story on one page. The row IS the job: its status, due time, lease and the intent
  recorded before every platform call (``call_started_at``); the queue carries only its id. One row per
  (story, page), so a story can never be scheduled twice to the same page.
* ``PublicationAttempt``: every call made for a publication and how it ended (the attempt history).
* ``PublishPace``: one row per platform, shared by every worker: the spacing between calls and the time of
  the next free slot, adjusted from the platform's own usage headers.
* ``ShareKit`` / ``KitLink`` / ``KitCount``: an approved story offered to the members of chosen units; each
  unit gets its own link, and only aggregate counts per unit and day are stored (never who).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ketnoi.core.models import BaseModel

BADGES = {
    "in_review": "warn",
    "approved": "ok",
    "scheduled": "warn",
    "publishing": "warn",
    "published": "ok",
    "withdrawn": "bad",
    "failed": "bad",
}


class Tag(models.TextChoices):
    GOOD_DEEDS = "good_deeds", _("Good people, good deeds")
    NEW_MODEL = "new_model", _("New model")
    GOOD_PRACTICE = "good_practice", _("Effective way of working")
    NEW_POLICY = "new_policy", _("New policy explained")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class StoryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Story(BaseModel):
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("author unit"), on_delete=models.PROTECT, related_name="stories"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    search_folded = models.TextField(editable=False, default="")
    video_links = models.JSONField(_("video links"), default=list, blank=True)
    tags = models.JSONField(_("topics"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    rights_note = models.TextField(
        _("rights and consent"),
        blank=True,
        help_text=_("Who holds the rights to the images, and the consent of the people pictured."),
    )
    variants = models.JSONField(_("texts per platform"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=StoryStatus.choices, default=StoryStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)

    history = HistoricalRecords(excluded_fields=["search_folded", "updated_at"])

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def badge(self) -> str:
        """The colour class of the status badge."""
        return BADGES.get(self.status, "")

    def tag_labels(self) -> list[str]:
        labels = dict(Tag.choices)
        return [str(labels.get(t, t)) for t in self.tags]


class StoryImage(BaseModel):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="images", verbose_name=_("story"))
    file = models.FileField(_("image"), upload_to="stories/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("story image")
        verbose_name_plural = _("story images")
        ordering = ["story_id", "position", "id"]

    def __str__(self) -> str:
        return self.original_name


class PublicationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_PUBLICATION = (PublicationStatus.SCHEDULED, PublicationStatus.PUBLISHING)


class Publication(BaseModel):
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="publications", verbose_name=_("story")
    )
    page = models.ForeignKey(
        "pages.Page", on_delete=models.CASCADE, related_name="publications", verbose_name=_("page")
    )
    platform = models.CharField(_("platform"), max_length=20)
    manual = models.BooleanField(
        _("posted by hand"), default=False, help_text=_("The page has no API access: a person posts it.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.SCHEDULED,
        db_index=True,
    )
    due_at = models.DateTimeField(_("scheduled for"), db_index=True)
    next_try_at = models.DateTimeField(_("next try"), db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The intent: set and committed before every call, cleared when the call's outcome is known.
    # A row with ``call_started_at`` set and no post id may have reached the platform: reconcile first.
    call_started_at = models.DateTimeField(null=True, blank=True)
    first_call_at = models.DateTimeField(_("first call to the platform"), null=True, blank=True)
    marker = models.CharField(_("post marker"), max_length=40, editable=False)
    post_id = models.CharField(_("post id"), max_length=100, blank=True)
    post_url = models.CharField(_("post address"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    error_detail = models.CharField(_("platform's message"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked as posted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(
        excluded_fields=["next_try_at", "lease_until", "worker", "call_started_at", "updated_at"]
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["story", "page"], name="publishing_one_publication_per_page"),
        ]
        indexes = [models.Index(fields=["status", "next_try_at"]), models.Index(fields=["page", "due_at"])]

    def __str__(self) -> str:
        return f"{self.story_id} -> {self.page_id} ({self.status})"

    @property
    def shown_status(self) -> str:
        """What screens and the API show: a row waiting before its first call is still ``scheduled``."""
        if self.status == PublicationStatus.PUBLISHING and not self.attempts:
            return str(PublicationStatus.SCHEDULED)
        return str(self.status)

    @property
    def shown_status_label(self) -> str:
        return str(dict(PublicationStatus.choices)[self.shown_status])

    @property
    def badge(self) -> str:
        return BADGES.get(self.shown_status, "")


class AttemptOutcome(models.TextChoices):
    PUBLISHED = "published", _("Published")
    FOUND = "found", _("Found already published")
    NOT_FOUND = "not_found", _("Checked: not published yet")
    UNKNOWN = "unknown", _("Outcome unknown (no answer)")
    RETRY = "retry", _("Will be retried")
    FAILED = "failed", _("Failed")


class PublicationAttempt(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=20)  # "post" or "check"
    outcome = models.CharField(max_length=20, choices=AttemptOutcome.choices)
    error_code = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["publication_id", "started_at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.kind} {self.outcome}"


class PublishPace(models.Model):
    platform = models.CharField(max_length=20, unique=True)
    interval = models.FloatField(default=0.0)  # seconds between two calls to the platform
    next_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    usage = models.PositiveSmallIntegerField(default=0)  # last usage reported by the platform (per cent)
    rate = models.FloatField(default=0.0)  # calls a second the platform allows, as estimated (0: not yet)
    sample_start = models.DateTimeField(null=True, blank=True)  # our own calls counted since then...
    sample_calls = models.PositiveIntegerField(default=0)  # ... to compare with the usage reported
    sample_usage = models.PositiveSmallIntegerField(default=0)  # usage when the sample started
    ceiling = models.FloatField(default=0.0)  # the estimate at the last rate-limit answer (0: none yet)

    def __str__(self) -> str:
        return f"{self.platform} every {self.interval:.3f}s"


class ShareKit(BaseModel):
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="share_kits", verbose_name=_("story")
    )
    caption = models.TextField(_("suggested caption"))
    link = models.CharField(_("link to share"), max_length=500)
    active = models.BooleanField(_("offered"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("share kit")
        verbose_name_plural = _("share kits")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.story}"


class KitLink(models.Model):
    """The kit as offered to one unit's members: the token in its address says the unit, never the person."""

    kit = models.ForeignKey(ShareKit, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kit", "unit"], name="publishing_one_link_per_unit")]

    def __str__(self) -> str:
        return f"{self.kit_id} {self.unit_id}"


class KitCount(models.Model):
    """Views and share-button presses of a kit by one unit's members on one day: counts only."""

    kit = models.ForeignKey(ShareKit, on_delete=models.CASCADE, related_name="counts")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kit", "unit", "day"], name="publishing_one_count_per_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.kit_id} {self.unit_id} {self.day}"
