"""``ketnoi lookalike-picture PAGE_ID [--avatar FILE] [--cover FILE]``: record an official page's pictures.

Their perceptual hashes (pHash, dHash) are kept, so a candidate with a copy of them is recognised.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Record the avatar and cover of an official page, so that copies of them are recognised."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("page", type=int, help="Official page id")
        parser.add_argument("--avatar", help="The page's avatar picture")
        parser.add_argument("--cover", help="The page's cover picture")
        parser.add_argument("--language", default="vi", help="Language of the messages (vi, en)")

    def handle(self, *args: Any, **options: Any) -> None:
        from ketnoi.core import permissions
        from ketnoi.core.exceptions import ApplicationError
        from ketnoi.lookalike import services
        from ketnoi.pages.models import Page

        translation.activate(options["language"])
        page = Page.objects.select_related("unit").filter(pk=options["page"]).first()
        if page is None:
            raise CommandError(_("No official page with id %(id)s.") % {"id": options["page"]})
        data: dict[str, bytes | None] = {}
        for key in ("avatar", "cover"):
            data[key] = None
            if options[key]:
                path = Path(options[key])
                if not path.is_file():
                    raise CommandError(_("File not found: %(file)s") % {"file": path})
                data[key] = path.read_bytes()
        try:
            record = services.official_picture_set(
                page=page, avatar=data["avatar"], cover=data["cover"], by=permissions.SYSTEM
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"{page.name}: avatar {record.avatar_phash or '-'} / {record.avatar_dhash or '-'}, "
            f"cover {record.cover_phash or '-'} / {record.cover_dhash or '-'}"
        )
