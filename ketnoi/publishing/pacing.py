"""Pacing of the calls to one platform, shared by every worker through one database row per platform.

Before a call a worker reserves the next free slot (``reserve``): the row's ``next_at`` moves on by the
current ``interval``. After the call the platform's own usage figures (``observe``) tune the interval so
that the usage settles just below the allowance: a large batch slows down before it is throttled, and
speeds up again when the platform reports room. A rate-limit answer pauses the platform for as long as the
platform asked.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ketnoi.publishing.models import PublishPace

TARGET_PERCENT = 93  # usage the pacing aims at (per cent of the platform's allowance)
START_PERCENT = 30  # below this usage there is no spacing at all
MIN_INTERVAL = 0.002
MAX_INTERVAL = 60.0
SLOWER = 0.3  # at most this share of change of the interval per answer, when slowing down
FASTER = 0.08  # ... and when speeding up (carefully: the platform counts over a window)


def _row(platform: str) -> PublishPace:
    row = PublishPace.objects.select_for_update().filter(platform=platform).first()
    if row is None:
        PublishPace.objects.get_or_create(platform=platform)
        row = PublishPace.objects.select_for_update().get(platform=platform)
    return row


def reserve(platform: str) -> float:
    """Take the next slot for a call; the seconds to wait before making it."""
    now = timezone.now()
    free = PublishPace.objects.filter(platform=platform, interval=0).filter(
        Q(paused_until__isnull=True) | Q(paused_until__lte=now)
    )
    if free.exists():
        return 0.0  # no spacing asked for: no write (on SQLite every write takes the database's lock)
    with transaction.atomic():
        row = _row(platform)
        now = timezone.now()
        slot = max(now, row.next_at or now)
        if row.paused_until is not None and row.paused_until > slot:
            slot = row.paused_until
        row.next_at = slot + dt.timedelta(seconds=row.interval)
        row.save(update_fields=["next_at"])
    return max(0.0, (slot - now).total_seconds())


def observe(platform: str, *, usage: int, limited_for: int | None = None) -> None:
    """Tune the spacing from the usage the platform reported (and pause it after a rate-limit answer)."""
    if limited_for is None and usage < START_PERCENT:
        idle = PublishPace.objects.filter(platform=platform, interval=0, usage__lt=START_PERCENT)
        if idle.exists():
            return  # nothing to tune: no write
    with transaction.atomic():
        row = _row(platform)
        interval = row.interval
        if limited_for is not None:
            interval = min(MAX_INTERVAL, max(interval * 1.25, MIN_INTERVAL * 5))
            row.paused_until = timezone.now() + dt.timedelta(seconds=max(1, limited_for))
        elif usage >= START_PERCENT:
            if interval <= 0:
                interval = MIN_INTERVAL
            factor = min(1 + SLOWER, max(1 - FASTER, usage / TARGET_PERCENT))
            interval = min(MAX_INTERVAL, max(MIN_INTERVAL, interval * factor))
        elif interval > 0:
            interval = interval * (1 - FASTER)
            if interval < MIN_INTERVAL:
                interval = 0.0
        row.interval = interval
        row.usage = min(usage, 1000)
        row.save(update_fields=["interval", "paused_until", "usage"])
