"""``ketnoi backup FILE``: an online, consistent backup while the product runs.

SQLite: the SQLite backup API copies a consistent snapshot page by page.
PostgreSQL: pg_dump in its custom format (one consistent transaction).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def pg_env_and_args(settings_dict: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    return env, args


class Command(BaseCommand):
    help = "Take an online, consistent backup of the database to FILE"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"]).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            tmp = target.with_suffix(target.suffix + ".part")
            source = sqlite3.connect(str(db["NAME"]))
            dest = sqlite3.connect(str(tmp))
            try:
                with dest:
                    source.backup(dest, pages=1024)
            finally:
                dest.close()
                source.close()
            tmp.replace(target)
        elif connection.vendor == "postgresql":
            if not shutil.which("pg_dump"):
                raise CommandError("pg_dump is not installed (Debian package postgresql-client).")
            env, conn_args = pg_env_and_args(db)
            result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [  # noqa: S607 - pg_dump from PATH, as installed by postgresql-client
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(target),
                    *conn_args,
                    str(db["NAME"]),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"Backups are not supported for {connection.vendor}.")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target} ({target.stat().st_size:,} bytes)"))
