"""Keep the dashboard totals true to today's tree when the structure changes (a merger, a split, a transfer).

Listens to the one structure event (``units.signals.structure_changed``, sent on commit), once per
reorganisation or transaction however many units it moved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from ketnoi.units.signals import structure_changed


@receiver(structure_changed)
def _structure_changed(sender: Any, units: list[int], effective_from: dt.date | None, **kwargs: Any) -> None:
    """The totals of the units above a moved unit, before and after the move, are computed again, for the
    months the change reaches (a month counts on the tree of its last day: earlier months keep theirs)."""
    from ketnoi.pages import aggregates

    start = aggregates.month_start(effective_from) if effective_from else aggregates.FIRST_MONTH
    aggregates.refresh_units(units, start, aggregates.AFTER_LAST_MONTH)
