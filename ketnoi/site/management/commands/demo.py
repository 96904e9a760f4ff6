"""``ketnoi demo``: migrate, load the demo province (idempotent) and serve it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketnoi.site.serving import serve_with_queue


class Command(BaseCommand):
    help = "Migrate, load the demo province and serve it on http://127.0.0.1:8000"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="Load the demo and exit.")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not run the task queue in the server."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo is never loaded in production (KETNOI_ENV=production).")
        call_command("migrate", interactive=False, verbosity=0)
        from ketnoi.site.demo import load_all
        from ketnoi.units.services import reorganisations_apply_due

        accounts = load_all()
        reorganisations_apply_due()
        self.stdout.write(self.style.SUCCESS("Kết Nối: the demo province is loaded."))
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write("Demo accounts (password: demo):")
        for username, roles in accounts:
            self.stdout.write(f"  {username:<14} {roles}")
        if options["no_serve"]:
            return
        self.stdout.write(self.style.SUCCESS(f"Open {url} and log in as admin / demo (Ctrl+C stops)."))
        serve_with_queue(host=options["host"], port=options["port"], queue=not options["no_worker"])
