"""Signals of the unit tree, for apps that keep figures over today's tree."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction, after a unit has moved to another parent in today's tree.
# Arguments: ``unit`` (in its new place) and ``old_ancestor_ids`` (its ancestors before the move).
unit_moved = Signal()
