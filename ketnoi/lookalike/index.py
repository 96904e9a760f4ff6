"""The official pages held in memory so that one candidate is scored against 13.600 of them quickly.

A prefilter picks the few pages worth the full scoring: exact matches of the name key and of its compact
form (dict lookups), the nearest names by ``rapidfuzz.process.extract`` over the compact keys (C speed, a
score cutoff), the nearest handles, and the pictures within the "far" Hamming distance (an XOR and a bit
count per page). Only those are scored with every signal (``scoring.score``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ketnoi.lookalike import scoring
from ketnoi.lookalike.scoring import Candidate, Official, Signals
from ketnoi.lookalike.skeleton import name_key

PREFILTER_LIMIT = 12
PREFILTER_CUTOFF = 55


@dataclass(frozen=True)
class Match:
    official: Official
    signals: Signals


class OfficialIndex:
    def __init__(self, officials: Iterable[Official]) -> None:
        self.officials: list[Official] = list(officials)
        self._compact: list[str] = [scoring.compact(o.key) for o in self.officials]
        self._handles: list[str] = [o.handle for o in self.officials]
        self._by_compact: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(self._compact):
            self._by_compact[c].append(i)
        self._pictures: list[tuple[int, tuple[int | None, ...]]] = [
            (i, (o.avatar_phash, o.avatar_dhash, o.cover_phash, o.cover_dhash))
            for i, o in enumerate(self.officials)
            if any(h is not None for h in (o.avatar_phash, o.avatar_dhash, o.cover_phash, o.cover_dhash))
        ]

    def __len__(self) -> int:
        return len(self.officials)

    def _near(self, text: str, choices: list[str], found: set[int]) -> None:
        if not text:
            return
        for i in self._by_compact.get(text, ()):
            found.add(i)
        for _choice, _score, i in process.extract(
            text, choices, scorer=fuzz.ratio, limit=PREFILTER_LIMIT, score_cutoff=PREFILTER_CUTOFF
        ):
            found.add(i)

    def candidates_for(self, candidate: Candidate) -> set[int]:
        """The positions of the official pages worth a full scoring."""
        found: set[int] = set()
        if candidate.name:
            key = name_key(candidate.name)
            full = scoring.compact(key)
            self._near(full, self._compact, found)
            core, _words = scoring._strip_words(key, scoring.trick_keys() | scoring.parody_keys())
            if core != key:
                self._near(scoring.compact(core), self._compact, found)
            undotted = scoring._DIGITS_DOTS.sub("", full)
            if undotted != full:
                self._near(undotted, self._compact, found)
        if candidate.canonical_url:
            handle = scoring.handle_key(candidate.canonical_url, candidate.platform)
            self._near(handle, self._handles, found)
            self._near(handle, self._compact, found)
        hashes = (
            candidate.avatar_phash,
            candidate.avatar_dhash,
            candidate.cover_phash,
            candidate.cover_dhash,
        )
        if any(h is not None for h in hashes):
            for i, theirs in self._pictures:
                for mine in hashes:
                    if mine is None:
                        continue
                    if any(t is not None and (mine ^ t).bit_count() < scoring.AVATAR_FAR for t in theirs):
                        found.add(i)
                        break
        return found

    def best(self, candidate: Candidate, *, limit: int = 5, minimum: float = 0.0) -> list[Match]:
        """The official pages the candidate looks most like, best first (the same address is not scored)."""
        matches = []
        for i in self.candidates_for(candidate):
            official = self.officials[i]
            if candidate.canonical_url and candidate.canonical_url == official.canonical_url:
                continue
            signals = scoring.score(candidate, official)
            if signals.combined >= minimum:
                matches.append(Match(official, signals))
        matches.sort(key=lambda m: (-m.signals.combined, m.official.page_id))
        return matches[:limit]
