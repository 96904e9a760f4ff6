"""Exactly once, with a real worker process killed by SIGKILL while requests are in flight (issue 14).

A story is scheduled to 50 pages of the fake Facebook server; ``ketnoi worker`` (Huey) publishes; it is
killed with SIGKILL once posts are going out and requests are in flight, restarted, and run to the end:
the fake server must hold exactly one post of the story per page, and every publication must be
``published``. Then the same with the server answering 429 and 500 at random, failing with 500 after
storing, and holding its answer past the time-out after storing. Finally SIGTERM stops the worker.

The worker and the set-up run in their own processes on their own database of the suite's kind: a SQLite
file, or a fresh PostgreSQL database next to the test database.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from ketnoi.publishing.tests.reliability_setup import page_id, token
from tests.fakes.publish import Chaos, PublishingPlatforms

PAGES = 50
DEADLINE = 90.0


class Site:
    """The worker's world: its database, its environment, and a way to count publication statuses."""

    def __init__(self, tmp: Path, fake: PublishingPlatforms) -> None:
        self.tmp = tmp
        self.env = {
            **os.environ,
            "KETNOI_ENV": "development",
            "KETNOI_DATA_DIR": str(tmp),
            "KETNOI_SECRET_KEY": "reliability-test-key-" + "x" * 40,
            "KETNOI_PUBLISH_TIMEOUT_SECONDS": "1",
            "KETNOI_PUBLISH_LEASE_SECONDS": "3",
            "KETNOI_PUBLISH_BACKOFF_SECONDS": "0.2",
            "KETNOI_PUBLISH_MAX_ATTEMPTS": "40",
            "KETNOI_LOG_LEVEL": "WARNING",
            **fake.urls(),
        }
        self.env.pop("REDIS_URL", None)
        self.pg_name = ""
        db = django_settings.DATABASES["default"]
        if db["ENGINE"].endswith("postgresql"):
            import psycopg

            self.pg_name = f"kn_reliability_{os.getpid()}"
            self._pg = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"]}
            with psycopg.connect(dbname="postgres", autocommit=True, **self._pg) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = (
                f"postgres://{db['USER']}@{self._pg['host']}:{self._pg['port']}/{self.pg_name}"
            )
        else:
            self.env.pop("DATABASE_URL", None)

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "ketnoi.publishing.tests.reliability_setup", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip()

    def worker(self) -> subprocess.Popen[bytes]:
        log = (self.tmp / "worker.log").open("ab")
        return subprocess.Popen(
            [sys.executable, "-m", "ketnoi.cli", "worker", "-w", "8", "-k", "thread"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def statuses(self, story_id: int) -> dict[str, int]:
        sql = "SELECT status, COUNT(*) FROM publishing_publication WHERE story_id = %s GROUP BY status"
        if self.pg_name:
            import psycopg

            with psycopg.connect(dbname=self.pg_name, **self._pg) as conn:
                return dict(conn.execute(sql, (story_id,)).fetchall())
        with sqlite3.connect(self.tmp / "ketnoi.sqlite3", timeout=30) as conn:
            return dict(conn.execute(sql.replace("%s", "?"), (story_id,)).fetchall())

    def stuck(self, story_id: int) -> list[Any]:
        sql = (
            "SELECT id, status, attempts, next_try_at, lease_until, call_started_at, error_code "
            "FROM publishing_publication WHERE story_id = %s AND status <> 'published'"
        )
        if self.pg_name:
            import psycopg

            with psycopg.connect(dbname=self.pg_name, **self._pg) as conn:
                return conn.execute(sql, (story_id,)).fetchall()
        with sqlite3.connect(self.tmp / "ketnoi.sqlite3", timeout=30) as conn:
            return conn.execute(sql.replace("%s", "?"), (story_id,)).fetchall()

    def drop(self) -> None:
        if self.pg_name:
            import psycopg

            with psycopg.connect(dbname="postgres", autocommit=True, **self._pg) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Site, PublishingPlatforms]]:
    fake = PublishingPlatforms().start()
    for n in range(PAGES):
        fake.add_facebook_page(page_id(n), token(n), name=f"Trang {n}")
    world = Site(tmp_path, fake)
    try:
        yield world, fake
    finally:
        fake.stop()
        world.drop()


def _posts_of(fake: PublishingPlatforms, title: str) -> list[int]:
    return [sum(1 for p in fake.posts(page_id(n)) if p["message"].startswith(title)) for n in range(PAGES)]


def _kill_mid_flight(fake: PublishingPlatforms, worker: subprocess.Popen[bytes], title: str) -> int:
    """SIGKILL the worker once some posts are out and requests are in flight; how many were out."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        out = sum(_posts_of(fake, title))
        if out >= 5 and fake.in_flight > 0:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            return out
        assert worker.poll() is None, "the worker stopped on its own"
        time.sleep(0.01)
    raise AssertionError("no post went out in time")


def _run_to_the_end(site: Site, story_id: int) -> dict[str, int]:
    end = time.monotonic() + DEADLINE
    statuses: dict[str, Any] = {}
    while time.monotonic() < end:
        statuses = site.statuses(story_id)
        if statuses.get("published") == PAGES:
            return statuses
        time.sleep(0.5)
    return statuses


def _scenario(site: Site, fake: PublishingPlatforms, title: str) -> None:
    story_id = int(site.run("story", str(PAGES), title))
    worker = site.worker()
    try:
        out_before_kill = _kill_mid_flight(fake, worker, title)
        assert out_before_kill < PAGES
        worker = site.worker()
        statuses = _run_to_the_end(site, story_id)
        assert statuses == {"published": PAGES}, (statuses, site.stuck(story_id), time.time())
        assert _posts_of(fake, title) == [1] * PAGES
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
    assert worker.returncode is not None


def test_a_killed_worker_publishes_exactly_once_per_page_and_sigterm_stops_it(site):
    world, fake = site
    world.run("pages", str(PAGES))
    fake.configure(latency=0.15)
    _scenario(world, fake, "Tin thứ nhất")
    # The same with 429 and 500 at random, 500 after storing, and answers lost after storing.
    fake.configure(
        latency=0.05,
        chaos=Chaos(
            p429=0.15, p500=0.1, p500_after_store=0.05, p_timeout_after_store=0.1, hang_seconds=1.5, seed=7
        ),
    )
    _scenario(world, fake, "Tin thứ hai")
    # SIGTERM stops a running worker cleanly.
    log = world.tmp / "worker.log"
    offset = log.stat().st_size
    worker = world.worker()
    end = time.monotonic() + DEADLINE
    while "commands are available" not in log.read_text(errors="replace")[offset:]:
        assert time.monotonic() < end and worker.poll() is None, "the worker did not start"
        time.sleep(0.2)
    time.sleep(5)  # the consumer sets its signal handlers after its threads have started
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0
