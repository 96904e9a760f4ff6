"""Demo data of this app, loaded by `ketnoi demo` after the units and accounts. Must be idempotent."""

from __future__ import annotations


def load() -> None:
    return None
