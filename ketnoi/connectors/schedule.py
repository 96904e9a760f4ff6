"""Time helpers of the connectors: the pull interval, quota days and the YouTube quota guard."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ketnoi.connectors.errors import QuotaExhausted
from ketnoi.connectors.models import QuotaUsage

PACIFIC = ZoneInfo("America/Los_Angeles")


def pull_interval() -> dt.timedelta:
    """How often a connected page is pulled (KETNOI_CONNECTOR_PULL_HOURS, default once a day)."""
    return dt.timedelta(hours=int(getattr(settings, "KETNOI_CONNECTOR_PULL_HOURS", 24)))


def warn_ahead() -> dt.timedelta:
    """How long before a token's expiry its page's administrators are warned (default 7 days)."""
    return dt.timedelta(days=int(getattr(settings, "KETNOI_CONNECTOR_WARN_DAYS", 7)))


def youtube_budget() -> int:
    """Units the connectors may spend per Pacific day: the quota (default 10,000) less a margin kept for
    people testing by hand in the Google console (default 100)."""
    quota = int(getattr(settings, "KETNOI_YOUTUBE_DAILY_QUOTA", 10000))
    margin = int(getattr(settings, "KETNOI_YOUTUBE_QUOTA_MARGIN", 100))
    return max(0, quota - margin)


def pacific_day(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(PACIFIC).date()


def next_pacific_midnight(now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    local = now.astimezone(PACIFIC)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0, 5), tzinfo=PACIFIC)
    return midnight.astimezone(dt.UTC)


class DbQuota:
    """Counts API units per platform and quota day in the database, shared by every worker.

    ``reserve`` adds the units with one conditional UPDATE (``units + n <= budget``), so concurrent
    workers can never spend past the budget together.
    """

    def __init__(self, platform: str, budget: int) -> None:
        self.platform = platform
        self.budget = budget

    def _row(self, day: dt.date) -> None:
        if not QuotaUsage.objects.filter(platform=self.platform, day=day).exists():
            try:
                with transaction.atomic():
                    QuotaUsage.objects.create(platform=self.platform, day=day, units=0)
            except IntegrityError:
                pass  # another worker created it first

    def used(self, now: dt.datetime | None = None) -> int:
        row = QuotaUsage.objects.filter(platform=self.platform, day=pacific_day(now)).first()
        return row.units if row else 0

    def remaining(self, now: dt.datetime | None = None) -> int:
        return max(0, self.budget - self.used(now))

    def reserve(self, units: int) -> None:
        day = pacific_day()
        self._row(day)
        updated = QuotaUsage.objects.filter(
            platform=self.platform, day=day, units__lte=self.budget - units
        ).update(units=F("units") + units)
        if not updated:
            wait = int((next_pacific_midnight() - timezone.now()).total_seconds())
            raise QuotaExhausted(
                f"daily budget of {self.budget} units reached", platform_code="budget", retry_after=wait
            )

    def exhausted(self) -> None:
        day = pacific_day()
        self._row(day)
        QuotaUsage.objects.filter(platform=self.platform, day=day, units__lt=self.budget).update(
            units=self.budget
        )
