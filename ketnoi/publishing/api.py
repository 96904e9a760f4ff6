"""REST endpoints of the publishing app (mounted at the API root: /stories, /publications, /kits)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import uploads
from ketnoi.pages.selectors import page_get
from ketnoi.publishing import selectors
from ketnoi.publishing.models import Publication, Story, StoryStatus, Tag
from ketnoi.publishing.services import kits, publications, stories
from ketnoi.units.selectors import unit_get

router = Router(tags=["publishing"])


class StoryOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    title: str
    body: str
    tags: list[str]
    video_links: list[str]
    source: str
    rights_note: str
    variants: dict[str, str]
    status: str
    images: list[str]
    created_at: dt.datetime
    approved_at: dt.datetime | None
    review_note: str


def _story_out(story: Story) -> dict[str, Any]:
    return {
        "id": story.pk,
        "unit_code": story.unit.code,
        "unit_name": story.unit.name,
        "title": story.title,
        "body": story.body,
        "tags": story.tags,
        "video_links": story.video_links,
        "source": story.source,
        "rights_note": story.rights_note,
        "variants": story.variants,
        "status": story.status,
        "images": [image.file.url for image in story.images.all()],
        "created_at": story.created_at,
        "approved_at": story.approved_at,
        "review_note": story.review_note,
    }


class StoryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit_code: str = Field(..., max_length=64)
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=60000)
    tags: list[Tag] = []
    video_links: list[str] = Field([], max_length=20)
    source: str = Field("", max_length=300)
    rights_note: str = Field("", max_length=5000)
    variants: dict[str, str] = {}


class StoryFilters(Schema):
    q: str = Field("", max_length=200)
    tag: Tag | None = None
    status: StoryStatus | None = None
    unit: str = Field("", max_length=64)
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=5000)


class ScheduleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    page_ids: list[int] = Field(..., min_length=1, max_length=1000)
    at: dt.datetime


class PublicationOut(Schema):
    id: int
    story_id: int
    page_id: int
    page_name: str
    platform: str
    manual: bool
    status: str
    at: dt.datetime
    attempts: int
    published_at: dt.datetime | None
    post_url: str
    error_code: str
    error_message: str


def _publication_out(p: Publication) -> dict[str, Any]:
    from ketnoi.publishing.views_common import error_message

    return {
        "id": p.pk,
        "story_id": p.story_id,
        "page_id": p.page_id,
        "page_name": p.page.name,
        "platform": p.platform,
        "manual": p.manual,
        "status": selectors.api_status(p),
        "at": p.due_at,
        "attempts": p.attempts,
        "published_at": p.published_at,
        "post_url": p.post_url,
        "error_code": p.error_code,
        "error_message": error_message(p.error_code),
    }


class PostedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    post_url: str = Field(..., max_length=500)


class MoveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    at: dt.datetime


@router.get("/stories", response=list[StoryOut])
def story_list(request: HttpRequest, filters: Query[StoryFilters]) -> list[dict[str, Any]]:
    under = unit_get(code=filters.unit, for_user=request.user) if filters.unit else None
    qs = selectors.story_list(
        for_user=request.user,
        q=filters.q,
        tag=filters.tag.value if filters.tag else "",
        status=filters.status.value if filters.status else "",
        under=under,
        since=filters.since,
        until=filters.until,
    ).prefetch_related("images")
    return [_story_out(s) for s in qs[filters.offset : filters.offset + filters.limit]]


@router.post("/stories", response={201: StoryOut})
def story_create(request: HttpRequest, payload: StoryIn) -> Status[Any]:
    unit = unit_get(code=payload.unit_code, for_user=request.user)
    story = stories.story_create(
        unit=unit,
        title=payload.title,
        body=payload.body,
        tags=[t.value for t in payload.tags],
        video_links=payload.video_links,
        source=payload.source,
        rights_note=payload.rights_note,
        variants=payload.variants,
        by=request.user,
    )
    return Status(201, _story_out(story))


@router.get("/stories/{story_id}", response=StoryOut)
def story_detail(request: HttpRequest, story_id: int) -> dict[str, Any]:
    return _story_out(selectors.story_get(pk=story_id, for_user=request.user))


@router.post("/stories/{story_id}/submit", response=StoryOut)
def story_submit(request: HttpRequest, story_id: int) -> dict[str, Any]:
    story = selectors.story_get(pk=story_id, for_user=request.user)
    return _story_out(stories.story_submit(story=story, by=request.user))


def _optional_note(request: HttpRequest) -> str:
    """The optional ``{"note": "..."}`` body of approve and withdraw (an empty body is fine)."""
    if not request.body or not (request.content_type or "").endswith("json"):
        return ""
    try:
        data = uploads.loads_json(request.body, name=_("The body"))
    except ValueError:
        raise ValidationError(fields={"request": _("The body is not JSON.")}) from None
    note = data.get("note", "") if isinstance(data, dict) else None
    if not isinstance(note, str) or len(note) > 5000:
        raise ValidationError(fields={"note": _("A text of at most %(n)s characters.") % {"n": 5000}})
    return note


@router.post("/stories/{story_id}/approve", response=StoryOut)
def story_approve(request: HttpRequest, story_id: int) -> dict[str, Any]:
    """Approve (body optional: ``{"note": "..."}``)."""
    story = selectors.story_get(pk=story_id, for_user=request.user)
    return _story_out(stories.story_approve(story=story, by=request.user, note=_optional_note(request)))


@router.post("/stories/{story_id}/return", response=StoryOut)
def story_return(request: HttpRequest, story_id: int, payload: NoteIn) -> dict[str, Any]:
    story = selectors.story_get(pk=story_id, for_user=request.user)
    return _story_out(stories.story_return(story=story, by=request.user, note=payload.note))


@router.post("/stories/{story_id}/withdraw", response=StoryOut)
def story_withdraw(request: HttpRequest, story_id: int) -> dict[str, Any]:
    """Withdraw (body optional: ``{"note": "reason"}``)."""
    story = selectors.story_get(pk=story_id, for_user=request.user)
    return _story_out(stories.story_withdraw(story=story, by=request.user, reason=_optional_note(request)))


@router.post("/stories/{story_id}/schedule", response={201: list[PublicationOut]})
def story_schedule(request: HttpRequest, story_id: int, payload: ScheduleIn) -> Status[Any]:
    story = selectors.story_get(pk=story_id, for_user=request.user)
    if len(set(payload.page_ids)) != len(payload.page_ids):
        raise ValidationError(fields={"page_ids": _("A page is listed twice.")})
    pages = [page_get(pk=pk, for_user=request.user, verb="edit") for pk in payload.page_ids]
    created = publications.publication_schedule(story=story, pages=pages, at=payload.at, by=request.user)
    return Status(201, [_publication_out(p) for p in created])


@router.post("/stories/{story_id}/retry", response=list[PublicationOut])
def story_retry_failed(request: HttpRequest, story_id: int) -> list[dict[str, Any]]:
    """Retry only the story's failed publications on pages the caller may edit."""
    story = selectors.story_get(pk=story_id, for_user=request.user)
    failed = selectors.publication_list(for_user=request.user, story=story, status="failed")
    retried = publications.publication_retry(publications=list(failed), by=request.user)
    return [_publication_out(p) for p in retried]


