"""``ketnoi dhis2-sync push|pull --form CODE [--form CODE ...] [--period ID ...] [--last N] [--dry-run]``:
sync forms with a DHIS2 instance by code (``reporting.dhis2_sync``). Push sends approved values; pull imports
DHIS2's values for the units under ``--root`` (default: the form's owner), as the system or ``--user``.
The server is KETNOI_DHIS2_URL with KETNOI_DHIS2_USERNAME/PASSWORD or KETNOI_DHIS2_TOKEN
(``--url`` etc. override).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketnoi.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Push approved values of forms to DHIS2, or pull a data set's values from DHIS2, by code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("direction", choices=["push", "pull"])
        parser.add_argument(
            "--form", action="append", required=True, help="A form (data set) code; repeatable."
        )
        parser.add_argument("--period", action="append", default=[], help="A period id; repeatable.")
        parser.add_argument("--last", type=int, default=3, help="Without --period: the last N ended periods.")
        parser.add_argument(
            "--root", help="pull: the unit whose subtree is read (default: the form's owner)."
        )
        parser.add_argument("--user", help="pull: import as this account (its rights are checked).")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        parser.add_argument("--url", help="The DHIS2 server (default KETNOI_DHIS2_URL).")
        parser.add_argument("--username")
        parser.add_argument("--password")
        parser.add_argument("--token")

    def handle(self, *args: Any, **options: Any) -> None:
        from ketnoi.accounts.models import User
        from ketnoi.core import permissions
        from ketnoi.reporting import dhis2_sync
        from ketnoi.reporting.models import ReportForm

        try:
            connection = dhis2_sync.Connection.from_settings() if not options["url"] else None
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        if connection is None:
            connection = dhis2_sync.Connection(
                url=options["url"].rstrip("/"),
                username=options["username"] or "",
                password=options["password"] or "",
                token=options["token"] or "",
            )
        else:
            for key in ("username", "password", "token"):
                if options[key]:
                    setattr(connection, key, options[key])
        user: Any = permissions.SYSTEM
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no account {options['user']!r}")
        failed = False
        for code in options["form"]:
            form = ReportForm.objects.filter(code=code).select_related("owner").first()
            if form is None:
                raise CommandError(f"no form {code!r}")
            try:
                if options["direction"] == "push":
                    summary = dhis2_sync.push(
                        form=form,
                        connection=connection,
                        periods=options["period"],
                        last=options["last"],
                        dry_run=options["dry_run"],
                    )
                else:
                    summary = dhis2_sync.pull(
                        form=form,
                        connection=connection,
                        by=user,
                        root=options["root"] or form.owner.code,
                        periods=options["period"],
                        last=options["last"],
                        dry_run=options["dry_run"],
                    )
            except ApplicationError as exc:
                self.stderr.write(f"{code}: {exc.message}")
                failed = True
                continue
            except OSError as exc:  # the server cannot be reached
                self.stderr.write(f"{code}: {exc}")
                failed = True
                continue
            self.stdout.write(summary.line())
            for conflict in summary.conflicts[:20]:
                self.stdout.write(f"  {conflict.get('object', '')}: {conflict.get('value', '')}")
        if failed:
            raise CommandError("some forms were not synced")
