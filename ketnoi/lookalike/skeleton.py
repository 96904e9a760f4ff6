"""Unicode TR39 skeletons: two strings that look alike get the same skeleton.

``skeleton(s)`` = NFD(map every character through Unicode's confusables prototypes(NFD(s))), as Unicode
Technical Standard #39 section 4 defines it. The prototype map comes from Unicode's ``confusables.txt``
as shipped (converted to JSON, both directions) by the ``confusable-homoglyphs`` package
(``confusable_homoglyphs/confusables.json``, Unicode data licence); ``_prototypes`` turns it back into the
one-way source -> prototype map of the original file. Styled letters (𝐁, 𝔅, ｂ, ①) are folded first
with NFKC by ``name_key``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from ketnoi.lib.vn_text import fold

_BIDI_MARKS = "\u200e\u200f"
_NOT_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """Source character -> prototype string, rebuilt from the two-way JSON of confusables.txt.

    In that JSON a source lists exactly its prototype, and a prototype lists all of its sources. A pair
    that lists only each other is one confusable class of two: the ASCII one (else the lower code point) is
    taken as the prototype, so the skeleton stays the same for both (which is all a comparison needs).
    """
    raw = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    )
    table: dict[str, list[str]] = {
        key.strip(_BIDI_MARKS): [item["c"].strip(_BIDI_MARKS) for item in items] for key, items in raw.items()
    }
    out: dict[str, str] = {}
    for source, targets in table.items():
        if len(source) != 1 or len(targets) != 1:
            continue
        target = targets[0]
        back = table.get(target, [])
        if source not in back:
            continue
        if len(back) == 1 and len(target) == 1:
            # a class of two: pick one representative for both
            keep = min((source, target), key=lambda c: (not c.isascii(), ord(c)))
            if keep == source:
                continue
        out[source] = target
    return out


def skeleton(text: str) -> str:
    """TR39 skeleton: NFD, each character to its prototype, NFD again."""
    table = _prototypes()
    mapped = "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


def name_key(text: str) -> str:
    """The comparable form of a page name: styled letters (NFKC), Vietnamese folding, confusables.

    "𝐁á𝐨 Bình Phước", "Bao Binh Phuoc" and "Báo Bіnh Phư0c" (Cyrillic і, zero) all give "bao binh phuoc".
    Punctuation becomes a space; the result is lower-case with single spaces.
    """
    folded = fold(unicodedata.normalize("NFKC", text))
    shown = fold(skeleton(folded))
    return " ".join(_NOT_WORD.sub(" ", shown.replace("_", " ")).split())


def plain_key(text: str) -> str:
    """``name_key`` without the confusables step: what the name says once styled letters and diacritics go."""
    folded = fold(unicodedata.normalize("NFKC", text))
    return " ".join(_NOT_WORD.sub(" ", folded.replace("_", " ")).split())
