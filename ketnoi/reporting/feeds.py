"""Indicators fed by the product's own data (the official page registry).

A small adapter: it imports ``ketnoi.pages`` only when asked, and answers nothing when the page
registry is not installed or not migrated, so reporting works without it. Each unit gets the
figure of its *own* pages; the roll-up adds the units below, as for any entered value.

    pages_count      pages registered (not retired) on the period's last day
    pages_followers  the audience of those pages: each page's latest figure on or before that day
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Max, Q

from ketnoi.reporting.models import Feed


def _pages() -> Any | None:
    try:
        from ketnoi.pages import models as pages_models
    except ImportError:
        return None
    if not hasattr(pages_models, "Page"):
        return None
    return pages_models


def available() -> bool:
    return _pages() is not None


def feed_values(feed: str, unit_ids: Iterable[int], day: dt.date) -> dict[int, float]:
    """unit id -> figure of the unit's own pages on ``day`` (units without pages are left out)."""
    pm = _pages()
    ids = list(unit_ids)
    if pm is None or not ids or feed == Feed.MANUAL:
        return {}
    try:
        with transaction.atomic():  # a savepoint: a missing table must not break the caller's transaction
            return _compute(pm, feed, ids, day)
    except DatabaseError:
        return {}


def _compute(pm: Any, feed: str, ids: list[int], day: dt.date) -> dict[int, float]:
    pages = pm.Page.objects.filter(unit_id__in=ids, created_at__date__lte=day).filter(
        Q(retired_on__isnull=True) | Q(retired_on__gt=day)
    )
    if feed == Feed.PAGES_COUNT:
        out: dict[int, float] = {}
        for unit_id in pages.values_list("unit_id", flat=True):
            out[unit_id] = out.get(unit_id, 0.0) + 1
        return out
    if feed == Feed.PAGES_FOLLOWERS:
        latest = dict(
            pm.MetricSnapshot.objects.filter(page__in=pages, day__lte=day)
            .values("page_id")
            .annotate(last=Max("day"))
            .values_list("page_id", "last")
        )
        unit_of = dict(pages.values_list("pk", "unit_id"))
        out = {}
        snaps = pm.MetricSnapshot.objects.filter(page_id__in=list(latest), day__in=set(latest.values())).only(
            "page_id", "day", "followers", "members", "likes"
        )
        for snap in snaps:
            if latest.get(snap.page_id) != snap.day or snap.audience is None:
                continue
            uid = unit_of[snap.page_id]
            out[uid] = out.get(uid, 0.0) + float(snap.audience)
        return out
    return {}
