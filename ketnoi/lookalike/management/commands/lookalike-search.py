"""``ketnoi lookalike-search [--page ID ...]``: search the platform for pages named like official pages.

Uses KETNOI_LOOKALIKE_SEARCH_URL and KETNOI_LOOKALIKE_SEARCH_TOKEN; keeps the results that resemble an
official page as candidates (source: platform page search) and prints what it did as JSON.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation


class Command(BaseCommand):
    help = "Search the platform for look-alikes of official pages (all verified pages, or --page ID)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--page", type=int, action="append", help="Official page id (repeatable)")
        parser.add_argument("--limit", type=int, default=50, help="At most this many pages in one run")
        parser.add_argument("--language", default="vi", help="Language of the messages (vi, en)")

    def handle(self, *args: Any, **options: Any) -> None:
        from ketnoi.core import permissions
        from ketnoi.core.exceptions import ApplicationError
        from ketnoi.lookalike import services
        from ketnoi.pages.models import Page, PageStatus

        translation.activate(options["language"])
        pages = Page.objects.select_related("unit").filter(status=PageStatus.VERIFIED).order_by("pk")
        if options["page"]:
            pages = pages.filter(pk__in=options["page"])
        try:
            summary = services.search_run(pages=list(pages[: options["limit"]]), by=permissions.SYSTEM)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
