"""``ketnoi prune-security-events``: remove security events past their retention (run it daily)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ketnoi.core.audit import prune_security_events


class Command(BaseCommand):
    help = "Remove security events older than KETNOI_SECURITY_EVENT_DAYS days"

    def handle(self, *args: Any, **options: Any) -> None:
        removed = prune_security_events()
        days = settings.KETNOI_SECURITY_EVENT_DAYS
        self.stdout.write(f"{removed} security events older than {days} days removed.")
