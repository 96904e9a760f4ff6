"""Reads of the look-alike watch: the in-memory index of official pages, and the scoring of a candidate."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max

from ketnoi.lookalike.index import Match, OfficialIndex
from ketnoi.lookalike.scoring import Candidate, Official
from ketnoi.pages.models import Page, PageStatus

# Pages that an impostor may imitate: registered and verified ones (a retired page is nobody's to imitate).
WATCHED = (PageStatus.REGISTERED, PageStatus.VERIFIED)
_INDEX: dict[str, Any] = {"version": None, "index": None}


def _version() -> str:
    row = Page.objects.filter(status__in=WATCHED).aggregate(n=Count("id"), last=Max("updated_at"))
    extra = cache.get("lookalike:pictures-version", 0)
    return f"{row['n']}:{row['last']}:{extra}"


def officials() -> list[Official]:
    rows = Page.objects.filter(status__in=WATCHED).values_list(
        "pk", "name", "url", "canonical_url", "platform", "unit__name"
    )
    pictures = _pictures()
    out = []
    for pk, name, url, key, platform, unit_name in rows.iterator(chunk_size=2000):
        out.append(
            Official.make(
                page_id=pk,
                name=name,
                url=url,
                canonical_url=key,
                platform=platform,
                unit_name=unit_name,
                **pictures.get(pk, {}),
            )
        )
    return out


def _pictures() -> dict[int, dict[str, int | None]]:
    """The hashes of each official page's avatar and cover (none until the office records them)."""
    return {}


def official_index() -> OfficialIndex:
    """The index of watched pages, rebuilt when a page is added, changed or removed (one query to know)."""
    version = _version()
    if _INDEX["version"] != version or _INDEX["index"] is None:
        _INDEX["index"] = OfficialIndex(officials())
        _INDEX["version"] = version
    index: OfficialIndex = _INDEX["index"]
    return index


def score_candidate(candidate: Candidate, *, limit: int = 5, minimum: float = 0.0) -> list[Match]:
    return official_index().best(candidate, limit=limit, minimum=minimum)
