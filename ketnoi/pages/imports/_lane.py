"""What both fast lanes share: the distinct pages and dates of a clean file, resolved once each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ketnoi.pages.imports.reading import parse_day
from ketnoi.pages.models import Page


class _NotClean(Exception):
    """Something needs the row-by-row checks: leave the lane (the transaction is rolled back)."""


def _pages(
    refs: list[str | None], *, resolve_page: Any, may_write: Any, preload: Any
) -> dict[str, int] | None:
    """Page id of each distinct page reference; None when one does not resolve or may not be written."""
    if preload is not None:  # pages named by id: fetched in a few queries, not one each
        ids = (ref.strip() for ref in refs if ref)
        preload({int(ref) for ref in ids if ref.isascii() and ref.isdigit()})
    found: dict[str, int] = {}
    for ref in refs:
        page: Page | None = resolve_page((ref or "").strip())
        if page is None or not may_write(page):
            return None
        found[ref or ""] = page.pk
    return found


def _days(texts: list[str | None], today: dt.date) -> dict[str, dt.date] | None:
    """Date of each distinct date text; None when one is not a date the ordinary import would accept."""
    found: dict[str, dt.date] = {}
    for text in texts:
        try:
            day = parse_day(text or "")
        except ValueError:
            return None
        if day > today or day.year < 2004:
            return None
        found[text or ""] = day
    return found
