"""Pacing of the calls to one platform, shared by every worker through one database row per platform.

Before a call a worker reserves the next free slot (``reserve``): the row's ``next_at`` moves on by the
current ``interval``. After the call the platform's own usage figures (``observe``, Meta's ``X-App-Usage``
and ``X-Business-Use-Case-Usage``: the share of the allowance used in the platform's window) give an
**estimate of the rate the platform allows**: our own calls a second over the last sample, divided by the
share of the allowance they used (40 calls a second reported as 80 % means 50 allowed). The interval is
then set to use ``TARGET_PERCENT`` of that rate: a large batch runs just below the allowance from its first
seconds on instead of creeping towards it, and slows before it is throttled. Until there is an estimate
(low usage, the first seconds), a slowly adapting interval follows the usage alone. A rate-limit answer
pauses the platform for as long as the platform asked, and lowers the estimate.

Writes are few, since on SQLite each waits for the database's lock and a disk flush: a worker process takes
its slots from the row a batch at a time (``BATCH_SECONDS`` of calls) and hands them to its threads, and it
counts the answers in memory, bringing them to the row at most every ``FLUSH_SECONDS`` (at once after a
rate-limit answer). Several worker processes still share one pace: each batch is taken from the row.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import deque
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ketnoi.publishing.models import PublishPace

TARGET_PERCENT = 95  # share of the estimated allowance the pacing uses
START_PERCENT = 30  # below this usage, and with no estimate yet, there is no spacing at all
ESTIMATE_FROM_PERCENT = 10  # usage figures below this are too coarse (whole per cent) to estimate from
SAMPLE_SECONDS = 2.0  # our own calls are counted over at least this long for one estimate
STALE_SECONDS = 30.0  # a sample older than this (an idle platform) is started again, not used
SMOOTHING = 0.5  # weight of a new estimate against the previous one
RAISE_AT_MOST = 1.25  # an estimate above the one held raises it by at most this factor per sample...
RAISE_PAST_CEILING = 1.01  # ... and by this much once it passes the rate that was last throttled
STEADY_POINTS = 10  # usage that moved more than this over a sample is still filling the platform's window
LIMITED_CUT = 0.85  # a rate-limit answer: the estimate was too high
BATCH_SECONDS = 0.25  # slots taken from the row at a time by one process
MAX_BATCH = 50
FLUSH_SECONDS = 0.5  # answers counted in memory at most this long before they reach the row
STALE_SLOT_SECONDS = 1.0  # a slot this far in the past is dropped, not used (no catch-up burst)
MIN_INTERVAL = 0.002
MAX_INTERVAL = 60.0
SLOWER = 0.3  # without an estimate: at most this share of change of the interval per answer, slowing down
FASTER = 0.08  # ... and when speeding up (carefully: the platform counts over a window)


PACE_FIELDS = (
    "interval",
    "paused_until",
    "usage",
    "rate",
    "ceiling",
    "sample_start",
    "sample_calls",
    "sample_usage",
)


@dataclass
class _Local:
    """One worker process's share of a platform's pace (its threads share it)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    slots: deque[dt.datetime] = field(default_factory=deque)
    calls: int = 0  # answers counted since the last flush
    flushed: dt.datetime | None = None


_local: dict[str, _Local] = {}
_local_lock = threading.Lock()


def _mine(platform: str) -> _Local:
    with _local_lock:
        return _local.setdefault(platform, _Local())


def forget() -> None:
    """Drop this process's slots and counts (tests, and a process that starts afresh)."""
    with _local_lock:
        _local.clear()


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
    local = _mine(platform)
    with local.lock:
        now = timezone.now()
        while local.slots and (now - local.slots[0]).total_seconds() > STALE_SLOT_SECONDS:
            local.slots.popleft()
        if not local.slots:
            _take_batch(platform, local, now)
        slot = local.slots.popleft()
    return max(0.0, (slot - now).total_seconds())


def _take_batch(platform: str, local: _Local, now: dt.datetime) -> None:
    with transaction.atomic():
        row = _row(platform)
        slot = max(now, row.next_at or now)
        if row.paused_until is not None and row.paused_until > slot:
            slot = row.paused_until
        step = dt.timedelta(seconds=row.interval)
        count = (
            1
            if row.interval <= 0
            else max(1, min(MAX_BATCH, math.floor(BATCH_SECONDS / row.interval + 1e-9)))
        )
        local.slots.extend(slot + step * n for n in range(count))
        row.next_at = slot + step * count
        row.save(update_fields=["next_at"])


