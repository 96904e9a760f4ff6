"""Deadline day, the short version (bench/deadline_day.py at a small size): a real gunicorn on loopback,
clerks logging in, saving and submitting a month's report, approvers approving, readers on the dashboards,
citizens on the public check and one abuser of it.

Runs on the suite's database (SQLite, or PostgreSQL with Redis when DATABASE_URL is set). Asserts what
must hold on any machine: no error, no acknowledged value lost, no approval lost, no
"database is locked" in the server's log, and the abuser refused with 429 while the other citizens are
answered. The latency ratios to the trivial view are printed, not asserted (the machine is shared); the
full deadline day is the README's command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "deadline_day.py"


def run(tmp_path: Path, env: dict[str, str]) -> dict:
    out = tmp_path / "deadline.json"
    args = [
        "--communes",
        "8",
        "--readers",
        "4",
        "--approvers",
        "4",
        "--minutes",
        "0.25",
        "--public-limit",
        "20",
        "--json",
        str(out),
    ]
    answer = subprocess.run(  # noqa: S603 - our own benchmark
        [sys.executable, str(BENCH), *args], env=env, capture_output=True, text=True, timeout=300
    )
    print(answer.stdout)  # noqa: T201 - the ratios, for the reader of the CI log
    assert answer.returncode == 0, answer.stderr[-3000:]
    return json.loads(out.read_text())


def environment() -> dict[str, str]:
    """The suite's database kind: SQLite, or (CI's second run) PostgreSQL with Redis, in a database of its
    own (the benchmark drops and creates it; never the suite's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL"))}
    url = os.environ.get("DATABASE_URL", "")
    if url:
        parts = urllib.parse.urlparse(url)
        env["DATABASE_URL"] = parts._replace(path=f"{parts.path}_deadline_day").geturl()
    return env


def test_deadline_day_loses_nothing_never_locks_and_limits_the_abuser(tmp_path: Path) -> None:
    report = run(tmp_path, environment())
    assert report["errors"] == 0, report["error_samples"]
    assert report["acknowledged_saves"] == 8
    assert report["values_checked"] == 8 * 11
    assert report["values_lost"] == 0
    assert report["submitted"] == 8
    assert report["approved"] == 8
    assert report["approvals_lost"] == 0
    assert report["database_locked"] == 0
    # The abuser is over the limit and refused; the other citizens, under it, were all answered.
    assert report["abuse_answers"].get("429", 0) > 0
    # One count for the whole server, not one per gunicorn worker (3 workers would let 3 x 20 through).
    assert report["abuse_answered_max_per_minute"] <= report["public_limit"] + 1
    assert report["kinds"]["public check"]["count"] > 0
    assert report["kinds"]["public check"]["errors"] == 0
    for kind in ("login", "entry", "save", "submit", "approve", "home", "reports home", "status page"):
        assert report["kinds"][kind]["count"] > 0, kind
