from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ketnoi.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from django.contrib.auth import signals as auth_signals
        from django.contrib.auth.models import update_last_login

        from ketnoi.accounts import signals

        # Django's own receiver saves the whole user (a history row at every login); ours writes one column.
        auth_signals.user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        auth_signals.user_logged_in.connect(signals.update_last_login, dispatch_uid="update_last_login")
