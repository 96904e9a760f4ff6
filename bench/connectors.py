"""Benchmark of the connectors against the local fake platforms.

    KETNOI_DATA_DIR=$(mktemp -d) python bench/connectors.py [pages=600]

Creates one unit and ``pages`` connected pages (a third each on Facebook, YouTube and Zalo), then measures
the scheduler (finding due pages and queuing one run each) and the pulls (claim, HTTP call to the fake
platform, upsert of the day's snapshot, finish), run in one process. Prints the figures.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ketnoi.core.permissions import SYSTEM

# The fake platforms live with the tests (tests/fakes/), outside the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(pages: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ketnoi.connectors import services
    from ketnoi.pages.services import page_register
    from ketnoi.units.services import unit_create
    from tests.fakes.platforms import FakePlatforms

    call_command("migrate", verbosity=0)
    fake = FakePlatforms().start()
    for name, url in fake.urls().items():
        setattr(settings, name, url)
    unit = unit_create(
        code="BENCH", name="Tỉnh thử", kind="province", level="province", parent=None, by=SYSTEM
    )
    t0 = time.perf_counter()
    for n in range(pages):
        kind = ("facebook_page", "youtube", "zalo_oa")[n % 3]
        pid = f"{n:015d}" if kind != "youtube" else f"UC{n:022d}"
        token = f"bench-token-{n:06d}"
        if kind == "facebook_page":
            fake.add_facebook_page(pid, token, followers=1000 + n)
            url = f"https://www.facebook.com/{pid}"
        elif kind == "youtube":
            fake.add_youtube_channel(pid, token, subscribers=1000 + n)
            url = f"https://www.youtube.com/channel/{pid}"
        else:
            zalo_app = {"app_id": "bench-app", "secret_key": "bench-secret"}
            fake.add_zalo_oa(pid, **zalo_app, access_token=token, refresh_token=f"r{n}", followers=n)
            url = f"https://zalo.me/{pid}"
        page = page_register(unit=unit, platform=kind, name=f"Trang {n}", url=url, platform_id=pid, by=SYSTEM)
        services.credential_set(page=page, access_token=token, expires_at=None, by=SYSTEM)
    setup = time.perf_counter() - t0

    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        ids = services.enqueue_due(limit=pages)
        enqueue = time.perf_counter() - t0
    t0 = time.perf_counter()
    done = [services.pull_execute(run_id) for run_id in ids]
    pull = time.perf_counter() - t0
    ok = sum(1 for r in done if r is not None and r.status == "succeeded")
    fake.stop()
    print(f"database: {connection.vendor}; pages connected: {pages} (setup {setup:.1f} s)")
    print(f"scheduler: {len(ids)} runs queued in {enqueue * 1000:.0f} ms, {len(queries)} queries")
    print(f"pulls: {ok}/{len(ids)} succeeded in {pull:.1f} s = {len(ids) / pull:.0f} pages/s in one worker")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 600)
