"""Crash drill (issue 16 item 3): the publishing worker killed with SIGKILL at random moments, again and
again, across many jobs, loses nothing and duplicates nothing, on the suite's database (SQLite or
PostgreSQL: run the suite with DATABASE_URL for the second).

CI runs it on ``KETNOI_DRILL_JOBS`` (default 100) pages; the full drill is 500:

    KETNOI_DRILL_JOBS=500 python -m pytest -p no:xdist ketnoi/publishing/tests/test_crash_drill.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ketnoi_test KETNOI_DRILL_JOBS=500 python -m pytest \\
        -p no:xdist ketnoi/publishing/tests/test_crash_drill.py

The worker is killed at a random moment of its life (starting, claiming, waiting for its pace, with a
request in flight, recording an outcome) up to ``KILLS`` times, then left to finish. The fake platform also
answers 429 and 500 at random and sometimes stores a post and then loses the answer, so some kills find a
call whose outcome is unknown.
"""

from __future__ import annotations

import os
import random
import signal
import time

from ketnoi.publishing.tests.reliability_setup import page_id
from ketnoi.publishing.tests.test_reliability import Site, site  # noqa: F401 - the fixture
from tests.fakes.publish import Chaos

JOBS = int(os.environ.get("KETNOI_DRILL_JOBS", "100"))
KILLS = 12
DEADLINE = 60.0 + JOBS * 0.6


def test_a_worker_killed_at_random_moments_loses_and_duplicates_nothing(site, monkeypatch):  # noqa: F811
    world, fake = site
    for n in range(50, JOBS):  # the fixture registers 50 pages on the fake platform
        fake.add_facebook_page(page_id(n), f"EAAB-reliability-{n:04d}", name=f"Trang {n}")
    world.run("pages", str(JOBS))
    story_id = int(world.run("story", str(JOBS), "Tin diễn tập"))
    fake.configure(
        latency=0.03,
        chaos=Chaos(
            p429=0.03, p500=0.03, p500_after_store=0.02, p_timeout_after_store=0.02, hang_seconds=1.5
        ),
    )
    rng = random.Random(16)
    kills = 0
    end = time.monotonic() + DEADLINE
    worker = world.worker()
    try:
        while kills < KILLS and time.monotonic() < end:
            time.sleep(rng.uniform(0.2, 2.5))  # a random moment of the worker's life
            if world.statuses(story_id).get("published") == JOBS:
                break
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            kills += 1
            worker = world.worker()
        statuses: dict[str, int] = {}
        while time.monotonic() < end:
            statuses = world.statuses(story_id)
            if statuses.get("published") == JOBS:
                break
            time.sleep(0.5)
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
    assert kills >= 3, "the drill ended before the worker was killed a few times"
    assert statuses == {"published": JOBS}, (statuses, world.stuck(story_id)[:5])
    counts = [
        sum(1 for p in fake.posts(page_id(n)) if p["message"].startswith("Tin diễn tập")) for n in range(JOBS)
    ]
    assert [n for n, c in enumerate(counts) if c == 0] == [], "lost"
    assert [n for n, c in enumerate(counts) if c > 1] == [], "duplicated"
