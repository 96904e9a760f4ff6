"""Stories: writing, images, and the review workflow draft -> in review -> approved (or back), withdrawal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.core import permissions
from ketnoi.core.audit import security_event, stamp
from ketnoi.core.exceptions import Conflict, PermissionDenied, ValidationError
from ketnoi.lib import weburl
from ketnoi.lib.vn_text import fold, normalise
from ketnoi.publishing import images
from ketnoi.publishing.models import (
    PublicationStatus,
    Story,
    StoryImage,
    StoryStatus,
    Tag,
)
from ketnoi.units.models import Unit
from ketnoi.units.selectors import require_exists

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

EDITABLE = (StoryStatus.DRAFT,)
VARIANT_LIMITS = {"facebook_page": 63_206, "zalo_oa": 300}
MAX_TITLE = 200
MAX_BODY = 60_000


def _clean(
    *, title: str, body: str, tags: Iterable[str], video_links: Iterable[str], variants: dict[str, str]
) -> tuple[str, str, list[str], list[str], dict[str, str]]:
    errors: dict[str, str] = {}
    title = normalise(title or "")
    body = (body or "").strip()
    if not title:
        errors["title"] = _("Enter a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("At most %(n)s characters.") % {"n": MAX_TITLE}
    if not body:
        errors["body"] = _("Enter the text of the story.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("At most %(n)s characters.") % {"n": MAX_BODY}
    known = {t.value for t in Tag}
    tag_list = []
    for tag in tags:
        if tag not in known:
            errors["tags"] = _("Unknown topic: %(tag)s.") % {"tag": tag}
        elif tag not in tag_list:
            tag_list.append(tag)
    links = []
    for link in video_links:
        link = (link or "").strip()
        if not link:
            continue
        try:
            link = weburl.clean_web_address(link)  # the product's one web-address check
        except weburl.BadWebAddress:
            errors["video_links"] = _("%(link)s is not a web address.") % {"link": link[:80]}
        links.append(link)
    clean_variants: dict[str, str] = {}
    for platform, text in (variants or {}).items():
        if platform not in VARIANT_LIMITS:
            errors["variants"] = _("There is no text variant for %(platform)s.") % {"platform": platform}
            continue
        text = (text or "").strip()
        if len(text) > VARIANT_LIMITS[platform]:
            errors[f"variants.{platform}"] = _("At most %(n)s characters.") % {"n": VARIANT_LIMITS[platform]}
        if text:
            clean_variants[platform] = text
    if errors:
        raise ValidationError(fields=errors)
    return title, body, tag_list, links, clean_variants


def _folded(story: Story) -> str:
    return fold(" ".join([story.title, story.body, story.source]))


@permissions.gated
@transaction.atomic
def story_create(
    *,
    unit: Unit,
    title: str,
    body: str,
    by: Actor,
    tags: Iterable[str] = (),
    video_links: Iterable[str] = (),
    source: str = "",
    rights_note: str = "",
    variants: dict[str, str] | None = None,
) -> Story:
    """A new draft owned by ``unit``; only someone who may edit the unit's content may write one."""
    permissions.require(by, "edit", unit)
    require_exists(unit)
    title, body, tag_list, links, clean_variants = _clean(
        title=title, body=body, tags=tags, video_links=video_links, variants=variants or {}
    )
    story = Story(
        unit=unit,
        title=title,
        body=body,
        tags=tag_list,
        video_links=links,
        source=normalise(source)[:300],
        rights_note=rights_note.strip(),
        variants=clean_variants,
        created_by=permissions.person(by),
    )
    story.search_folded = _folded(story)
    stamp(story, by, gettext_noop("Story written"))
    story.save()
    return story


@permissions.gated
@transaction.atomic
def story_update(
    *,
    story: Story,
    by: Actor,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    video_links: Iterable[str] = (),
    source: str = "",
    rights_note: str = "",
    variants: dict[str, str] | None = None,
) -> Story:
    """Change a draft (an approved story goes back to draft only through ``story_return``)."""
    permissions.require(by, "edit", story.unit)
    story = Story.objects.select_for_update().get(pk=story.pk)
    if story.status not in EDITABLE:
        raise Conflict(_("Only a draft can be changed; this story is %(status)s.") % _status(story))
    title, body, tag_list, links, clean_variants = _clean(
        title=title, body=body, tags=tags, video_links=video_links, variants=variants or {}
    )
    story.title, story.body, story.tags, story.video_links = title, body, tag_list, links
    story.source = normalise(source)[:300]
    story.rights_note = rights_note.strip()
    story.variants = clean_variants
    story.search_folded = _folded(story)
    stamp(story, by, gettext_noop("Story changed"))
    story.save()
    return story


def _status(story: Story) -> dict[str, str]:
    return {"status": str(story.get_status_display()).lower()}


@permissions.gated
@transaction.atomic
def story_image_add(
    *, story: Story, stream: IO[bytes], name: str, size: int, by: Actor, caption: str = ""
) -> StoryImage:
    """Check, resize and attach an image (see ``images``); at most ``images.MAX_IMAGES`` per story."""
    permissions.require(by, "edit", story.unit)
    story = Story.objects.select_for_update().get(pk=story.pk)
    if story.status not in EDITABLE:
        raise Conflict(_("Only a draft can be changed; this story is %(status)s.") % _status(story))
    count = story.images.count()
    if count >= images.MAX_IMAGES:
        raise ValidationError(
            _("A story has at most %(n)s images.") % {"n": images.MAX_IMAGES}, fields={"images": name}
        )
    checked = images.check_and_resize(stream, name=name, size=size)
    position = (story.images.aggregate(m=Max("position"))["m"] or 0) + 1
    image = StoryImage(
        story=story,
        original_name=name[:255],
        width=checked.width,
        height=checked.height,
        size=len(checked.content),
        caption=normalise(caption)[:300],
        position=position,
    )
    stem = "".join(c for c in name.rsplit(".", 1)[0] if c.isalnum() or c in "-_")[:60] or "image"
    image.file.save(f"{stem}.jpg", ContentFile(checked.content), save=False)
    stamp(image, by, gettext_noop("Image added"))
    image.save()
    return image


