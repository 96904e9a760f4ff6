"""``ketnoi personal-data export USERNAME`` (JSON on standard output) and
``ketnoi personal-data erase USERNAME --yes`` (pseudonymise the person everywhere; see docs/privacy.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketnoi.accounts.models import User
from ketnoi.accounts.personal_data import personal_data_erase, personal_data_export
from ketnoi.core.exceptions import ApplicationError
from ketnoi.core.permissions import SYSTEM


class Command(BaseCommand):
    help = "Export or erase a staff member's personal data (docs/privacy.md)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("username")
        parser.add_argument("--yes", action="store_true", help="Confirm an erasure (it cannot be undone).")

    def handle(self, *args: Any, **options: Any) -> None:
        person = User.objects.filter(username__iexact=options["username"]).first()
        if person is None:
            raise CommandError(f"No account {options['username']!r}.")
        try:
            if options["action"] == "export":
                document = personal_data_export(person=person, by=SYSTEM)
                self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str))
                return
            if not options["yes"]:
                raise CommandError("Erasure cannot be undone: add --yes to confirm.")
            erased = personal_data_erase(person=person, by=SYSTEM)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"Personal data of {options['username']} erased; the account is now {erased.username}."
        )