def estimate(calls: int, seconds: float, usage: int) -> float | None:
    """The calls a second the platform allows, from ours over ``seconds`` and the usage it reported."""
    if seconds <= 0 or calls < 2 or usage < ESTIMATE_FROM_PERCENT:
        return None
    return (calls / seconds) * 100.0 / usage


def observe(platform: str, *, usage: int, limited_for: int | None = None) -> None:
    """Count our call, estimate the allowed rate from the usage the platform reported, set the spacing
    (and pause the platform after a rate-limit answer)."""
    limited = limited_for is not None
    if not limited and usage < ESTIMATE_FROM_PERCENT:
        idle = PublishPace.objects.filter(platform=platform, interval=0, rate=0, usage__lt=START_PERCENT)
        if idle.exists():
            return  # far below the allowance and nothing to tune: no write
    local = _mine(platform)
    now = timezone.now()
    with local.lock:
        if not limited:
            local.calls += 1
        if limited:
            local.slots.clear()  # the platform asked for a pause: the slots taken are void
        elif local.flushed is not None and (now - local.flushed).total_seconds() < FLUSH_SECONDS:
            return  # counted; the row hears of it with the next flush
        calls, local.calls, local.flushed = local.calls, 0, now
    with transaction.atomic():
        row = _row(platform)
        now = timezone.now()
        interval = row.interval
        if limited_for is not None:
            pause = max(1, limited_for)
            already = row.paused_until is not None and row.paused_until > now
            if already:
                pass  # more answers of the calls already in flight: one overshoot, one cut
            elif row.rate > 0:
                row.ceiling = row.rate
                row.rate *= LIMITED_CUT
            elif row.sample_start is not None and row.sample_calls + calls >= 2:
                # The first rate limit: the allowance was used up by our calls since the sample started,
                # and comes back after the pause asked: at most that many calls over that time.
                spent = (now - row.sample_start).total_seconds() + pause
                row.rate = (row.sample_calls + calls) / spent
            else:
                interval = min(MAX_INTERVAL, max(interval * 1.25, MIN_INTERVAL * 5))
            row.paused_until = now + dt.timedelta(seconds=pause)
        _count(row, now, usage, calls, limited=limited)
        if row.rate > 0:
            interval = 100.0 / (row.rate * TARGET_PERCENT)
        elif not limited and usage >= START_PERCENT:
            if interval <= 0:
                interval = MIN_INTERVAL
            factor = min(1 + SLOWER, max(1 - FASTER, usage / TARGET_PERCENT))
            interval = interval * factor
        elif not limited and interval > 0:
            interval = 0.0 if usage < START_PERCENT else interval * (1 - FASTER)
            if interval < MIN_INTERVAL:
                interval = 0.0
        row.interval = min(MAX_INTERVAL, interval) if interval > 0 else 0.0
        row.usage = min(usage, 1000)
        row.save(update_fields=[*PACE_FIELDS])


def _count(row: PublishPace, now: dt.datetime, usage: int, calls: int, *, limited: bool) -> None:
    """Our calls answered since the last flush, added to the sample; a sample long enough gives a new
    estimate of the rate.

    The estimate assumes the platform's window is full of calls at our pace. While it is still filling
    (after a start or a pause, the usage climbs) it overestimates, so it is taken then only when lower
    than the one held. A rate-limit answer ends the sample: the pause empties the window."""
    start = row.sample_start
    if limited:
        row.sample_start, row.sample_calls, row.sample_usage = None, 0, 0
        return
    if start is None or (now - start).total_seconds() > STALE_SECONDS:
        row.sample_start, row.sample_calls, row.sample_usage = now, calls, min(usage, 1000)
        return
    row.sample_calls += calls
    seconds = (now - start).total_seconds()
    if seconds < SAMPLE_SECONDS:
        return
    new = estimate(row.sample_calls, seconds, usage)
    steady = abs(usage - row.sample_usage) <= STEADY_POINTS
    if usage < START_PERCENT and row.sample_usage < START_PERCENT:
        row.rate = 0.0  # far below the allowance for a whole sample: no spacing until the usage climbs
    elif new is None:
        pass
    elif row.rate <= 0:
        row.rate = new
    elif new < row.rate:
        row.rate = row.rate * (1 - SMOOTHING) + new * SMOOTHING
    elif steady:
        # Up carefully: a window still filling after a pause looks like room. Quickly back to the rate
        # that was last throttled, slowly past it.
        quick = row.rate * RAISE_AT_MOST
        if row.ceiling > 0:
            quick = max(row.rate * RAISE_PAST_CEILING, min(quick, row.ceiling))
        row.rate = min(new, quick)
    row.sample_start, row.sample_calls, row.sample_usage = now, 0, min(usage, 1000)
