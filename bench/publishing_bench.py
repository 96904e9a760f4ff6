"""Benchmark of scheduled publishing: 200 pages × 10 stories due in the same minute, published by the real
worker (``ketnoi worker``, Huey) against the local fake Graph API allowing R requests a second.

    KETNOI_DATA_DIR=$(mktemp -d) python bench/publishing_bench.py \\
        [R=20] [pages=200] [stories=10] [threads=8] [--trace]
    (add DATABASE_URL=postgres://... to run it on PostgreSQL)

The ideal time is (pages × stories) / R: every request the platform allows, used, none wasted. The figure is
ideal / measured (1.0 = as fast as the platform allows; goal ≥ 0.9), measured from the first request the
fake server receives to the last publication recorded as published. Duplicates (a page with the same story
twice) must be zero. Prints one line of figures per run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# The fake platforms live with the tests (tests/fakes/), outside the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(rate: float, pages: int, stories_count: int, threads: int, trace: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    os.environ.setdefault("KETNOI_ENV", "development")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from ketnoi.connectors.services import credential_set
    from ketnoi.core.permissions import SYSTEM
    from ketnoi.pages.services import page_register
    from ketnoi.publishing.models import Publication, PublishPace
    from ketnoi.publishing.services import publications, stories
    from ketnoi.units.services import unit_create
    from tests.fakes.publish import PublishingPlatforms

    call_command("migrate", verbosity=0)
    fake = PublishingPlatforms().start()
    fake.limit_rate(rate, window=2.0)
    unit = unit_create(
        code="BENCH", name="Tỉnh thử", kind="province", level="province", parent=None, by=SYSTEM
    )
    page_rows = []
    for n in range(pages):
        page_id, token = f"{300000000000000 + n}", f"EAAB-bench-{n:05d}"
        fake.add_facebook_page(page_id, token)
        page = page_register(
            unit=unit,
            platform="facebook_page",
            name=f"Trang {n}",
            url=f"https://www.facebook.com/{page_id}",
            platform_id=page_id,
            by=SYSTEM,
        )
        credential_set(page=page, access_token=token, expires_at=None, by=SYSTEM)
        page_rows.append(page)
    at = timezone.now()
    for s in range(stories_count):
        story = stories.story_create(unit=unit, title=f"Tin {s}", body=f"Nội dung tin thử số {s}.", by=SYSTEM)
        stories.story_approve(story=stories.story_submit(story=story, by=SYSTEM), by=SYSTEM)
        publications.publication_schedule(story=story, pages=page_rows, at=at, by=SYSTEM)
    total = pages * stories_count
    env = {**os.environ, **fake.urls(), "KETNOI_LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "ketnoi.cli", "worker", "-w", str(threads), "-k", "thread"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    first = None
    try:
        while True:
            if first is None and fake.pub.requests:
                first = time.monotonic()
            done = Publication.objects.filter(status="published").count()
            if done >= total:
                break
            if worker.poll() is not None:
                raise SystemExit("the worker stopped")
            if trace and first is not None:
                pace = PublishPace.objects.filter(platform="facebook_page").first()
                if pace is not None:
                    print(
                        f"  {time.monotonic() - first:6.1f} s: {done} published, rate estimate "
                        f"{pace.rate:.1f}/s, interval {pace.interval * 1000:.0f} ms, usage {pace.usage} %, "
                        f"sample {pace.sample_calls} since {pace.sample_start}, "
                        f"requests {fake.pub.requests}, throttled {fake.pub.throttled}",
                        file=sys.stderr,
                    )
            time.sleep(0.05 if first is None else 0.5)
        end = time.monotonic()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)
        fake.stop()
    if first is None:
        raise SystemExit("no request reached the fake server")
    elapsed = end - first
    ideal = total / rate
    counts: dict[tuple[str, str], int] = {}
    for page in page_rows:
        for post in fake.posts(page.platform_id):
            key = (page.platform_id, post["message"])
            counts[key] = counts.get(key, 0) + 1
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    missing = total - len(counts)
    vendor = "postgresql" if "postgres" in settings.DATABASES["default"]["ENGINE"] else "sqlite"
    print(
        f"publishing {vendor}: {total} publications, R={rate:g}/s, {threads} worker threads: "
        f"{elapsed:.1f} s against ideal {ideal:.1f} s -> ratio {ideal / elapsed:.2f}; "
        f"duplicates {duplicates}, missing {missing}, "
        f"requests {fake.pub.requests}, throttled {fake.pub.throttled}"
    )


if __name__ == "__main__":
    trace = "--trace" in sys.argv  # prints the pacing's state every half second
    args = [float(a) for a in sys.argv[1:] if a != "--trace"]
    main(
        rate=args[0] if args else 20.0,
        pages=int(args[1]) if len(args) > 1 else 200,
        stories_count=int(args[2]) if len(args) > 2 else 10,
        threads=int(args[3]) if len(args) > 3 else 8,
        trace=trace,
    )
