"""Vietnamese text helpers: folding diacritics for search and sorting in Vietnamese alphabet order."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Vietnamese alphabet order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y,
# then the tones: none, huyền, hỏi, ngã, sắc, nặng.
_BASE_ORDER = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONES = {"\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0301": 5, "\u0323": 6}  # grave hook tilde acute dot
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def fold(text: str) -> str:
    """Lower-case and strip every diacritic, đ included: "Đồng Xoài" -> "dong xoai"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def normalise(text: str) -> str:
    """NFC form with single spaces: what we store for names typed in many ways."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A key that sorts Vietnamese words in dictionary order (Ă after A, Đ after D, tones last)."""
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", text.lower()):
        parts = unicodedata.normalize("NFD", ch)
        base = parts[0]
        tone = 0
        letter = base
        for mark in parts[1:]:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in _MODIFIERS:
                letter = unicodedata.normalize("NFC", letter + mark)
        index = _BASE_ORDER.find(letter)
        letters.append(index if index >= 0 else 100 + ord(letter))
        tones.append(tone)
    return tuple(letters), tuple(tones)


def matches(query: str, *fields: str) -> bool:
    """True when every word of the query appears in the folded fields."""
    haystack = " ".join(fold(f) for f in fields if f)
    return all(word in haystack for word in fold(query).split())
