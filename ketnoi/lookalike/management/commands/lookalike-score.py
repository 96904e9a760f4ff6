"""``ketnoi lookalike-score NAME [--avatar FILE] [--url URL]``: the official pages a name looks like, as JSON.

Prints ``{"candidate": {...}, "matches": [{"page": {...}, "signals": {...}}, ...]}``, best first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Score a page name (and its avatar, address) against every registered official page; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The page's name as shown on the platform")
        parser.add_argument("--avatar", help="The page's avatar picture (PNG, JPEG...)")
        parser.add_argument("--url", default="", help="The page's address")
        parser.add_argument("--limit", type=int, default=5, help="How many official pages to show")
        parser.add_argument("--language", default="vi", help="Language of the reasons (vi, en)")

    def handle(self, *args: Any, **options: Any) -> None:
        from ketnoi.core.exceptions import ApplicationError
        from ketnoi.lookalike import services

        translation.activate(options["language"])
        avatar, avatar_name = None, ""
        if options["avatar"]:
            path = Path(options["avatar"])
            if not path.is_file():
                raise CommandError(_("File not found: %(file)s") % {"file": path})
            avatar, avatar_name = path.read_bytes(), path.name
        try:
            answer = services.score_report(
                name=options["name"],
                url=options["url"],
                avatar=avatar,
                avatar_name=avatar_name,
                limit=options["limit"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
