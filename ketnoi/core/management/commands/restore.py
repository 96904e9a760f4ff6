"""``ketnoi restore FILE``: bring back a backup taken with ``ketnoi backup``.

Stop the product (and the worker) first: restoring replaces every table.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from ketnoi.core.management.commands.backup import pg_env_and_args


class Command(BaseCommand):
    help = "Restore the database from a backup FILE made by `ketnoi backup`"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        source_path = Path(options["file"]).resolve()
        if not source_path.exists():
            raise CommandError(f"No backup at {source_path}")
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            try:
                source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
                source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError as exc:
                raise CommandError(f"{source_path} is not a SQLite backup: {exc}") from exc
            connection.close()
            dest = sqlite3.connect(str(db["NAME"]))
            try:
                with dest:
                    source.backup(dest)
            finally:
                dest.close()
                source.close()
        elif connection.vendor == "postgresql":
            if not shutil.which("pg_restore"):
                raise CommandError("pg_restore is not installed (Debian package postgresql-client).")
            env, conn_args = pg_env_and_args(db)
            connection.close()
            result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [  # noqa: S607
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    str(db["NAME"]),
                    *conn_args,
                    str(source_path),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"Restore is not supported for {connection.vendor}.")
        self.stdout.write(self.style.SUCCESS(f"Restored from {source_path}"))
