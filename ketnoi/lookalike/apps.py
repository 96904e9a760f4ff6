from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LookalikeConfig(AppConfig):
    name = "ketnoi.lookalike"
    label = "lookalike"
    verbose_name = _("Look-alike watch")
