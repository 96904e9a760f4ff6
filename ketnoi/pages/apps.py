from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "ketnoi.pages"
    label = "pages"
    verbose_name = _("Official pages")

    def ready(self) -> None:
        from ketnoi.pages import signals  # noqa: F401  (connects the receivers)
