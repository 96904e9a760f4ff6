"""Reads of the publishing app, scoped to what the caller may see.

A story is visible to whoever may view its author unit, and to whoever may view a page it is scheduled
to (a district sees the province's story that goes out on its pages). Publications are visible by their
page's unit.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from ketnoi.core import permissions
from ketnoi.core.exceptions import NotFound, PermissionDenied
from ketnoi.lib.vn_text import fold
from ketnoi.pages.models import Platform
from ketnoi.publishing.models import (
    KitCount,
    KitLink,
    Publication,
    ShareKit,
    Story,
)
from ketnoi.units.models import Unit

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor


def _visible_q(user: Actor) -> Q:
    on_pages = Publication.objects.filter(
        permissions.scope_q(user, "view", "page__unit"), story=OuterRef("pk")
    )
    return permissions.scope_q(user, "view", "unit") | Q(Exists(on_pages))


def story_get(*, pk: int, for_user: Actor, verb: str = "view") -> Story:
    """The story if the user may ``verb`` it: 404 when missing, 403 when out of scope."""
    try:
        story = Story.objects.select_related("unit").get(pk=pk)
    except (Story.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if permissions.can(for_user, verb, story.unit):
        return story
    if verb == "view" and Story.objects.filter(_visible_q(for_user), pk=pk).exists():
        return story
    raise PermissionDenied()


def story_list(
    *,
    for_user: Actor,
    q: str = "",
    tag: str = "",
    status: str = "",
    under: Unit | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Story]:
    """Stories the user may see; search ignores diacritics (đ too); filters by topic, unit, status, date."""
    qs = Story.objects.filter(_visible_q(for_user)).select_related("unit")
    if under is not None:
        qs = qs.filter(unit__path__startswith=under.path)
    if status:
        qs = qs.filter(status=status)
    if tag:
        qs = qs.filter(tags__contains=tag) if _json_contains() else qs.filter(tags__icontains=f'"{tag}"')
    if since is not None:
        qs = qs.filter(created_at__gte=_start(since))
    if until is not None:
        qs = qs.filter(created_at__lt=_start(until + dt.timedelta(days=1)))
    for word in fold(q).split():
        qs = qs.filter(search_folded__contains=word)
    return qs.annotate(image_count=Count("images", distinct=True)).order_by("-created_at", "-pk")


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def post_text(story: Story, platform: str) -> str:
    """The text sent to a platform: the story's own variant for it, else title, body and video links."""
    own = (story.variants or {}).get(platform, "")
    if own:
        return own
    parts = [story.title, story.body, *story.video_links]
    text = "\n\n".join(p for p in parts if p)
    if platform == Platform.ZALO_OA:
        return story.body
    return text


def publication_list(
    *,
    for_user: Actor,
    story: Story | None = None,
    under: Unit | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    status: str = "",
) -> QuerySet[Publication]:
    qs = Publication.objects.filter(permissions.scope_q(for_user, "view", "page__unit")).select_related(
        "page", "page__unit", "story"
    )
    if story is not None:
        qs = qs.filter(story=story)
    if under is not None:
        qs = qs.filter(page__unit__path__startswith=under.path)
    if start is not None:
        qs = qs.filter(due_at__gte=start)
    if end is not None:
        qs = qs.filter(due_at__lt=end)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "page__name", "pk")


def publication_get(*, pk: int, for_user: Actor, verb: str = "view") -> Publication:
    try:
        publication = Publication.objects.select_related("page", "page__unit", "story").get(pk=pk)
    except (Publication.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not permissions.can(for_user, verb, publication.page.unit):
        raise PermissionDenied()
    return publication


def api_status(publication: Publication) -> str:
    """The status the API and screens show: a row waiting before its first call is still ``scheduled``."""
    return publication.shown_status


# --- share kits ------------------------------------------------------------------------------------


def kit_list(*, for_user: Actor) -> QuerySet[ShareKit]:
    return (
        ShareKit.objects.filter(permissions.scope_q(for_user, "view", "story__unit"))
        .select_related("story", "story__unit")
        .annotate(total_views=Sum("counts__views"), total_shares=Sum("counts__shares"))
        .order_by("-created_at", "-pk")
    )


def kit_get(*, pk: int, for_user: Actor) -> ShareKit:
    try:
        kit = ShareKit.objects.select_related("story", "story__unit").get(pk=pk)
    except (ShareKit.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not permissions.can(for_user, "view", kit.story.unit):
        raise PermissionDenied()
    return kit


def kit_link_by_token(token: str) -> KitLink:
    link = (
        KitLink.objects.select_related("kit", "kit__story", "unit")
        .filter(token=token, kit__active=True)
        .first()
    )
    if link is None:
        raise NotFound()
    return link


def kit_counts_by_unit(*, kit: ShareKit, for_user: Actor) -> list[dict[str, Any]]:
    """Views and share presses per unit (aggregates only: the product never knows who)."""
    rows = (
        KitCount.objects.filter(kit=kit)
        .filter(permissions.scope_q(for_user, "view", "unit"))
        .values("unit_id", "unit__name", "unit__path")
        .annotate(views=Sum("views"), shares=Sum("shares"))
        .order_by("unit__path")
    )
    return [
        {
            "unit": r["unit__name"],
            "unit_id": r["unit_id"],
            "views": r["views"] or 0,
            "shares": r["shares"] or 0,
        }
        for r in rows
    ]
