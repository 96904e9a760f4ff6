"""Running the product: the demo, production settings, backup and restore."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

KETNOI = [sys.executable, "-c", "from ketnoi.cli import main; main()"]

# Rows of these tables must come back identical after a restore.
KEY_TABLES = [
    "units_unit",
    "units_unitversion",
    "units_reorganisation",
    "accounts_user",
    "accounts_rolegrant",
]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KETNOI_", "DATABASE_URL", "REDIS_URL"))}
    env.update({"KETNOI_DATA_DIR": str(data_dir), "KETNOI_ENV": "development", **extra})
    return env


def ketnoi(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    command = [*KETNOI, *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    if check:
        assert result.returncode == 0, f"ketnoi {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _sql(env: dict[str, str], statements: list[str]) -> list[list[tuple[Any, ...]]]:
    """Run SQL straight on the database a subprocess used (SQLite file or PostgreSQL)."""
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            results = []
            for sql in statements:
                cursor = conn.execute(sql)
                results.append(cursor.fetchall() if cursor.description else [])
            return results
    conn = sqlite3.connect(Path(env["KETNOI_DATA_DIR"]) / "ketnoi.sqlite3")
    try:
        with conn:
            return [conn.execute(sql).fetchall() for sql in statements]
    finally:
        conn.close()


def stats(env: dict[str, str]) -> dict[str, Any]:
    """Row counts of every table and a checksum of the key tables' rows, read with plain SQL."""
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        list_tables = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    else:
        list_tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    tables = sorted(row[0] for row in _sql(env, [list_tables])[0])
    counts = _sql(env, [f'SELECT count(*) FROM "{t}"' for t in tables])  # noqa: S608 - names from the catalogue
    rows = _sql(env, [f'SELECT * FROM "{t}" ORDER BY id' for t in KEY_TABLES])  # noqa: S608
    return {
        "counts": {t: c[0][0] for t, c in zip(tables, counts, strict=True)},
        "checksums": {
            t: hashlib.sha256(repr(r).encode()).hexdigest() for t, r in zip(KEY_TABLES, rows, strict=True)
        },
    }


# --- Demo ---------------------------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_twice_gives_the_same_data(
    capsys: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    call_command("demo", no_serve=True)
    first = _counts()
    printed = capsys.readouterr().out
    assert "admin" in printed and "bgm.editor" in printed and "password: demo" in printed
    call_command("demo", no_serve=True)
    assert _counts() == first
    from ketnoi.accounts.models import User
    from ketnoi.units.models import Unit

    assert first["units.Unit"] > 100
    admin = User.objects.get(username="admin")
    assert admin.check_password("demo")
    assert admin.grants.get().role == "system_admin"
    editor = User.objects.get(username="bgm.editor")
    assert list(editor.grants.values_list("role", "unit__name")) == [("editor", "Xã Bù Gia Mập")]
    # The 2025 reform: Bình Phước keeps its name and code for its history and lives on in Tỉnh Đồng Nai.
    assert Unit.objects.get(code="BP").name == "Tỉnh Bình Phước"
    assert Unit.objects.get(code="BP").successor == Unit.objects.get(code="DN")
    _admin_finds_bu_gia_map_and_its_editor_is_refused_dong_xoai(client, django_assert_max_num_queries)


def _admin_finds_bu_gia_map_and_its_editor_is_refused_dong_xoai(client: Any, max_queries: Any) -> None:
    assert client.post("/accounts/login/", {"username": "admin", "password": "demo"}).status_code == 302
    home = client.get("/").content.decode()
    # The overview a person lands on shows the demo's real figures from every capability.
    assert "Tổng quan Tỉnh Đồng Nai" in home
    assert "trang, nhóm chính thức" in home and "nhiệm vụ quá hạn" in home
    assert "Báo cáo tháng về công tác thông tin trên mạng" in home and "Chưa nộp" in home
    page = client.get("/units/", {"q": "bu gia map"}).content.decode()
    assert "Xã Bù Gia Mập" in page
    with max_queries(15):
        tree = client.get("/units/").content.decode()
    assert '<html lang="vi">' in tree and "Tìm đơn vị" in tree
    assert "Phường Đồng Xoài" in tree and "Thành phố Đồng Xoài" not in tree
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"username": "bgm.editor", "password": "demo"}).status_code == 302
    # The former district's page stays readable to the commune that took over its records.
    assert client.get("/units/BP-BGM-XBGM/").status_code == 200
    assert client.get("/units/BP-BGM/").status_code == 200
    refused = client.get("/units/DN-PDX/")
    assert refused.status_code == 403
    assert "Bạn không có quyền" in refused.content.decode()


