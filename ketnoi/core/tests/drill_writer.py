"""Run in its own process by ``test_drills``: writes units one by one through the product's service and
prints each one's number once its transaction has committed (an acknowledged write), until killed.

    python -m ketnoi.core.tests.drill_writer migrate
    python -m ketnoi.core.tests.drill_writer write FIRST

``KETNOI_DATA_DIR`` / ``DATABASE_URL`` say which database. A write that fails because the database went
away (a PostgreSQL restart) is not acknowledged; the writer reconnects and goes on with the next number.
"""

from __future__ import annotations

import os
import sys
import time


def main(step: str, first: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import DatabaseError, close_old_connections, connection

    from ketnoi.core.permissions import SYSTEM
    from ketnoi.units.services import unit_create

    if step == "migrate":
        call_command("migrate", interactive=False, verbosity=0)
        return
    n = first
    while True:
        try:
            unit_create(
                code=f"D{n:07d}",
                name=f"Đơn vị diễn tập {n}",
                kind="province",
                level="province",
                parent=None,
                by=SYSTEM,
            )
        except DatabaseError:
            connection.close()
            close_old_connections()
            time.sleep(0.1)
        else:
            sys.stdout.write(f"{n}\n")
            sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
