"""Benchmark of the look-alike watch at national scale (runs outside the test suite, no database).

    KETNOI_DATA_DIR=$(mktemp -d) python bench/lookalike_bench.py [--pages 13600] [--candidates 400]

1. Quality: precision and recall of the labelled set (``ketnoi.lookalike.testset``, fixed seed: 240
   impersonations, 200 unrelated Vietnamese page names, 50 fan or parody pages) at several thresholds,
   scored against the whole registry (``--pages`` official pages: the set's own plus generated ones), so
   that unrelated names have thousands of chances to look like something.
2. Speed: the time to score one candidate against every official page (the index's prefilter, then every
   signal of the pages it keeps), against a plain exact-match lookup of the folded name in a dict built
   from the same pages (the baseline, measured in the same run). Figure: the ratio of the two medians, and
   the milliseconds per candidate.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnoi.settings")
    import django

    django.setup()


BODIES = (
    "Công an xã {p}",
    "UBND xã {p}",
    "Đoàn Thanh niên xã {p}",
    "Hội Phụ nữ xã {p}",
    "Hội Nông dân xã {p}",
    "Mặt trận Tổ quốc xã {p}",
    "Trạm Y tế xã {p}",
    "Trường THCS {p}",
    "Trường Tiểu học {p}",
    "Tin tức {p}",
    "{p} ngày mới",
    "Tiếng nói {p}",
    "Đảng ủy xã {p}",
    "Công an phường {p}",
    "Thông tin {p}",
    "Bưu điện văn hóa xã {p}",
)
SYLLABLES = (
    "An",
    "Bình",
    "Châu",
    "Cường",
    "Đông",
    "Đức",
    "Giang",
    "Hà",
    "Hòa",
    "Hưng",
    "Khánh",
    "Lạc",
    "Lâm",
    "Lộc",
    "Long",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phú",
    "Phước",
    "Quang",
    "Sơn",
    "Tân",
    "Thạnh",
    "Thành",
    "Thịnh",
    "Thuận",
    "Tiến",
    "Trung",
    "Vĩnh",
    "Xuân",
    "Yên",
    "Hiệp",
    "Hải",
    "Hội",
    "Kim",
    "Mỹ",
    "Ninh",
    "Lợi",
)


def generated_names(count: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        place = " ".join(rng.sample(SYLLABLES, 2))
        names.add(rng.choice(BODIES).format(p=place))
    return sorted(names)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=13_600)
    parser.add_argument("--candidates", type=int, default=400)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from django.utils import translation

    from ketnoi.lib.vn_text import fold
    from ketnoi.lookalike import testset
    from ketnoi.lookalike.index import OfficialIndex
    from ketnoi.lookalike.scoring import Candidate, Official
    from ketnoi.lookalike.skeleton import name_key

    translation.activate("vi")
    rng = random.Random(args.seed)
    own = testset.official_names()
    names = own + generated_names(args.pages - len(own), rng)
    started = time.perf_counter()
    officials = [
        Official.make(
            page_id=i,
            name=n,
            url="",
            canonical_url="facebook.com/" + name_key(n).replace(" ", "") + str(i),
            platform="facebook_page",
        )
        for i, n in enumerate(names)
    ]
    index = OfficialIndex(officials)
    built = time.perf_counter() - started
    exact: dict[str, list[int]] = {}
    for o in officials:
        exact.setdefault(fold(o.name), []).append(o.page_id)
    print(f"official pages: {len(officials)}; index built in {built:.2f} s (names keyed, then indexed)")

    examples = testset.build(seed=args.seed)
    scored = []
    for e in examples:
        best = index.best(Candidate(name=e.name), limit=1)
        scored.append((e, best[0] if best else None))
    print("quality on the labelled set (240 impersonations, 200 unrelated, 50 fan/parody):")
    for threshold in (0.80, 0.85, 0.90, 0.95):
        tp = fp = fn = 0
        for e, match in scored:
            flagged = match is not None and match.signals.combined >= threshold
            if e.label == "impersonation":
                if flagged and match is not None and match.official.name == e.imitates:
                    tp += 1
                else:
                    fn += 1
            elif flagged:
                fp += 1
        precision = tp / max(1, tp + fp)
        recall = tp / max(1, tp + fn)
        mark = "  <- default" if threshold == 0.85 else ""
        figures = f"precision {precision:.3f} recall {recall:.3f} (tp {tp} fp {fp} fn {fn})"
        print(f"  threshold {threshold:.2f}: {figures}{mark}")
        if threshold == 0.85:
            for e, match in scored:
                if e.label != "impersonation" and match is not None and match.signals.combined >= threshold:
                    print(
                        f"    false alarm: {e.name!r} ~ {match.official.name!r} {match.signals.combined:.2f}"
                    )

    sample = [e.name for e in rng.sample(examples, min(args.candidates, len(examples)))]
    rounds = 5
    fuzzy_runs, exact_runs = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for name in sample:
            exact.get(fold(name))
        exact_runs.append((time.perf_counter() - t0) / len(sample))
        t0 = time.perf_counter()
        for name in sample:
            index.best(Candidate(name=name), limit=5)
        fuzzy_runs.append((time.perf_counter() - t0) / len(sample))
    fuzzy, plain = statistics.median(fuzzy_runs), statistics.median(exact_runs)
    print(
        f"one candidate against {len(officials)} pages: {fuzzy * 1000:.2f} ms "
        f"(exact-match lookup {plain * 1_000_000:.2f} µs); ratio {fuzzy / plain:.0f}x the exact lookup"
    )


if __name__ == "__main__":
    main()
