"""Keep the dashboard totals true to today's tree when a unit moves (a merger, a split, a transfer)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ketnoi.units.models import Unit
from ketnoi.units.signals import unit_moved


@receiver(unit_moved)
def _unit_moved(sender: Any, unit: Unit, old_ancestor_ids: list[int], **kwargs: Any) -> None:
    """The totals of the old and the new ancestors change (the moved subtree's own do not)."""
    from ketnoi.pages import aggregates

    new_ancestor_ids = [a.pk for a in Unit.objects.get_ancestors(unit)]
    units = sorted(set(old_ancestor_ids) | set(new_ancestor_ids) | {unit.pk})
    aggregates.refresh_units(units, aggregates.FIRST_MONTH, aggregates.AFTER_LAST_MONTH)