def _transition(story: Story, by: Actor, *, allowed: tuple[str, ...], to: str, reason: str) -> Story:
    locked = Story.objects.select_for_update().get(pk=story.pk)
    if locked.status not in allowed:
        raise Conflict(_("This story is %(status)s: the step is not possible now.") % _status(locked))
    locked.status = to
    stamp(locked, by, reason)
    return locked


@permissions.gated
@transaction.atomic
def story_submit(*, story: Story, by: Actor) -> Story:
    """Send a draft to the unit's approver."""
    permissions.require(by, "edit", story.unit)
    story = _transition(
        story,
        by,
        allowed=(StoryStatus.DRAFT,),
        to=StoryStatus.IN_REVIEW,
        reason=gettext_noop("Sent for review"),
    )
    story.submitted_by = permissions.person(by)
    story.submitted_at = timezone.now()
    story.save()
    return story


@permissions.gated
@transaction.atomic
def story_approve(*, story: Story, by: Actor, note: str = "") -> Story:
    """The unit's approver (``approve`` on the story's unit) approves; nobody approves their own story."""
    permissions.require(by, "approve", story.unit)
    if getattr(by, "pk", None) is not None and by.pk in {story.submitted_by_id, story.created_by_id}:
        raise PermissionDenied(_("A story is approved by someone other than its author."))
    story = _transition(
        story, by, allowed=(StoryStatus.IN_REVIEW,), to=StoryStatus.APPROVED, reason=gettext_noop("Approved")
    )
    story.approved_by = permissions.person(by)
    story.approved_at = timezone.now()
    story.review_note = note.strip()
    story.save()
    security_event("approval", by, story.unit, detail={"story": story.pk})
    return story


@permissions.gated
@transaction.atomic
def story_return(*, story: Story, by: Actor, note: str) -> Story:
    """The approver sends the story back to its authors with a note."""
    permissions.require(by, "approve", story.unit)
    if not note.strip():
        raise ValidationError(fields={"note": _("Say what should change.")})
    story = _transition(
        story,
        by,
        allowed=(StoryStatus.IN_REVIEW, StoryStatus.APPROVED),
        to=StoryStatus.DRAFT,
        reason=gettext_noop("Returned for changes"),
    )
    story.review_note = note.strip()
    story.approved_by = None
    story.approved_at = None
    story.save()
    return story


@permissions.gated
@transaction.atomic
def story_withdraw(*, story: Story, by: Actor, reason: str = "") -> Story:
    """Withdraw the story: publications not yet started are cancelled; posts already out stay out."""
    permissions.require(by, "edit", story.unit)
    story = _transition(
        story,
        by,
        allowed=tuple(s for s in StoryStatus.values if s != StoryStatus.WITHDRAWN),
        to=StoryStatus.WITHDRAWN,
        reason=gettext_noop("Withdrawn"),
    )
    if reason.strip():
        story.review_note = reason.strip()
    story.save()
    now = timezone.now()
    from ketnoi.publishing.models import Publication

    Publication.objects.filter(
        story=story,
        status__in=(PublicationStatus.SCHEDULED, PublicationStatus.PUBLISHING),
        call_started_at__isnull=True,
    ).exclude(lease_until__gt=now).update(status=PublicationStatus.CANCELLED, updated_at=now)
    return story


def story_refresh_status(story_id: int) -> None:
    """Scheduled while a publication is open, published once none is and one went out (the worker's step)."""
    from ketnoi.publishing.models import Publication

    open_left = Publication.objects.filter(
        story_id=story_id, status__in=(PublicationStatus.SCHEDULED, PublicationStatus.PUBLISHING)
    )
    if Story.objects.filter(pk=story_id, status=StoryStatus.SCHEDULED).exists() and open_left.exists():
        return  # still scheduled: nothing to change, and no write lock taken
    with transaction.atomic():
        # Decided under the story's lock, so two workers finishing at once cannot undo each other.
        story = Story.objects.select_for_update().filter(pk=story_id).first()
        if story is None or story.status not in (
            StoryStatus.APPROVED,
            StoryStatus.SCHEDULED,
            StoryStatus.PUBLISHED,
        ):
            return
        statuses = set(
            Publication.objects.filter(story_id=story_id).values_list("status", flat=True).distinct()
        )
        if statuses & {PublicationStatus.SCHEDULED, PublicationStatus.PUBLISHING}:
            target = StoryStatus.SCHEDULED
        elif PublicationStatus.PUBLISHED in statuses:
            target = StoryStatus.PUBLISHED
        else:
            target = StoryStatus.APPROVED
        if story.status == target:
            return
        story.status = target
        reasons = {
            StoryStatus.SCHEDULED: gettext_noop("Scheduled"),
            StoryStatus.PUBLISHED: gettext_noop("Published"),
            StoryStatus.APPROVED: gettext_noop("Nothing left scheduled"),
        }
        stamp(story, permissions.SYSTEM, reasons[target])
        story.save(update_fields=["status", "updated_at"])
