"""Base model shared by every business table."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    SECOND_FACTOR = "second_factor", _("Second factor passed")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-factor code")
    ACCESS_REFUSED = "access_refused", _("Access refused")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    CREDENTIAL_CHANGED = "credential_changed", _("Platform credential changed")
    IMPORT = "import", _("Import")
    PUBLISH = "publish", _("Publication")
    APPROVAL = "approval", _("Approval")
    REOPEN = "reopen", _("Report reopened")
    ROLE_CHANGED = "role_changed", _("Role changed")
    PASSWORD_RESET = "password_reset", _("Password changed")
    ACCOUNT_DEACTIVATED = "account_deactivated", _("Account deactivated")
    KEY_ROTATED = "key_rotated", _("Encryption key rotated")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")


class AppendOnly(Exception):
    """A security event is never changed or deleted by the application (only pruned after retention)."""


class SecurityEventQuerySet(models.QuerySet["SecurityEvent"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnly("security events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("security events are append-only: use `ketnoi prune-security-events`")

    def _prune(self) -> int:
        """Delete these rows (only the retention command calls this)."""
        return int(models.QuerySet.delete(self)[0])


class SecurityEvent(models.Model):
    """One security-relevant event: who, what, when (UTC), from which address, on which unit.

    Written only by ``ketnoi.core.audit.security_event``; never changed. The person and unit are
    references without a database constraint, so neither blocks the other's life cycle, and erasing a
    person's data (which pseudonymises the account row) leaves these rows as they are.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True, editable=False)
    kind = models.CharField(_("event"), max_length=32, choices=SecurityEventKind.choices, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Only for a failed login with a user name that matches no account: the name as typed.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "at"], name="security_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.at):%d/%m/%Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("security events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("security events are append-only")
