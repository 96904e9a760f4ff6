"""The cache without Redis: Django's file cache in the data directory, shared by every process of the
server, with ``add`` and ``incr`` (so ``decr`` too, Django's ``incr`` of minus) atomic across processes.

Django's file cache reads and writes a count in two steps, so two processes counting at the same moment
could both read 7 and both write 8: the public check's rate limit would then let an abuser through more
often than its limit. Here those operations hold an exclusive lock on one file of the cache directory
(``django.core.files.locks``, ``flock`` on Linux) for their read and write; reads and other writes take no
lock. The lock is not re-entrant: a locked operation must not call another. With Redis (``REDIS_URL``) the
cache is Redis's, whose counts are atomic by themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks

LOCK_FILE = "counts.lock"


class LockedFileBasedCache(FileBasedCache):
    _dir: str  # the cache directory (set by FileBasedCache)

    @contextmanager
    def _counting(self) -> Iterator[None]:
        os.makedirs(self._dir, exist_ok=True)  # the directory may have been removed meanwhile
        with open(os.path.join(self._dir, LOCK_FILE), "a+b") as handle:
            locks.lock(handle, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(handle)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        with self._counting():
            return super().add(key, value, timeout, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        with self._counting():
            return super().incr(key, delta, version)
