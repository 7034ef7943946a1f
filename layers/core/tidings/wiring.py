"""Builds the adapters once per container. Handlers ask `deps()`; tests swap it with `override`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from tidings.adapters.cache import TtlLoader
from tidings.adapters.callback_queue import SqsCallbackQueue
from tidings.adapters.clock import SystemClock
from tidings.adapters.dispatch_queue import SqsDispatchQueue
from tidings.adapters.inbound_store import DynamoInboundStore
from tidings.adapters.limit_counters import DynamoLimitCounters
from tidings.adapters.notification_store import DynamoNotificationStore
from tidings.adapters.sender_store import DynamoSenderStore
from tidings.adapters.service_store import DynamoServiceStore
from tidings.adapters.template_store import DynamoTemplateStore
from tidings.config import Settings, get_settings
from tidings.domain.callbacks import Announcer
from tidings.domain.models import ServiceBundle, SmsSender, Template
from tidings.domain.notifications import Notification
from tidings.ports import (
    Clock,
    DeadLetters,
    DispatchQueue,
    DocumentStore,
    EmailProvider,
    EventPublisher,
    InboundStore,
    LetterStore,
    NotificationStore,
    Printer,
    SenderStore,
    ServiceStore,
    SmsProvider,
    TemplateStore,
    VirusScanner,
)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    clock: Clock
    services: ServiceStore
    templates: TemplateStore
    senders: SenderStore
    bundles: TtlLoader[str, ServiceBundle]
    latest_templates: TtlLoader[str, Template]
    service_senders: TtlLoader[str, list[SmsSender]]
    notifications: NotificationStore
    queue: DispatchQueue
    counters: DynamoLimitCounters
    providers: Providers
    inbound: InboundStore
    callbacks: SqsCallbackQueue  # the callbacks function also holds a job back between attempts
    announcer: Announcer

    @property
    def documents(self) -> DocumentStore:
        """Files sent by email (S3); only the send and download functions use them."""
        return _document_store(self.settings.documents_bucket)

    @property
    def change_events(self) -> EventPublisher:
        """The /v1 change events' bus; only the change events function publishes."""
        return _event_publisher(self.settings.event_bus_name)

    @property
    def change_dead_letters(self) -> DeadLetters:
        """Where the change events function sets aside a stream record it can never announce."""
        return _dead_letters(self.settings.change_events_dlq_url)


@cache
def _event_publisher(bus: str) -> EventPublisher:
    from tidings.adapters.eventbridge import EventBridgePublisher  # noqa: PLC0415 (one function uses it)

    return EventBridgePublisher(bus)


@cache
def _dead_letters(queue_url: str) -> DeadLetters:
    from tidings.adapters.dead_letters import SqsDeadLetters  # noqa: PLC0415 (one function uses it)

    return SqsDeadLetters(queue_url)


@cache
def _document_store(bucket: str) -> DocumentStore:
    from tidings.adapters.document_store import S3DocumentStore  # noqa: PLC0415 (two functions use it)

    return S3DocumentStore(bucket)


class Providers:
    """SES and SNS adapters, built on first use: only the dispatch function needs them (and the letter
    adapters: the letters bucket, the print drop and the virus scanner)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @property
    def sms(self) -> SmsProvider:
        from tidings.adapters.sns_sms import SnsSmsProvider  # noqa: PLC0415

        return SnsSmsProvider()

    @property
    def email(self) -> EmailProvider:
        from tidings.adapters.ses_email import SesEmailProvider  # noqa: PLC0415

        return SesEmailProvider(self._settings.ses_configuration_set)

    @property
    def letters(self) -> LetterStore:
        from tidings.adapters.s3_letters import S3LetterStore  # noqa: PLC0415

        return S3LetterStore(self._settings.letters_bucket)

    @property
    def printer(self) -> Printer:
        from tidings.adapters.s3_letters import S3PrintDrop  # noqa: PLC0415

        return S3PrintDrop(self._settings.print_bucket)

    @property
    def scanner(self) -> VirusScanner:
        """The production hook: add an adapter for a real engine and choose it here by `virus_scanner`."""
        from tidings.adapters.virus_scan import SignatureScanner  # noqa: PLC0415

        if self._settings.virus_scanner != "signature":
            raise ValueError(f"unknown virus scanner {self._settings.virus_scanner!r}")
        return SignatureScanner()


_override: Deps | None = None


@cache
def _build() -> Deps:
    settings = get_settings()
    services = DynamoServiceStore(settings.services_table)
    templates = DynamoTemplateStore(settings.templates_table)
    senders = DynamoSenderStore(settings.senders_table)
    bundles = TtlLoader(services.load, settings.cache_ttl_seconds)
    callbacks = SqsCallbackQueue(settings.callbacks_queue_url)
    return Deps(
        settings=settings,
        clock=SystemClock(),
        services=services,
        templates=templates,
        senders=senders,
        bundles=bundles,
        latest_templates=TtlLoader(templates.get, settings.cache_ttl_seconds),
        service_senders=TtlLoader(senders.list_for_service, settings.cache_ttl_seconds),
        notifications=DynamoNotificationStore(
            settings.notifications_table, settings.references_table, settings.notification_contents_table
        ),
        queue=SqsDispatchQueue(settings.dispatch_queue_url),
        counters=DynamoLimitCounters(settings.counters_table),
        inbound=DynamoInboundStore(settings.inbound_sms_table),
        callbacks=callbacks,
        announcer=Announcer(bundles.get, callbacks, _v1_sms_view),
        providers=Providers(settings),
    )


def _v1_sms_view(notification: Notification) -> dict[str, Any]:
    from tidings.api.notifea_v1.views import sms_json  # noqa: PLC0415 (only /v1 webhooks render it)

    return sms_json(notification)


def deps() -> Deps:
    return _override or _build()


def override(replacement: Deps | None) -> None:
    """Use `replacement` instead of the real adapters (None restores them)."""
    global _override  # noqa: PLW0603 (one process-wide seam, by design)
    _override = replacement


def reset() -> None:
    """Forget built adapters so the next call reads settings again (tests with fresh env/moto)."""
    _build.cache_clear()
    _document_store.cache_clear()
    get_settings.cache_clear()
