"""Keep roll-ups true to the hierarchy as it stood: a change of the dated structure marks stale every
period whose last day falls on or after the first day the change touches.

Listens to the one structure event (``units.signals.structure_changed``, sent on commit by the units
services), not to saves of unit versions: no query on every save, and nothing missed by a bulk update.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from ketnoi.units.signals import structure_changed


@receiver(structure_changed)
def _structure_changed(sender: Any, units: list[int], effective_from: dt.date | None, **kwargs: Any) -> None:
    from ketnoi.reporting import rollup
    from ketnoi.reporting.models import RollupPeriod

    if RollupPeriod.objects.filter(built=True).exists():
        rollup.invalidate_from(effective_from)
