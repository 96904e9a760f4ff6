"""Demo data of this app, loaded by `ketnoi demo` after the pages demo. Must be idempotent.

Deliberately empty: the demo province's pages have no real platform tokens, and a connection that only
pretends to work would mislead: the demo makes no pull at all (the fake platforms belong to the test suite,
not to the installed package). To try the connectors by hand from a source checkout, run
``python -m tests.fakes.serve --port 8765``, point the KETNOI_*_URL settings at it as it prints, and enter
its sample tokens on a page's connection panel.
"""

from __future__ import annotations


def load() -> None:
    return None
