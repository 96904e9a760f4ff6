"""The roll-up of values up the unit tree as it stood in each period."""

from __future__ import annotations

from collections.abc import Sequence

from ketnoi.reporting import rollup
from ketnoi.reporting.models import (
    DataValue,
)


def rollup_rebuild(*, periods: Sequence[str] | None = None) -> int:
    """Rebuild the roll-up of the given periods (every period holding values when None)."""
    ids = (
        list(periods)
        if periods is not None
        else list(DataValue.objects.values_list("period", flat=True).distinct())
    )
    total = 0
    for pid in ids:
        total += rollup.rebuild(pid)
    return total
