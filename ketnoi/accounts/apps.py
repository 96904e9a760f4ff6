from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ketnoi.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from ketnoi.accounts import signals  # noqa: F401 - connects the login security events
