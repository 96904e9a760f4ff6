"""``ketnoi rotate-key``: re-encrypt every stored secret under the current ``KETNOI_ENCRYPTION_KEY``.

Run it after setting the new key and moving the old one to ``KETNOI_ENCRYPTION_OLD_KEYS`` (both are
accepted meanwhile, so the product keeps running). ``--new-key`` prints a fresh random key to use.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ketnoi.core.audit import security_event
from ketnoi.core.crypto import rotate_all
from ketnoi.core.permissions import SYSTEM


class Command(BaseCommand):
    help = "Re-encrypt every stored secret under the current encryption key (see ketnoi/core/crypto.py)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="Print a fresh random key and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(secrets.token_urlsafe(48))
            return
        result = rotate_all()
        security_event("key_rotated", SYSTEM, None, None, result)
        self.stdout.write(
            f"{result['rotated']} secrets re-encrypted under the current key; "
            f"{result['unreadable']} unreadable with any configured key."
        )
        if result["unreadable"]:
            raise CommandError(
                "Some secrets could not be read with KETNOI_ENCRYPTION_KEY or KETNOI_ENCRYPTION_OLD_KEYS: "
                "add the key they were written with, or have those tokens entered again."
            )
