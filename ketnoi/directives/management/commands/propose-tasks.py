"""``ketnoi propose-tasks FILE``: read a directive (.txt, .docx, .pdf) and print, as JSON, its number
and symbol, kind, date, issuing body, references and the tasks it sets with the units they address."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError
from ketnoi.directives import services
from ketnoi.units.models import Unit


class Command(BaseCommand):
    help = "Propose the tasks of a directive (.txt, .docx or .pdf) and print them as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=".txt, .docx or .pdf")
        parser.add_argument(
            "--unit",
            default="",
            help="Code of the issuing unit in the registry (body names such as 'UBND huyện' are read relative "  # noqa: E501
            "to it). Default: the root unit (the province).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": path})
        code = options["unit"]
        unit = Unit.objects.filter(code=code).first() if code else Unit.objects.get_first_root_node()
        if unit is None:
            raise CommandError(
                _("No unit with code %(code)s in the registry.") % {"code": code}
                if code
                else _("The unit registry is empty: load units first (ketnoi demo).")
            )
        try:
            text = services.extract_text(path.name, path.read_bytes())
        except ValidationError as exc:
            raise CommandError(str(exc.message)) from exc
        result = {"file": str(path), "issuing_unit": unit.code, **services.analyse_text(text, unit)}
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
