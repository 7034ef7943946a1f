"""A small TTL cache for lookups a warm container repeats (service bundles, templates).

Staleness is bounded by the TTL; writers call `invalidate` so their own container sees changes at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlLoader(Generic[K, V]):
    def __init__(
        self,
        load: Callable[[K], V | None],
        ttl_seconds: float,
        timer: Callable[[], float] = time.monotonic,
        maxsize: int = 512,
    ) -> None:
        self._load = load
        self._cache: TTLCache[K, V] = TTLCache(maxsize=maxsize, ttl=ttl_seconds, timer=timer)
        self._lock = threading.Lock()  # `tidings local` serves requests on threads

    def get(self, key: K, fresh: bool = False) -> V | None:
        if not fresh:
            with self._lock:
                if key in self._cache:
                    return self._cache[key]
        value = self._load(key)
        if value is not None:  # never cache absence: a new service or key must work at once
            with self._lock:
                self._cache[key] = value
        return value

    def invalidate(self, key: K) -> None:
        with self._lock:
            self._cache.pop(key, None)
