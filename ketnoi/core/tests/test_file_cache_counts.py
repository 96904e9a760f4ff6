"""The file cache (the cache without Redis) counts exactly when several server processes count at once:
the public check's rate limit is such a count."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from ketnoi.core.cache import LockedFileBasedCache

PROCESSES = 4
EACH = 150


def _count(location: str, key: str) -> None:
    cache = LockedFileBasedCache(location, {})
    for _ in range(EACH):
        cache.add(key, 0, 60)
        cache.incr(key)


def test_processes_counting_at_once_lose_no_count(tmp_path: Path) -> None:
    location = str(tmp_path / "cache")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_count, args=(location, "hits")) for _ in range(PROCESSES)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    assert LockedFileBasedCache(location, {}).get("hits") == PROCESSES * EACH


def test_the_lock_file_is_not_a_cache_entry(tmp_path: Path) -> None:
    cache = LockedFileBasedCache(str(tmp_path), {})
    assert cache.add("k", 1) is True
    assert cache.add("k", 2) is False
    assert cache.incr("k", 5) == 6
    assert cache.decr("k") == 5
    cache.clear()  # removes the entries, keeps the lock file
    assert cache.get("k") is None
    assert (tmp_path / "counts.lock").exists()
