"""Keep roll-ups true to the hierarchy as it stood: a change of the dated structure marks stale
every period whose last day falls on or after the first day the change touches."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from ketnoi.units.models import UnitVersion


def _earliest(*days: dt.date | None) -> tuple[bool, dt.date | None]:
    """(is there any open-ended start, earliest day); an open start means "from the beginning"."""
    if any(d is None for d in days):
        return True, None
    return False, min(d for d in days if d is not None)


@receiver(pre_save, sender=UnitVersion)
def _remember(sender: Any, instance: UnitVersion, **kwargs: Any) -> None:
    if instance.pk:
        instance._before = (  # type: ignore[attr-defined]
            UnitVersion.objects.filter(pk=instance.pk)
            .values_list("parent_id", "valid_from", "valid_to")
            .first()
        )


@receiver(post_save, sender=UnitVersion)
def _changed(sender: Any, instance: UnitVersion, created: bool, **kwargs: Any) -> None:
    from ketnoi.reporting import rollup
    from ketnoi.reporting.models import DataValue, RollupPeriod

    if not RollupPeriod.objects.filter(built=True).exists():
        return
    before = getattr(instance, "_before", None)
    if created or before is None:
        # A new unit without values changes no figure.
        if (
            not DataValue.objects.filter(unit_id=instance.unit_id).exists()
            and not UnitVersion.objects.filter(parent_id=instance.unit_id).exclude(pk=instance.pk).exists()
        ):
            return
        rollup.invalidate_from(instance.valid_from)
        return
    parent, start, end = before
    touched: list[dt.date | None] = []
    if parent != instance.parent_id:
        touched += [start, instance.valid_from]
    if start != instance.valid_from:
        touched += [start, instance.valid_from]
    if end != instance.valid_to:
        touched += [d for d in (end, instance.valid_to) if d is not None] or [None]
    if not touched:
        return
    open_start, day = _earliest(*touched)
    rollup.invalidate_from(None if open_start else day)


@receiver(post_delete, sender=UnitVersion)
def _deleted(sender: Any, instance: UnitVersion, **kwargs: Any) -> None:
    from ketnoi.reporting import rollup

    rollup.invalidate_from(instance.valid_from)
