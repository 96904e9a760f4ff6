"""The publishing calendar of a unit subtree: days of a month or a week, each with its publications,
the pages that have two or more on the same day (conflicts), and the days with nothing (empty days)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from ketnoi.publishing.models import Publication, PublicationStatus
from ketnoi.publishing.selectors import publication_list
from ketnoi.units.models import Unit


@dataclass
class Day:
    day: dt.date
    in_range: bool
    items: list[Publication] = field(default_factory=list)
    conflicts: set[int] = field(default_factory=set)  # publication ids sharing a page and day

    @property
    def empty(self) -> bool:
        return self.in_range and not self.items

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


def _bounds(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def month_days(year: int, month: int) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(first shown Monday, last shown Sunday, first of month, last of month)."""
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    start = first - dt.timedelta(days=first.weekday())
    end = last + dt.timedelta(days=6 - last.weekday())
    return start, end, first, last


def calendar(
    *, for_user: Any, under: Unit, start: dt.date, end: dt.date, first: dt.date, last: dt.date
) -> list[Day]:
    """Days from ``start`` to ``end`` (inclusive); days outside ``first``..``last`` are shown greyed."""
    rows = publication_list(
        for_user=for_user, under=under, start=_bounds(start), end=_bounds(end + dt.timedelta(days=1))
    ).exclude(status=PublicationStatus.CANCELLED)
    by_day: dict[dt.date, list[Publication]] = defaultdict(list)
    for publication in rows:
        by_day[timezone.localtime(publication.due_at).date()].append(publication)
    days = []
    current = start
    while current <= end:
        items = by_day.get(current, [])
        per_page: dict[int, list[int]] = defaultdict(list)
        for publication in items:
            per_page[publication.page_id].append(publication.pk)
        conflicts = {pk for pks in per_page.values() if len(pks) > 1 for pk in pks}
        days.append(Day(current, first <= current <= last, items, conflicts))
        current += dt.timedelta(days=1)
    return days
