"""Share kits: an approved story offered to the members of chosen units, counted per unit only.

A kit gets one link per chosen unit; members open their unit's link on a phone, download the images, copy
the caption and may press share. The product stores how many times each unit's link was opened and its
share button pressed, per day: never who, never a member's own social-media account, no list or ranking of
people. ``kit_record`` takes no person at all, so no caller can attach one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ketnoi.core import permissions
from ketnoi.core.audit import stamp
from ketnoi.core.exceptions import Conflict, ValidationError
from ketnoi.publishing.models import KitCount, KitLink, ShareKit, Story, StoryStatus
from ketnoi.publishing.services.publications import clean_post_url
from ketnoi.units.models import Unit
from ketnoi.units.selectors import require_exists

if TYPE_CHECKING:
    from ketnoi.core.permissions import Actor

OFFERABLE = (StoryStatus.APPROVED, StoryStatus.SCHEDULED, StoryStatus.PUBLISHED)
EVENTS = frozenset({"view", "share"})


@permissions.gated
@transaction.atomic
def kit_create(*, story: Story, units: Iterable[Unit], caption: str, link: str, by: Actor) -> ShareKit:
    """Offer an approved story to the members of ``units`` (each must lie in the caller's scope)."""
    permissions.require(by, "edit", story.unit)
    if story.status not in OFFERABLE:
        raise Conflict(_("Only an approved story can be offered as a share kit."))
    units = list(units)
    if not units:
        raise ValidationError(fields={"units": _("Choose at least one unit.")})
    for unit in units:
        permissions.require(by, "edit", unit)
        require_exists(unit)
    caption = (caption or "").strip()
    if not caption:
        raise ValidationError(fields={"caption": _("Enter the suggested caption.")})
    if len(caption) > 5000:
        raise ValidationError(fields={"caption": _("At most %(n)s characters.") % {"n": 5000}})
    try:
        link = clean_post_url(link)
    except ValidationError:
        raise ValidationError(fields={"link": _("Enter the address to share (https://...).")}) from None
    kit = ShareKit(story=story, caption=caption, link=link, created_by=permissions.person(by))
    stamp(kit, by, gettext_noop("Share kit offered"))
    kit.save()
    for unit in units:
        KitLink.objects.create(kit=kit, unit=unit, token=secrets.token_urlsafe(12))
    return kit


def kit_record(*, link: KitLink, event: str) -> None:
    """Count one view or one share-button press for the link's unit today. Takes no person by design."""
    if event not in EVENTS:
        raise ValidationError(fields={"event": _("Unknown event.")})
    day = timezone.localdate()
    field = "views" if event == "view" else "shares"
    with transaction.atomic():
        updated = KitCount.objects.filter(kit_id=link.kit_id, unit_id=link.unit_id, day=day).update(
            **{field: F(field) + 1}
        )
        if updated:
            return
    try:
        with transaction.atomic():
            KitCount.objects.create(kit_id=link.kit_id, unit_id=link.unit_id, day=day, **{field: 1})
    except IntegrityError:
        KitCount.objects.filter(kit_id=link.kit_id, unit_id=link.unit_id, day=day).update(
            **{field: F(field) + 1}
        )
