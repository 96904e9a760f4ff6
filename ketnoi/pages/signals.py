"""Keep the dashboard totals true to today's tree when a unit moves (a merger, a split, a transfer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from ketnoi.units.models import Unit
from ketnoi.units.signals import unit_moved


@receiver(unit_moved)
def _unit_moved(sender: Any, unit: Unit, old_ancestor_ids: list[int], **kwargs: Any) -> None:
    """The totals of the old and the new ancestors change (the moved subtree's own do not)."""
    from ketnoi.pages import aggregates

    new_ancestor_ids = [a.pk for a in Unit.objects.get_ancestors(unit)]
    aggregates.refresh_units(
        sorted(set(old_ancestor_ids) | set(new_ancestor_ids)), dt.date(1900, 1, 1), dt.date(2999, 1, 1)
    )