def test_the_demo_is_never_loaded_in_production(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        KETNOI_ENV="production",
        KETNOI_SECRET_KEY=secrets.token_urlsafe(50),
        KETNOI_ALLOWED_HOSTS="ketnoi.example.vn",
    )
    result = ketnoi("demo", "--no-serve", env=env, check=False)
    assert result.returncode != 0
    assert "never loaded in production" in result.stderr


# --- Production settings ------------------------------------------------------------------------------


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        KETNOI_ENV="production",
        KETNOI_SECRET_KEY=secrets.token_urlsafe(50),
        KETNOI_ALLOWED_HOSTS="ketnoi.example.vn",
    )
    result = ketnoi("check", "--deploy", "--fail-level", "WARNING", env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = _env(tmp_path, KETNOI_ENV="production", KETNOI_ALLOWED_HOSTS="ketnoi.example.vn")
    result = ketnoi("check", env=env, check=False)
    assert result.returncode == 2
    assert "KETNOI_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_development_keeps_a_generated_secret_key_in_the_data_dir(tmp_path: Path) -> None:
    env = _env(tmp_path)
    ketnoi("check", env=env)
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    ketnoi("check", env=env)
    assert (tmp_path / "secret_key").read_text() == key


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    result = ketnoi("check", env=_env(tmp_path, KETNOI_SESSION_IDLE_SECONDS="half an hour"), check=False)
    assert result.returncode == 2
    assert "KETNOI_SESSION_IDLE_SECONDS must be a whole number" in result.stderr


def test_sqlite_is_durable_by_default(tmp_path: Path) -> None:
    script = (
        "from django.db import connection as c; cur = c.cursor(); "
        "mode = cur.execute('PRAGMA journal_mode').fetchone()[0]; "
        "print('MODE', mode, cur.execute('PRAGMA synchronous').fetchone()[0])"
    )
    out = ketnoi("shell", "-c", script, env=_env(tmp_path)).stdout
    assert "MODE wal 2" in out  # synchronous=FULL is 2


# --- Backup and restore -------------------------------------------------------------------------------


@pytest.fixture
def demo_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A database of its own for the round trip: a SQLite file, or a fresh PostgreSQL database."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        yield _env(tmp_path / "data")
        return
    import psycopg

    base = database_url.rsplit("/", 1)[0]
    name = f"ketnoi_backup_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _env(tmp_path / "data", DATABASE_URL=f"{base}/{name}")
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _break_the_data(env: dict[str, str]) -> None:
    """What a backup is for: a mistaken delete and a mistaken edit."""
    _sql(env, ["DELETE FROM accounts_rolegrant", "UPDATE units_unit SET name = 'Xóa nhầm' WHERE code = 'BP'"])


def test_backup_and_restore_bring_back_the_demo_exactly(
    demo_database: dict[str, str], tmp_path: Path
) -> None:
    env = demo_database
    ketnoi("demo", "--no-serve", env=env)
    before = stats(env)
    backup = tmp_path / "backups" / "ketnoi.backup"
    out = ketnoi("backup", str(backup), env=env).stdout
    assert "Backup written" in out
    assert backup.stat().st_size > 10_000
    _break_the_data(env)
    broken = stats(env)
    assert broken["counts"]["accounts_rolegrant"] == 0
    assert broken["checksums"]["units_unit"] != before["checksums"]["units_unit"]
    ketnoi("restore", str(backup), env=env)
    after = stats(env)
    assert after["counts"] == before["counts"]
    assert after["checksums"] == before["checksums"]
    assert before["counts"]["units_unit"] > 100
    assert before["counts"]["accounts_rolegrant"] >= 9


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the SQLite check of a backup file; PostgreSQL's pg_restore does its own")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database" * 100)
    result = ketnoi("restore", str(junk), env=env, check=False)
    assert result.returncode != 0
    assert "is not a SQLite backup" in result.stderr
    missing = ketnoi("restore", str(tmp_path / "nothing"), env=env, check=False)
    assert "No backup at" in missing.stderr


def test_key_table_checksums_are_stable_in_process(db: Any) -> None:
    """The checksum used above reads the same rows the same way twice."""
    first = hashlib.sha256(json.dumps(_counts(), sort_keys=True).encode()).hexdigest()
    assert first == hashlib.sha256(json.dumps(_counts(), sort_keys=True).encode()).hexdigest()
    assert settings.DATA_DIR.exists()
