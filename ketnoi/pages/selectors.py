"""Reads of official pages, scoped to what the caller may see."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from ketnoi.core import permissions
from ketnoi.core.exceptions import NotFound, PermissionDenied
from ketnoi.lib.vn_text import fold
from ketnoi.pages.models import MetricSnapshot, Page, PageStatus
from ketnoi.pages.urlnorm import BadAddress, canonical
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


def page_get(*, pk: int, for_user: Actor, verb: str = "view") -> Page:
    """The page with ``pk`` if the user may ``verb`` it: 404 when it does not exist, 403 when out of scope."""
    try:
        page = Page.objects.select_related("unit").get(pk=pk)
    except (Page.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not permissions.can(for_user, verb, page.unit):
        raise PermissionDenied()
    return page


def page_list(
    *,
    for_user: Actor,
    verb: str = "view",
    under: Unit | None = None,
    platform: str = "",
    status: str = "",
    q: str = "",
    grassroots: bool | None = None,
) -> QuerySet[Page]:
    """Pages the user may ``verb``, optionally within ``under``'s subtree; search ignores diacritics."""
    qs = Page.objects.filter(permissions.scope_q(for_user, verb, "unit")).select_related("unit")
    if under is not None:
        qs = qs.filter(unit__path__startswith=under.path)
    if platform:
        qs = qs.filter(platform=platform)
    if status:
        qs = qs.filter(status=status)
    if grassroots is not None:
        qs = qs.filter(is_grassroots=grassroots)
    if q:
        qs = _search(qs, q)
    return qs.order_by("unit__path", "name_folded", "pk")


def _search(qs: QuerySet[Page], q: str) -> QuerySet[Page]:
    for word in fold(q).split():
        qs = qs.filter(Q(name_folded__contains=word) | Q(canonical_url__contains=word) | Q(platform_id=word))
    return qs


def page_find_by_url(url: str) -> Page | None:
    """The registered page at this address (any status), or None. Not scoped: used by the public check."""
    try:
        key = canonical(url)
    except BadAddress:
        return None
    return Page.objects.select_related("unit").filter(canonical_url=key).first()


def public_page_list(*, q: str = "", unit_code: str = "", platform: str = "") -> QuerySet[Page]:
    """Verified pages only, for the public directory (no login)."""
    qs = Page.objects.filter(status=PageStatus.VERIFIED).select_related("unit")
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if platform:
        qs = qs.filter(platform=platform)
    if q:
        qs = _search(qs, q)
    return qs.order_by("unit__path", "name_folded", "pk")


def snapshot_list(
    *, page: Page, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[MetricSnapshot]:
    """The page's snapshots between two days (inclusive), oldest first (``page`` comes from page_get)."""
    qs = MetricSnapshot.objects.filter(page=page)
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    return qs.order_by("day")
