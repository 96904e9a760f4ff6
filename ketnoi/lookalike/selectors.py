"""Reads of the look-alike watch: the in-memory index of official pages; candidates as a person sees them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from ketnoi.core import permissions
from ketnoi.core.exceptions import NotFound, PermissionDenied
from ketnoi.lib.vn_text import fold
from ketnoi.lookalike import pictures
from ketnoi.lookalike.index import Match, OfficialIndex
from ketnoi.lookalike.models import (
    DEFAULT_THRESHOLD,
    Candidate,
    Decision,
    Evidence,
    OfficialPicture,
    PlatformReport,
    WatchSetting,
)
from ketnoi.lookalike.scoring import Candidate as Suspect
from ketnoi.lookalike.scoring import Official
from ketnoi.pages.models import Page, PageStatus
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

# Pages that an impostor may imitate: registered and verified ones (a retired page is nobody's to imitate).
WATCHED = (PageStatus.REGISTERED, PageStatus.VERIFIED)
PICTURES_VERSION = "lookalike:pictures-version"
_INDEX: dict[str, Any] = {"version": None, "index": None}


def _version() -> str:
    row = Page.objects.filter(status__in=WATCHED).aggregate(n=Count("id"), last=Max("updated_at"))
    return f"{row['n']}:{row['last']}:{cache.get(PICTURES_VERSION, 0)}"


def officials() -> list[Official]:
    rows = Page.objects.filter(status__in=WATCHED).values_list(
        "pk", "name", "url", "canonical_url", "platform", "unit__name"
    )
    hashes = _pictures()
    return [
        Official.make(
            page_id=pk,
            name=name,
            url=url,
            canonical_url=key,
            platform=platform,
            unit_name=unit_name,
            **hashes.get(pk, {}),
        )
        for pk, name, url, key, platform, unit_name in rows.iterator(chunk_size=2000)
    ]


def _pictures() -> dict[int, dict[str, int | None]]:
    """The hashes of each official page's avatar and cover (as the office recorded them)."""
    out: dict[int, dict[str, int | None]] = {}
    for page_id, *hashes in OfficialPicture.objects.values_list(
        "page_id", "avatar_phash", "avatar_dhash", "cover_phash", "cover_dhash"
    ):
        names = ("avatar_phash", "avatar_dhash", "cover_phash", "cover_dhash")
        out[page_id] = {k: pictures.from_hex(v) for k, v in zip(names, hashes, strict=True)}
    return out


def official_index() -> OfficialIndex:
    """The index of watched pages, rebuilt when a page or picture changes (one query to know)."""
    version = _version()
    if _INDEX["version"] != version or _INDEX["index"] is None:
        _INDEX["index"] = OfficialIndex(officials())
        _INDEX["version"] = version
    index: OfficialIndex = _INDEX["index"]
    return index


def score_candidate(candidate: Suspect, *, limit: int = 5, minimum: float = 0.0) -> list[Match]:
    return official_index().best(candidate, limit=limit, minimum=minimum)


def threshold_for(unit: Unit) -> float:
    """The review threshold of the nearest unit up the tree that set one (else the default)."""
    ancestors = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    setting = (
        WatchSetting.objects.filter(unit__path__in=ancestors)
        .order_by("-unit__depth")
        .only("threshold")
        .first()
    )
    return setting.threshold if setting else DEFAULT_THRESHOLD


def candidate_get(*, pk: Any, for_user: Actor, verb: str = "view") -> Candidate:
    """404 when it does not exist, 403 when the imitated page lies outside the caller's subtree."""
    try:
        candidate = Candidate.objects.select_related("page", "unit").get(pk=int(pk))
    except (Candidate.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    if not permissions.can(for_user, verb, candidate.unit):
        raise PermissionDenied()
    return candidate


def candidate_list(
    *,
    for_user: Actor,
    q: str = "",
    decision: str = "",
    page_id: int | None = None,
    queue_only: bool = False,
) -> QuerySet[Candidate]:
    """Candidates of the pages the caller may see, best score first."""
    qs = Candidate.objects.filter(permissions.scope_q(for_user, "view", "unit")).select_related(
        "page", "unit", "report"
    )
    if decision:
        qs = qs.filter(decision=decision)
    if queue_only:
        qs = qs.filter(decision__in=(Decision.PENDING, Decision.NEEDS_EVIDENCE))
    if page_id is not None:
        qs = qs.filter(page_id=page_id)
    for word in fold(q).split():
        qs = qs.filter(
            Q(name__icontains=word) | Q(canonical_url__icontains=word) | Q(page__name_folded__contains=word)
        )
    return qs.order_by("-score", "-last_seen", "pk")


def queue_groups(*, for_user: Actor, q: str = "", queue_only: bool = True) -> QuerySet[Page]:
    """The imitated official pages with their number of candidates waiting, most first (for paging)."""
    candidates = candidate_list(for_user=for_user, q=q, queue_only=queue_only)
    ids = candidates.values("pk")
    return (
        Page.objects.filter(pk__in=candidates.values("page_id"))
        .select_related("unit")
        .annotate(
            waiting=Count("lookalikes", filter=Q(lookalikes__in=ids)),
            best=Max("lookalikes__score", filter=Q(lookalikes__in=ids)),
        )
        .order_by("-best", "name_folded", "pk")
    )


def published_fakes_of(page_ids: list[int]) -> QuerySet[Candidate]:
    """The known fakes of these official pages that the office chose to publish (public, no login)."""
    return Candidate.objects.filter(
        page_id__in=page_ids, published=True, decision=Decision.IMPERSONATION
    ).order_by("name", "pk")


def evidence_get(*, pk: Any, for_user: Actor) -> Evidence:
    try:
        item = Evidence.objects.select_related("candidate__unit").get(pk=int(pk))
    except (Evidence.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    if not permissions.can(for_user, "view", item.candidate.unit):
        raise PermissionDenied()
    return item


def report_list(*, for_user: Actor, state: str = "") -> QuerySet[PlatformReport]:
    """Platform reports of the pages the caller may see, most recently changed first."""
    qs = PlatformReport.objects.filter(
        permissions.scope_q(for_user, "view", "candidate__unit")
    ).select_related("candidate__page", "candidate__unit")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-updated_at", "-pk")
