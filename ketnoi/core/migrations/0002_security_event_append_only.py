"""The database itself refuses to change a security event: on PostgreSQL no UPDATE and no DELETE (except
the retention command, which says so in its transaction); on SQLite no UPDATE."""

from __future__ import annotations

from typing import Any

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION ketnoi_security_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('ketnoi.prune_security_events', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'security events are append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_securityevent_append_only BEFORE UPDATE OR DELETE ON core_securityevent
    FOR EACH ROW EXECUTE FUNCTION ketnoi_security_event_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_securityevent_append_only ON core_securityevent;
DROP FUNCTION IF EXISTS ketnoi_security_event_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER core_securityevent_no_update BEFORE UPDATE ON core_securityevent
BEGIN SELECT RAISE(ABORT, 'security events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_securityevent_no_update;"


def up(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
