"""The container cache: bounded staleness, no cached absence, explicit invalidation."""

from __future__ import annotations

from tidings.adapters.cache import TtlLoader


class Source:
    def __init__(self) -> None:
        self.value: str | None = "v1"
        self.loads = 0

    def load(self, _: str) -> str | None:
        self.loads += 1
        return self.value


def test_values_are_reused_until_the_ttl_passes() -> None:
    now = [0.0]
    source = Source()
    cache = TtlLoader(source.load, ttl_seconds=30, timer=lambda: now[0])
    assert cache.get("k") == "v1"
    source.value = "v2"
    now[0] = 29.9
    assert (cache.get("k"), source.loads) == ("v1", 1)
    now[0] = 30.1
    assert (cache.get("k"), source.loads) == ("v2", 2)


def test_absence_is_never_cached_and_fresh_reads_bypass() -> None:
    source = Source()
    source.value = None
    cache = TtlLoader(source.load, ttl_seconds=30, timer=lambda: 0.0)
    assert cache.get("k") is None
    source.value = "v1"
    assert cache.get("k") == "v1"
    source.value = "v2"
    assert cache.get("k", fresh=True) == "v2"
    source.value = "v3"
    cache.invalidate("k")
    assert cache.get("k") == "v3"
