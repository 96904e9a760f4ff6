"""Official pages and groups of the units, their administrators, security reviews and audience figures.

* ``Page``: one official page, group, channel, account or website, owned by a unit. ``canonical_url`` is the
  normalised address (``ketnoi.pages.urlnorm``) and is unique, so one page cannot be registered twice.
* ``PageAdministrator``: a staff account that administers the page, with its role on the page.
* ``SecurityReview``: a dated review of the page's security checklist.
* ``MetricSnapshot``: the figures of one page on one day. A figure the platform did not give is NULL
  (missing is missing, never zero). Up to three years of daily rows per page at national scale.
* ``PageMonth`` / ``UnitMonth``: aggregates kept up to date by ``services``; dashboards never scan snapshots.
  ``UnitMonth`` holds, for every unit, the totals of its whole subtree (rolled up to every ancestor).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ketnoi.core.models import BaseModel

METRIC_KEYS: tuple[str, ...] = ("followers", "likes", "members", "posts", "reach", "engagement")
# The largest figure each column stores (posts is a 32-bit integer, the others 64-bit).
METRIC_MAX: dict[str, int] = {key: 2**31 - 1 if key == "posts" else 2**63 - 1 for key in METRIC_KEYS}


class Platform(models.TextChoices):
    FACEBOOK_PAGE = "facebook_page", _("Facebook page")
    FACEBOOK_GROUP = "facebook_group", _("Facebook group")
    ZALO_OA = "zalo_oa", _("Zalo Official Account")
    YOUTUBE = "youtube", _("YouTube channel")
    TIKTOK = "tiktok", _("TikTok account")
    WEBSITE = "website", _("Website")


class PageStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified by the office")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class Page(BaseModel):
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="pages"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    url = models.CharField(_("address"), max_length=500)
    canonical_url = models.CharField(_("canonical address"), max_length=500, unique=True, editable=False)
    platform_id = models.CharField(_("platform id"), max_length=100, blank=True, db_index=True)
    is_grassroots = models.BooleanField(
        _("grassroots page"), default=False, help_text=_("A community page run at the grassroots level.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PageStatus.choices, default=PageStatus.REGISTERED
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    recovery_email = models.EmailField(_("recovery e-mail"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    review_interval_days = models.PositiveIntegerField(_("review every (days)"), default=90)
    last_reviewed_on = models.DateField(_("last security review"), null=True, blank=True)

    # Kept up to date by services.aggregates_refresh (never typed by people).
    latest_day = models.DateField(null=True, blank=True, editable=False)
    latest_audience = models.BigIntegerField(null=True, blank=True, editable=False)
    last_post_day = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["name_folded", "latest_day", "latest_audience", "last_post_day", "updated_at"]
    )

    class Meta:
        verbose_name = _("official page")
        verbose_name_plural = _("official pages")
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["platform", "status"])]

    def __str__(self) -> str:
        return self.name


class PageRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    MODERATOR = "moderator", _("Moderator")
    ANALYST = "analyst", _("Analyst")


class PageAdministrator(BaseModel):
    """A staff account with a role on a page (accounts of the product only)."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="administrators", verbose_name=_("page")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="page_roles",
        verbose_name=_("person"),
    )
    role = models.CharField(
        _("role on the page"), max_length=20, choices=PageRole.choices, default=PageRole.ADMIN
    )
    two_factor = models.BooleanField(_("two-factor sign-in on the platform"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("page administrator")
        verbose_name_plural = _("page administrators")
        constraints = [models.UniqueConstraint(fields=["page", "user"], name="unique_page_administrator")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class SecurityReview(BaseModel):
    """One review of the checklist; the result of each check as it stood on the day."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("page"))
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    results = models.JSONField(_("results"), default=dict)
    passed = models.BooleanField(_("passed"), default=False)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("security review")
        verbose_name_plural = _("security reviews")
        ordering = ["-reviewed_on", "-id"]


class MetricSource(models.TextChoices):
    MANUAL = "manual", _("Manual entry")
    IMPORT = "import", _("File import")
    CONNECTOR = "connector", _("Platform connector")
    DEMO = "demo", _("Demo data")


class MetricSnapshot(models.Model):
    """The figures of one page on one day. NULL means the platform gave no figure (never zero).

    Not in simple_history: millions of rows; every write is traced by ``source``, ``updated_by`` and, for
    imports, the ``MetricImport`` record.
    """

    # No separate index on page: the unique (page, day) index serves every lookup by page.
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="snapshots", db_index=False)
    day = models.DateField(_("day"))
    followers = models.BigIntegerField(_("followers"), null=True, blank=True)
    likes = models.BigIntegerField(_("likes"), null=True, blank=True)
    members = models.BigIntegerField(_("members"), null=True, blank=True)
    posts = models.IntegerField(_("posts"), null=True, blank=True)
    reach = models.BigIntegerField(_("reach"), null=True, blank=True)
    engagement = models.BigIntegerField(_("engagement"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=MetricSource.choices)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("metrics snapshot")
        verbose_name_plural = _("metrics snapshots")
        constraints = [models.UniqueConstraint(fields=["page", "day"], name="unique_page_day_snapshot")]
        ordering = ["page_id", "day"]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day:%d/%m/%Y}"

    @property
    def audience(self) -> int | None:
        """Followers where given, else members (groups), else likes: one series across Meta's 2025 change."""
        for value in (self.followers, self.members, self.likes):
            if value is not None:
                return value
        return None


class MetricImport(models.Model):
    """One import of a metrics file: who, when, what file (by hash) and how many rows it changed."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=40)
    rows = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows})"


class PageMonth(models.Model):
    """Per page and calendar month: the last audience figure of the month and the month's activity."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="months")
    month = models.DateField()  # first day of the month
    audience = models.BigIntegerField(null=True)
    audience_day = models.DateField(null=True)
    posts = models.BigIntegerField(null=True)
    reach = models.BigIntegerField(null=True)
    engagement = models.BigIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "month"], name="unique_page_month")]

    def __str__(self) -> str:
        return f"{self.page_id} {self.month:%m/%Y}"


class UnitMonth(models.Model):
    """Per unit and month: totals of every page in the unit's subtree (the dashboard's series)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    audience = models.BigIntegerField(null=True)
    pages = models.IntegerField(default=0)
    posts = models.BigIntegerField(null=True)
    reach = models.BigIntegerField(null=True)
    engagement = models.BigIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="unique_unit_month")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y}"
