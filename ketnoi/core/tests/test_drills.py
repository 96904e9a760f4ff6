"""Crash and restore drills (issue 16 item 3), each with real processes under write load.

* A database under write load, its writer killed hard (SIGKILL) at random moments, keeps every write the
  writer had acknowledged (on the suite's database: SQLite, or PostgreSQL with DATABASE_URL).
* ``ketnoi backup`` taken while writes go on restores (``ketnoi restore``, into an empty database) to a
  consistent snapshot with an identical checksum: every write acknowledged before the backup started is
  there, the units form an unbroken sequence (no half-applied write), and on SQLite the restored rows
  equal the backup file's own rows.
* PostgreSQL restarted under load (``pg_ctl restart -m immediate``, a crash: no checkpoint, recovery from
  the WAL) loses no acknowledged write. This needs a private throw-away cluster (initdb on a free port,
  never the shared server); it is skipped where PostgreSQL's server programs are missing, except in CI.

The writer (``drill_writer``) creates units through the product's service and prints each number after
its commit. Sizes are small here; ``KETNOI_DRILL_SECONDS`` (default 2) sets how long each load runs
before its crash; the full drill: ``KETNOI_DRILL_SECONDS=30 python -m pytest -p no:xdist
ketnoi/core/tests/test_drills.py``.
"""

from __future__ import annotations

import glob
import hashlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ketnoi.core.tests.test_operations import _env, _sql, ketnoi

SECONDS = float(os.environ.get("KETNOI_DRILL_SECONDS", "2"))
WRITER = [sys.executable, "-m", "ketnoi.core.tests.drill_writer"]


def _writer(env: dict[str, str], first: int, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [*WRITER, "write", str(first)], env=env, stdout=out.open("ab"), stderr=subprocess.DEVNULL
    )


def _acked(out: Path) -> set[int]:
    return {int(line) for line in out.read_text().split()}


def _units(env: dict[str, str]) -> list[tuple[Any, ...]]:
    return _sql(
        env, ["SELECT code, name, kind, level, path FROM units_unit WHERE code LIKE 'D%' ORDER BY code"]
    )[0]


def _numbers(rows: list[tuple[Any, ...]]) -> set[int]:
    return {int(row[0][1:]) for row in rows}


