"""``ketnoi reporting-import FILE``: import data values from a DHIS2 dataValueSets JSON or CSV file.

All-or-nothing, as through the API; values are written as the system (no user) unless ``--user`` names
an account, whose rights are then checked for every unit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import uploads


class Command(BaseCommand):
    help = "Import data values from a DHIS2 dataValueSets JSON or CSV file (all-or-nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="Import as this account (its rights are checked).")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        from ketnoi.accounts.models import User
        from ketnoi.core import permissions
        from ketnoi.reporting import dhis2, services

        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        # Without --user the import runs as the product itself (an operator at the server's shell).
        user: Any = permissions.SYSTEM
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no account {options['user']!r}")
        try:
            data = uploads.read_path(path, kind="data_values")
            uploads.check(data, name=path.name, kind="data_values", lines=path.suffix.lower() != ".json")
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"{path.name}: not UTF-8 text") from None
        except ValidationError as exc:
            raise CommandError(str(exc.message)) from None
        try:
            if path.suffix.lower() == ".json":
                rows = dhis2.rows_from_json(uploads.loads_json(text, name=path.name), source=path.name)
            else:
                rows = dhis2.rows_from_csv(text, source=path.name)
            summary = services.values_import(rows=rows, by=user, source=path.name, dry_run=options["dry_run"])
        except services.ImportRejected as exc:
            for conflict in exc.summary.conflicts:
                self.stderr.write(conflict["value"])
            raise CommandError(str(exc.message)) from None
        except (ValidationError, json.JSONDecodeError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from None
        self.stdout.write(json.dumps(summary.as_dhis2(), ensure_ascii=False))