@router.get("/publications", response=list[PublicationOut])
def publication_list(request: HttpRequest, story: int) -> list[dict[str, Any]]:
    found = selectors.story_get(pk=story, for_user=request.user)
    return [_publication_out(p) for p in selectors.publication_list(for_user=request.user, story=found)]


@router.post("/publications/{publication_id}/retry", response=PublicationOut)
def publication_retry(request: HttpRequest, publication_id: int) -> dict[str, Any]:
    publication = selectors.publication_get(pk=publication_id, for_user=request.user, verb="edit")
    publications.publication_retry(publications=[publication], by=request.user)
    publication.refresh_from_db()
    return _publication_out(publication)


@router.post("/publications/{publication_id}/move", response=PublicationOut)
def publication_move(request: HttpRequest, publication_id: int, payload: MoveIn) -> dict[str, Any]:
    publication = selectors.publication_get(pk=publication_id, for_user=request.user, verb="edit")
    return _publication_out(
        publications.publication_move(publication=publication, at=payload.at, by=request.user)
    )


@router.post("/publications/{publication_id}/posted", response=PublicationOut)
def publication_posted(request: HttpRequest, publication_id: int, payload: PostedIn) -> dict[str, Any]:
    publication = selectors.publication_get(pk=publication_id, for_user=request.user, verb="edit")
    done = publications.publication_mark_posted(
        publication=publication, post_url=payload.post_url, by=request.user
    )
    return _publication_out(done)


class KitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    story_id: int
    unit_codes: list[str] = Field(..., min_length=1, max_length=500)
    caption: str = Field(..., min_length=1, max_length=5000)
    link: str = Field(..., max_length=500)


class KitUnitCount(Schema):
    unit: str
    views: int
    shares: int


class KitOut(Schema):
    id: int
    story_id: int
    caption: str
    link: str
    active: bool
    counts: list[KitUnitCount]


@router.post("/kits", response={201: KitOut})
def kit_create(request: HttpRequest, payload: KitIn) -> Status[Any]:
    story = selectors.story_get(pk=payload.story_id, for_user=request.user)
    units = [unit_get(code=code, for_user=request.user) for code in payload.unit_codes]
    kit = kits.kit_create(
        story=story, units=units, caption=payload.caption, link=payload.link, by=request.user
    )
    return Status(201, _kit_out(kit, request.user))


def _kit_out(kit: Any, user: Any) -> dict[str, Any]:
    return {
        "id": kit.pk,
        "story_id": kit.story_id,
        "caption": kit.caption,
        "link": kit.link,
        "active": kit.active,
        "counts": selectors.kit_counts_by_unit(kit=kit, for_user=user),
    }


@router.get("/kits/{kit_id}", response=KitOut)
def kit_detail(request: HttpRequest, kit_id: int) -> dict[str, Any]:
    return _kit_out(selectors.kit_get(pk=kit_id, for_user=request.user), request.user)
