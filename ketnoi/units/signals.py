"""The one structure event of the unit tree: every app that keeps something over the tree listens to it.

``structure_changed`` is sent by ``ketnoi.units.services`` after the transaction that changed the structure
commits (``transaction.on_commit``): a rename, a move, a merge, a split or a dissolution, and the application
of a reorganisation whose date has come. A transaction that makes many changes (the demo's 2025 reform, a
merge of forty communes) sends it once, with everything it changed. Nothing is sent for a transaction that
rolls back. Arguments:

``units``
    the sorted ids of the units reshaped and, in today's tree, of every unit above a moved unit before or
    after its move: the units whose totals over today's tree may change;
``effective_from``
    the first day the dated structure changed (``None``: from the beginning), from which figures kept over
    the tree as it stood on a date are stale.

Listeners: ``pages.signals`` (page figures per unit over today's tree), ``reporting.signals`` (roll-ups over
the dated tree). Nothing listens to ORM signals of units or unit versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

structure_changed = Signal()


class _Pending:
    """What the current transaction changed, sent once when it commits."""

    def __init__(self) -> None:
        self.units: set[int] = set()
        self.days: list[dt.date | None] = []

    def send(self) -> None:
        if not self.days:
            return
        units, days = sorted(self.units), self.days
        self.units, self.days = set(), []
        effective_from = None if any(d is None for d in days) else min(d for d in days if d is not None)
        from ketnoi.units.models import Unit

        structure_changed.send(sender=Unit, units=units, effective_from=effective_from)


def announce(units: Iterable[int], effective_from: dt.date | None) -> None:
    """Record a change of the structure; ``structure_changed`` goes out once, when the transaction commits."""
    connection = transaction.get_connection()
    pending: _Pending | None = getattr(connection, "_ketnoi_structure", None)
    # A transaction that rolled back took its callback with it: start again.
    if pending is None or not any(entry[1] == pending.send for entry in connection.run_on_commit):
        pending = _Pending()
        connection._ketnoi_structure = pending
        transaction.on_commit(pending.send)
    pending.units.update(units)
    pending.days.append(effective_from)
