"""Staff accounts, roles granted on a unit (valid for its whole subtree) and personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ketnoi.core.models import BaseModel


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("The unit this person works for."),
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="vi")
    left_unit_on = models.DateField(_("left the unit on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    EDITOR = "editor", _("Editor")
    DATA_ENTRY = "data_entry", _("Data entry")
    APPROVER = "approver", _("Approver")
    VIEWER = "viewer", _("Viewer")


class RoleGrant(BaseModel):
    """A role held on a unit; it applies to that unit and every unit below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("person"))
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="grants", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("granted by")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_role_grant")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.unit}"

    @property
    def is_current(self) -> bool:
        return self.valid_until is None or self.valid_until >= timezone.localdate()


class ApiToken(BaseModel):
    """A personal API token. Only a SHA-256 hash is stored; the token is shown once, when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Issued after a second factor (a TOTP code, or a session that passed one): where two factors
    # are required, a token issued without one does not authenticate.
    second_factor = models.BooleanField(_("issued with a second factor"), default=False)
    # A fingerprint of the password the token was issued under: a new password (from any path,
    # the command line included) ends every token issued before it.
    password_stamp = models.CharField(max_length=16, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
