from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ketnoi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from ketnoi.core import db

        db.register_sqlite_functions()
