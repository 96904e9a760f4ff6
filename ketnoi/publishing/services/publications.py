"""Publications: a story scheduled to pages, moved, retried, or marked as posted by hand.

A page whose platform has a publisher (Facebook Pages, Zalo OA) and a stored token is published by the
worker; any other page gets a manual publication: a publish pack to download and "mark as posted" with the
post's address, so every official page follows the same calendar.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.core import permissions
from ketnoi.core.audit import security_event, stamp
from ketnoi.core.exceptions import Conflict, ValidationError
from ketnoi.lib import weburl
from ketnoi.pages.models import Page, PageStatus, Platform
from ketnoi.publishing.models import Publication, PublicationStatus, Story, StoryStatus
from ketnoi.publishing.services.stories import story_refresh_status

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

API_PLATFORMS = frozenset({Platform.FACEBOOK_PAGE, Platform.ZALO_OA})
SCHEDULABLE = (StoryStatus.APPROVED, StoryStatus.SCHEDULED, StoryStatus.PUBLISHED)
MAX_PAGES = 1000


def _aware(at: dt.datetime) -> dt.datetime:
    return timezone.make_aware(at) if timezone.is_naive(at) else at


def enqueue(publications: Iterable[Publication]) -> None:
    """After the commit, send each publication's id to the queue, to run at its time."""
    items = [(p.pk, p.next_try_at) for p in publications]

    def send() -> None:
        from ketnoi.publishing.tasks import publishing_publish

        now = timezone.now()
        for pk, at in items:
            if at <= now:
                publishing_publish(pk)
            else:
                publishing_publish.schedule((pk,), eta=at)

    transaction.on_commit(send)


@permissions.gated
@transaction.atomic
def publication_schedule(
    *, story: Story, pages: Iterable[Page], at: dt.datetime, by: Actor
) -> list[Publication]:
    """Schedule an approved story to pages at ``at`` (a moment; naive times are Việt Nam's time)."""
    permissions.require(by, "edit", story.unit)
    pages = list(pages)
    if not pages:
        raise ValidationError(fields={"page_ids": _("Choose at least one page.")})
    if len(pages) > MAX_PAGES:
        raise ValidationError(fields={"page_ids": _("At most %(n)s pages at once.") % {"n": MAX_PAGES}})
    story = Story.objects.select_for_update().get(pk=story.pk)
    if story.status not in SCHEDULABLE:
        raise Conflict(
            _("Only an approved story can be scheduled; this story is %(status)s.")
            % {"status": str(story.get_status_display()).lower()}
        )
    at = _aware(at)
    if at < timezone.now() - dt.timedelta(minutes=5):
        raise ValidationError(fields={"at": _("The time is in the past.")})
    for page in pages:
        permissions.require(by, "edit", page.unit)
        if page.status in (PageStatus.RETIRED, PageStatus.SUSPENDED):
            raise ValidationError(
                fields={"page_ids": _("%(page)s is retired or suspended.") % {"page": page.name}}
            )
    taken = dict(
        Publication.objects.filter(story=story, page__in=pages)
        .exclude(status=PublicationStatus.CANCELLED)
        .values_list("page_id", "page__name")
    )
    if taken:
        raise Conflict(
            _("This story is already scheduled to: %(pages)s.") % {"pages": ", ".join(sorted(taken.values()))}
        )
    from ketnoi.connectors.models import PageCredential

    with_token = set(PageCredential.objects.filter(page__in=pages).values_list("page_id", flat=True))
    Publication.objects.filter(story=story, page__in=pages, status=PublicationStatus.CANCELLED).delete()
    created = []
    for page in pages:
        publication = Publication(
            story=story,
            page=page,
            platform=page.platform,
            manual=not (page.platform in API_PLATFORMS and page.pk in with_token),
            due_at=at,
            next_try_at=at,
            marker=secrets.token_hex(8),
            created_by=permissions.person(by),
        )
        stamp(publication, by, gettext_noop("Scheduled"))
        publication.save()
        created.append(publication)
    story_refresh_status(story.pk)
    enqueue([p for p in created if not p.manual])
    security_event(
        "publish", by, story.unit, detail={"story": story.pk, "publications": [p.pk for p in created]}
    )
    return created


@permissions.gated
@transaction.atomic
def publication_move(*, publication: Publication, at: dt.datetime, by: Actor) -> Publication:
    """Move a publication that has not started to another time (the calendar's drag or date field)."""
    permissions.require(by, "edit", publication.page.unit)
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    if locked.status != PublicationStatus.SCHEDULED or locked.attempts or locked.call_started_at:
        raise Conflict(_("Only a publication that has not started can be moved."))
    at = _aware(at)
    if at < timezone.now() - dt.timedelta(minutes=5):
        raise ValidationError(fields={"at": _("The time is in the past.")})
    locked.due_at = at
    locked.next_try_at = at
    stamp(locked, by, gettext_noop("Moved to another date"))
    locked.save()
    if not locked.manual:
        enqueue([locked])
    return locked


@permissions.gated
@transaction.atomic
def publication_retry(*, publications: Iterable[Publication], by: Actor) -> list[Publication]:
    """Try failed publications again (only those). One whose last call had no answer is checked first."""
    retried = []
    now = timezone.now()
    for publication in publications:
        permissions.require(by, "edit", publication.page.unit)
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        if locked.status != PublicationStatus.FAILED:
            continue
        locked.status = PublicationStatus.PUBLISHING if locked.attempts else PublicationStatus.SCHEDULED
        locked.next_try_at = now
        locked.lease_until = None
        locked.attempts = 0
        locked.error_code = ""
        locked.error_detail = ""
        stamp(locked, by, gettext_noop("Retried"))
        locked.save()
        retried.append(locked)
    if retried:
        story_refresh_status(retried[0].story_id)
        enqueue(retried)
    return retried


def clean_post_url(url: str) -> str:
    """The post's address through the product's one web-address check (``ketnoi.lib.weburl``)."""
    try:
        return weburl.clean_web_address(url or "")
    except weburl.BadWebAddress:
        raise ValidationError(
            fields={"post_url": _("Enter the address of the post (https://...).")}
        ) from None


@permissions.gated
@transaction.atomic
def publication_mark_posted(*, publication: Publication, post_url: str, by: Actor) -> Publication:
    """A person posted the story on a page without API access and gives the post's address."""
    permissions.require(by, "edit", publication.page.unit)
    post_url = clean_post_url(post_url)
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    if not locked.manual:
        raise Conflict(_("This page is published by the worker; it cannot be marked by hand."))
    if locked.status not in (PublicationStatus.SCHEDULED, PublicationStatus.FAILED):
        raise Conflict(_("This publication is already marked as posted or cancelled."))
    locked.status = PublicationStatus.PUBLISHED
    locked.post_url = post_url
    locked.published_at = timezone.now()
    locked.posted_by = permissions.person(by)
    stamp(locked, by, gettext_noop("Marked as posted"))
    locked.save()
    story_refresh_status(locked.story_id)
    return locked
