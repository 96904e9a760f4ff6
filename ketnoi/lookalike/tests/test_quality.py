"""The default threshold on the labelled set: 240 impersonations made with the tricks, 200 unrelated
Vietnamese page names, 50 fan or parody pages (``ketnoi.lookalike.testset``, fixed seed)."""

from __future__ import annotations

from ketnoi.lookalike import testset
from ketnoi.lookalike.index import OfficialIndex
from ketnoi.lookalike.models import DEFAULT_THRESHOLD
from ketnoi.lookalike.scoring import Candidate, Official
from ketnoi.lookalike.skeleton import name_key


def measure(threshold: float) -> tuple[float, float, dict[str, int]]:
    officials = [
        Official.make(
            page_id=i,
            name=name,
            url="",
            canonical_url="facebook.com/" + name_key(name).replace(" ", ""),
            platform="facebook_page",
        )
        for i, name in enumerate(testset.official_names())
    ]
    index = OfficialIndex(officials)
    counts = {"tp": 0, "fp": 0, "fn": 0}
    for example in testset.build():
        best = index.best(Candidate(name=example.name), limit=1)
        flagged = bool(best) and best[0].signals.combined >= threshold
        if example.label == "impersonation":
            right = flagged and best[0].official.name == example.imitates
            counts["tp" if right else "fn"] += 1
        elif flagged:
            counts["fp"] += 1
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    recall = counts["tp"] / max(1, counts["tp"] + counts["fn"])
    return precision, recall, counts


def test_the_set_has_the_sizes_the_issue_asks_for() -> None:
    labels = [e.label for e in testset.build()]
    assert labels.count("impersonation") >= 200
    assert labels.count("unrelated") >= 200
    assert labels.count("fan_parody") >= 50
    assert testset.build() == testset.build()  # deterministic


def test_precision_and_recall_of_the_default_threshold_stay_above_their_floor() -> None:
    precision, recall, counts = measure(DEFAULT_THRESHOLD)
    assert precision >= 0.97, counts
    assert recall >= 0.95, counts