def _checksum(rows: list[tuple[Any, ...]]) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _wait_for_acks(out: Path, writer: subprocess.Popen[bytes], count: int = 5, limit: float = 60) -> None:
    end = time.monotonic() + limit
    while len(_acked(out)) < count:
        assert writer.poll() is None, "the writer stopped"
        assert time.monotonic() < end, "the writer acknowledged nothing"
        time.sleep(0.05)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A fresh database of the suite's kind, migrated, and the environment that reaches it."""
    url = os.environ.get("DATABASE_URL", "")
    name = ""
    extra: dict[str, str] = {}
    if url.startswith("postgres"):
        import psycopg

        base = url.rsplit("/", 1)[0]
        name = f"kn_drill_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        extra["DATABASE_URL"] = f"{base}/{name}"
    env = _env(tmp_path / "data", **extra)
    subprocess.run([*WRITER, "migrate"], env=env, check=True, timeout=600)  # noqa: S603
    try:
        yield env
    finally:
        if name:
            import psycopg

            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_writer_killed_hard_under_load_loses_no_acknowledged_write(
    world: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "acks.txt"
    rng = random.Random(3)
    first = 0
    for _round in range(3):
        writer = _writer(world, first, out)
        _wait_for_acks(out, writer, count=len(_acked(out)) + 5)
        time.sleep(rng.uniform(0.1, SECONDS))  # a random moment under load
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        first = max(_acked(out)) + 1000  # the next writer's numbers never meet the last one's
    acked = _acked(out)
    stored = _numbers(_units(world))
    assert len(acked) >= 15
    assert acked - stored == set(), "acknowledged writes lost"
    if not world.get("DATABASE_URL"):
        integrity = _sql(world, ["PRAGMA integrity_check"])[0]
        assert integrity == [("ok",)]


def test_a_backup_under_write_load_restores_to_an_identical_consistent_snapshot(
    world: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "acks.txt"
    backup = tmp_path / "under-load.backup"
    writer = _writer(world, 0, out)
    try:
        _wait_for_acks(out, writer, count=20)
        time.sleep(SECONDS / 2)
        before = _acked(out)
        ketnoi("backup", str(backup), env=world)
        time.sleep(SECONDS / 2)
        assert writer.poll() is None, "the writer stopped during the backup"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
    # Restore into an empty database of the same kind.
    target = {**world, "KETNOI_DATA_DIR": str(tmp_path / "restored")}
    name = ""
    if world.get("DATABASE_URL"):
        import psycopg

        base = world["DATABASE_URL"].rsplit("/", 1)[0]
        name = f"kn_restored_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        target["DATABASE_URL"] = f"{base}/{name}"
    try:
        ketnoi("restore", str(backup), env=target)
        restored = _units(target)
        numbers = _numbers(restored)
        assert before - numbers == set(), "writes acknowledged before the backup are missing"
        assert numbers == set(range(len(numbers))), "the backup is not one consistent moment"
        assert len(numbers) < len(_acked(out)), "the writes went on during the backup"
        if not world.get("DATABASE_URL"):
            copy = {**world, "KETNOI_DATA_DIR": str(tmp_path / "as-backed-up")}
            (tmp_path / "as-backed-up").mkdir()
            shutil.copy(backup, tmp_path / "as-backed-up" / "ketnoi.sqlite3")
            assert _checksum(_units(copy)) == _checksum(restored)
        # A second backup of the restored database restores to the same checksum again.
        again = tmp_path / "again.backup"
        ketnoi("backup", str(again), env=target)
        ketnoi("restore", str(again), env=target)
        assert _checksum(_units(target)) == _checksum(restored)
    finally:
        if name:
            import psycopg

            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- PostgreSQL restarted under load, on a private cluster --------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    """PostgreSQL's server refuses to run as root: run it as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@pytest.fixture
def private_cluster() -> Iterator[tuple[str, list[str]]]:
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL's server programs are missing (Debian package postgresql)")
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    # Not under pytest's own temporary folder: the server's user must be able to reach it.
    home = Path(tempfile.mkdtemp(prefix="ketnoi-drill-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    data = home / "data"
    port = _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(  # noqa: S603 - PostgreSQL's own programs
        _as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        **run,
    )
    ctl = _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(home / "log"), "-w", "-t", "60"])
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on"
    subprocess.run([*ctl, "-o", options, "start"], **run)  # noqa: S603
    try:
        import psycopg

        with psycopg.connect(f"postgres://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
            conn.execute('CREATE DATABASE "drill"')
        yield f"postgres://postgres@127.0.0.1:{port}/drill", [*ctl, "-o", options]
    finally:
        subprocess.run([*ctl, "-m", "immediate", "stop"], capture_output=True, timeout=60, check=False)  # noqa: S603
        shutil.rmtree(home, ignore_errors=True)


def test_postgresql_restarted_under_load_loses_no_acknowledged_write(
    private_cluster: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, ctl = private_cluster
    env = _env(tmp_path / "data", DATABASE_URL=url)
    subprocess.run([*WRITER, "migrate"], env=env, check=True, timeout=600)  # noqa: S603
    out = tmp_path / "acks.txt"
    writer = _writer(env, 0, out)
    try:
        for _restart in range(2):
            _wait_for_acks(out, writer, count=len(_acked(out)) + 10)
            time.sleep(SECONDS / 2)
            # A crash of the server: no checkpoint, recovery from the WAL at start.
            subprocess.run([*ctl, "-m", "immediate", "restart"], check=True, capture_output=True, timeout=120)  # noqa: S603
        _wait_for_acks(out, writer, count=len(_acked(out)) + 10)  # the writer carries on after the restarts
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
    acked = _acked(out)
    stored = _numbers(_units(env))
    assert acked - stored == set(), "acknowledged writes lost in the restart"
