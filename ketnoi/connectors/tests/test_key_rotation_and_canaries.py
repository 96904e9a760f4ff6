"""Secrets at rest: encrypted with a key outside the database, rotated by ``ketnoi rotate-key`` with no
downtime (old and new keys both read meanwhile), and absent in plain text from a database dump and from
every log line (canaries)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test import Client
from django.utils import timezone

from ketnoi.connectors import services
from ketnoi.connectors.models import PageCredential
from ketnoi.core.crypto import EncryptedTextField, UnreadableSecret, decrypt, encrypted_fields
from ketnoi.core.models import SecurityEvent
from ketnoi.core.permissions import SYSTEM

CANARY_TOKEN = "EAAB-canary-token-7f3a9c1e5b-KETNOI"
CANARY_SECRET = "canary-app-secret-9b8c7d6e5f"
CANARY_REFRESH = "canary-refresh-token-1a2b3c4d"
CANARY_PASSWORD = "canary-Password-4e5f6a7b8c"
OLD_KEY = "the-old-key-kept-outside-the-database"
NEW_KEY = "the-new-key-kept-outside-the-database"


def _zalo_credential(make_page: Any, by: Any = SYSTEM) -> PageCredential:
    page = make_page("zalo_oa", "4318999999999999991", unit_code="BP-BGM")
    return services.credential_set(
        page=page,
        access_token=CANARY_TOKEN,
        expires_at=timezone.now() + dt.timedelta(days=30),
        refresh_token=CANARY_REFRESH,
        app_id="1234567890",
        app_secret=CANARY_SECRET,
        by=by,
    )


def _raw(credential: PageCredential) -> tuple[str, str, str]:
    row = PageCredential.objects.filter(pk=credential.pk).values_list(
        "access_token_enc", "refresh_token_enc", "app_secret_enc"
    )
    return row.get()


def test_every_encrypted_column_is_found_by_its_type(province: Any) -> None:
    found = {model._meta.label: names for model, names in encrypted_fields()}
    assert found["connectors.PageCredential"] == ["access_token_enc", "refresh_token_enc", "app_secret_enc"]
    # The convention that makes rotation complete: a column named *_enc is an encrypted column.
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.name.endswith("_enc"):
                assert isinstance(field, EncryptedTextField), f"{model._meta.label}.{field.name}"
    assert issubclass(EncryptedTextField, models.TextField)


def test_rotate_key_re_encrypts_every_secret_while_both_keys_are_read(make_page: Any, settings: Any) -> None:
    settings.KETNOI_ENCRYPTION_KEY = OLD_KEY
    settings.KETNOI_ENCRYPTION_OLD_KEYS = []
    credential = _zalo_credential(make_page)
    before = _raw(credential)
    # Step 1: the new key is configured and the old one kept: everything still reads (no downtime).
    settings.KETNOI_ENCRYPTION_KEY = NEW_KEY
    settings.KETNOI_ENCRYPTION_OLD_KEYS = [OLD_KEY]
    assert decrypt(before[0]) == CANARY_TOKEN
    # Step 2: rotate.
    out = io.StringIO()
    call_command("rotate-key", stdout=out)
    assert "3 secrets re-encrypted" in out.getvalue()
    after = _raw(credential)
    assert all(a != b for a, b in zip(after, before, strict=True))
    # Step 3: the old key is removed: the rotated secrets read with the new key alone; the old
    # ciphertexts no longer do.
    settings.KETNOI_ENCRYPTION_OLD_KEYS = []
    assert [decrypt(v) for v in after] == [CANARY_TOKEN, CANARY_REFRESH, CANARY_SECRET]
    with pytest.raises(UnreadableSecret):
        decrypt(before[0])
    event = SecurityEvent.objects.get(kind="key_rotated")
    assert event.detail == {"rotated": 3, "unreadable": 0} and event.person is None


def test_rotate_key_reports_secrets_no_configured_key_can_read(make_page: Any, settings: Any) -> None:
    settings.KETNOI_ENCRYPTION_KEY = OLD_KEY
    credential = _zalo_credential(make_page)
    before = _raw(credential)
    settings.KETNOI_ENCRYPTION_KEY = NEW_KEY
    settings.KETNOI_ENCRYPTION_OLD_KEYS = []
    with pytest.raises(CommandError, match="could not be read"):
        call_command("rotate-key", stdout=io.StringIO())
    assert _raw(credential) == before  # left as it was, to be rotated once the old key is given


def test_rotate_key_prints_a_fresh_key(province: Any) -> None:
    out = io.StringIO()
    call_command("rotate-key", "--new-key", stdout=out)
    assert len(out.getvalue().strip()) >= 60


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.lines.append(repr(record.args))


@pytest.fixture
def all_logs() -> Iterator[_Everything]:
    """Every log record of every logger (SQL statements with their parameters included)."""
    handler = _Everything()
    loggers = [logging.getLogger(), *[logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]]
    saved = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    debug_cursor = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        yield handler
    finally:
        connection.force_debug_cursor = debug_cursor
        for lg, level in saved:
            lg.removeHandler(handler)
            lg.setLevel(level)


def _dump(tmp_path: Path) -> bytes:
    """The whole database as a backup holds it: ``ketnoi backup`` where it can read the test database,
    and a plain-text dump (pg_dump, or SQLite's own)."""
    parts = []
    if connection.vendor == "postgresql":
        backup = tmp_path / "ketnoi.backup"
        call_command("backup", str(backup), stdout=io.StringIO())
        parts.append(backup.read_bytes())
        if shutil.which("pg_dump"):
            from ketnoi.core.management.commands.backup import pg_env_and_args

            env, args = pg_env_and_args(connection.settings_dict)
            plain = subprocess.run(  # noqa: S603 - fixed program
                ["pg_dump", "--format=plain", *args, str(connection.settings_dict["NAME"])],  # noqa: S607
                env=env,
                capture_output=True,
                check=True,
            )
            parts.append(plain.stdout)
    else:
        # The test database lives in memory: the SQLite backup API (what `ketnoi backup` uses) on it.
        connection.ensure_connection()
        target = tmp_path / "ketnoi.sqlite3"
        dest = sqlite3.connect(str(target))
        connection.connection.backup(dest)
        dest.close()
        parts.append(target.read_bytes())
        parts.append("\n".join(connection.connection.iterdump()).encode())
    return b"\n".join(parts)


@pytest.mark.django_db(transaction=True)
def test_canaries_never_reach_a_database_dump_or_a_log(
    make_page: Any, make_person: Any, all_logs: _Everything, tmp_path: Path, settings: Any
) -> None:
    settings.KETNOI_TRUSTED_PROXIES = []
    editor = make_person("canary_editor", "BP-BGM", [("editor", "BP-BGM"), ("unit_admin", "BP-BGM")])
    # A password set by an administrator, then used to log in (right and wrong) on the web and the API.
    person = make_person("canary_person", "BP-BGM-XPN", [])
    from ketnoi.accounts.services import user_set_password

    user_set_password(user=person, password=CANARY_PASSWORD, by=editor)
    web = Client()
    assert (
        web.post("/accounts/login/", {"username": "canary_person", "password": CANARY_PASSWORD}).status_code
        == 302
    )
    Client().post("/accounts/login/", {"username": "canary_person", "password": CANARY_PASSWORD + "x"})
    api = Client()
    answer = api.post(
        "/api/v1/auth/token",
        {"username": "canary_person", "password": CANARY_PASSWORD, "name": "script"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    # A page token, its refresh token and app secret entered through the API.
    page = make_page("zalo_oa", "4318999999999999992", unit_code="BP-BGM")
    editor_client = Client()
    editor_client.force_login(editor)
    response = editor_client.put(
        f"/api/v1/pages/{page.pk}/credentials",
        {
            "access_token": CANARY_TOKEN,
            "expires_at": (timezone.now() + dt.timedelta(days=30)).isoformat(),
            "refresh_token": CANARY_REFRESH,
            "app_id": "1234567890",
            "app_secret": CANARY_SECRET,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    # A refused and a malformed attempt log what they log, too.
    Client().put(
        f"/api/v1/pages/{page.pk}/credentials",
        {"access_token": CANARY_TOKEN},
        content_type="application/json",
    )
    dump = _dump(tmp_path)
    logs = "\n".join(all_logs.lines)
    assert len(dump) > 10_000 and any("INSERT" in line or "UPDATE" in line for line in all_logs.lines)
    for canary in (CANARY_TOKEN, CANARY_SECRET, CANARY_REFRESH, CANARY_PASSWORD):
        assert canary.encode() not in dump, canary
        assert canary not in logs, canary
