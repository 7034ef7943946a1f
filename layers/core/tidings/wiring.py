"""Builds the adapters once per container. Handlers ask `deps()`; tests swap it with `override`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tidings.adapters.cache import TtlLoader
from tidings.adapters.clock import SystemClock
from tidings.adapters.sender_store import DynamoSenderStore
from tidings.adapters.service_store import DynamoServiceStore
from tidings.adapters.template_store import DynamoTemplateStore
from tidings.config import Settings, get_settings
from tidings.domain.models import ServiceBundle
from tidings.ports import Clock, SenderStore, ServiceStore, TemplateStore


@dataclass(frozen=True)
class Deps:
    settings: Settings
    clock: Clock
    services: ServiceStore
    templates: TemplateStore
    senders: SenderStore
    bundles: TtlLoader[str, ServiceBundle]


_override: Deps | None = None


@cache
def _build() -> Deps:
    settings = get_settings()
    services = DynamoServiceStore(settings.services_table)
    return Deps(
        settings=settings,
        clock=SystemClock(),
        services=services,
        templates=DynamoTemplateStore(settings.templates_table),
        senders=DynamoSenderStore(settings.senders_table),
        bundles=TtlLoader(services.load, settings.cache_ttl_seconds),
    )


def deps() -> Deps:
    return _override or _build()


def override(replacement: Deps | None) -> None:
    """Use `replacement` instead of the real adapters (None restores them)."""
    global _override  # noqa: PLW0603 (one process-wide seam, by design)
    _override = replacement


def reset() -> None:
    """Forget built adapters so the next call reads settings again (tests with fresh env/moto)."""
    _build.cache_clear()
    get_settings.cache_clear()
