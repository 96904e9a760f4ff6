"""Database helpers that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created

from ketnoi.lib.vn_text import fold


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        # Folded (diacritic-free, lower-case) text for searches, the same function Python uses.
        connection.connection.create_function(
            "ketnoi_fold", 1, lambda s: fold(s) if s else s, deterministic=True
        )


def register_sqlite_functions() -> None:
    connection_created.connect(_on_connection, dispatch_uid="ketnoi_sqlite_functions")
