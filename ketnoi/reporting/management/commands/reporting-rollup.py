"""``ketnoi reporting-rollup``: rebuild the pre-aggregated roll-ups (all periods, or the ones named).

Never needed in normal operation (every write keeps them current and a reorganisation marks the
periods it touches for rebuilding on the next read); useful after restoring a backup or a direct
database edit.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Rebuild the reporting roll-ups from the stored values."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("periods", nargs="*", help="Period ids (e.g. 202007 2020Q3); all when none.")

    def handle(self, *args: Any, **options: Any) -> None:
        from ketnoi.reporting import services

        rows = services.rollup_rebuild(periods=options["periods"] or None)
        self.stdout.write(f"{rows} roll-up rows written.")
