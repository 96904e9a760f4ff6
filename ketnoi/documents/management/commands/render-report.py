"""``ketnoi render-report --template CODE --unit CODE --period ID --format docx|pdf --out FILE`` writes a
report (the current draft's text, or the issued copy if the report was issued); ``--demo`` renders the demo
province's 2017–2020 review report (loading its template if needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ApplicationError
from ketnoi.core.permissions import SYSTEM
from ketnoi.documents import demo, services
from ketnoi.documents.models import DocStatus, ReportDocument, ReportTemplate
from ketnoi.units.models import Unit


class Command(BaseCommand):
    help = "Render a report document (.docx or .pdf) for a template, a unit and a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--template", default="", help="Template code.")
        parser.add_argument("--unit", default="", help="Unit code.")
        parser.add_argument("--period", default="", help="Period id (202007, 2020Q3, 2020, 2017-2020).")
        parser.add_argument("--demo", action="store_true", help="The demo review report 2017–2020.")
        parser.add_argument("--format", choices=["docx", "pdf"], default="pdf")
        parser.add_argument("--out", required=True, help="File to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = self._document(options)
            if options["format"] == "docx":
                data = services.render_docx(document, SYSTEM)
            else:
                data = services.render_pdf(document, SYSTEM)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        out = Path(options["out"])
        out.write_bytes(data)
        self.stdout.write(_("%(file)s written (%(n)s bytes).") % {"file": out, "n": len(data)})

    def _document(self, options: dict[str, Any]) -> ReportDocument:
        if options["demo"]:
            if not Unit.objects.filter(code=demo.REVIEW_UNIT).exists():
                raise CommandError(_("The demo province is not loaded: run `ketnoi demo --no-serve` first."))
            return demo.review_document()
        missing = [name for name in ("template", "unit", "period") if not options[name]]
        if missing:
            raise CommandError(_("Give --template, --unit and --period, or --demo."))
        template = ReportTemplate.objects.filter(code=options["template"]).first()
        if template is None:
            raise CommandError(_("No template with code %(code)s.") % {"code": options["template"]})
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(_("No unit with code %(code)s.") % {"code": options["unit"]})
        issued = (
            ReportDocument.objects.filter(
                template=template, unit=unit, period=options["period"], status=DocStatus.ISSUED
            )
            .order_by("-issued_on", "-id")
            .first()
        )
        draft = ReportDocument.objects.filter(
            template=template, unit=unit, period=options["period"], status=DocStatus.DRAFT
        ).first()
        return (
            draft
            or issued
            or services.document_draft(template=template, unit=unit, period=options["period"], by=SYSTEM)
        )
