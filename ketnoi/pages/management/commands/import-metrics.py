"""``ketnoi import-metrics FILE [--page ID] [--user USERNAME]``: import a metrics file, all or nothing.

Exits with status 1 and writes nothing when any row is bad, listing every bad row by line and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from ketnoi.core.permissions import SYSTEM
from ketnoi.lib import uploads

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


class Command(BaseCommand):
    help = (
        "Import page figures from a CSV/XLSX file (template or Meta Business Suite export), all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument(
            "--page", type=int, help="Page id (for Meta's page-level export, which names no page)"
        )
        parser.add_argument("--user", help="Import with this person's rights (default: the system)")
        parser.add_argument("--language", default="vi", help="Language of the messages (vi, en)")

    def handle(self, *args: Any, **options: Any) -> None:
        from ketnoi.accounts.models import User
        from ketnoi.pages.imports import ImportFailed, import_metrics
        from ketnoi.pages.models import Page

        translation.activate(options["language"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": path})
        by: Actor = SYSTEM
        if options["user"]:
            person = User.objects.filter(username=options["user"], is_active=True).first()
            if person is None:
                raise CommandError(
                    _("No active person with the username %(name)s.") % {"name": options["user"]}
                )
            by = person
        page = None
        if options["page"] is not None:
            page = Page.objects.select_related("unit").filter(pk=options["page"]).first()
            if page is None:
                raise CommandError(_("No page with id %(id)s.") % {"id": options["page"]})
        try:
            data = uploads.read_path(path, kind="metrics")
        except uploads.UploadRefused as exc:
            raise CommandError(str(exc.message)) from None
        try:
            result = import_metrics(data=data, file_name=path.name, by=by, page=page)
        except ImportFailed as exc:
            self.stderr.write(str(exc.message))
            for error in exc.errors:
                self.stderr.write(f"  {path.name}: {error}")
            raise CommandError(_("Nothing was imported.")) from exc
        self.stdout.write(
            _(
                "%(file)s (%(kind)s): %(rows)s rows, %(snapshots)s snapshots of %(pages)s pages, "
                "%(changed)s changed."
            )
            % {
                "file": result.file_name,
                "kind": result.kind,
                "rows": result.rows,
                "snapshots": result.snapshots,
                "pages": len(result.pages),
                "changed": result.changed,
            }
        )
