"""Settings, read once per container from the environment the template sets.

A frozen dataclass filled from `os.environ` (each field from its upper-case name) rather than
pydantic-settings: every function reads these at start-up, and the library's import (its .env, CLI and
cloud-secret sources, none of which Tidings uses) cost about 15 ms of each cold start."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Settings:
    stage: str = "dev"
    services_table: str = "Services"
    templates_table: str = "Templates"
    senders_table: str = "Senders"
    notifications_table: str = "Notifications"
    references_table: str = "ProviderReferences"
    notification_contents_table: str = "NotificationContents"
    inbound_sms_table: str = "InboundSms"
    counters_table: str = "Counters"
    dispatch_queue_url: str = ""
    event_bus_name: str = "default"
    callbacks_queue_url: str = ""
    # Where the change events function sets aside a stream record it cannot read.
    change_events_dlq_url: str = ""
    # Seconds between attempts at a callback (6 attempts: 5 retries; Notify waits 5 minutes).
    callback_retry_seconds: int = 300
    # `sending` for longer than this with no receipt ends as temporary-failure.
    sending_timeout_hours: float = 72
    admin_secret_arn: str = ""
    # Only `tidings local` and tests set the secret directly; deployed stacks read it from Secrets Manager.
    admin_secret: str = ""
    email_domain: str = "notifications.tidings.example"
    ses_configuration_set: str = ""
    # The S3 bucket holding files sent by email (lifecycle rules expire them after their retention).
    documents_bucket: str = ""
    default_sms_sender: str = "Tidings"
    # The dispatch queue's maxReceiveCount: the attempt that reaches it is the last.
    dispatch_max_receives: int = 5
    # `created` notifications older than this are re-enqueued by the sweeper.
    sweep_after_seconds: int = 300
    cache_ttl_seconds: float = 30.0
    # In local mode callbacks may target loopback http:// URLs.
    local_mode: bool = False
    # Letters: rendered and precompiled PDFs; the print provider's drop; which virus scanner checks uploads
    # (`signature` knows only the EICAR test file: see tidings.adapters.virus_scan for the production hook).
    letters_bucket: str = ""
    print_bucket: str = ""
    # The topic the print provider publishes its answers to (SES's topic carries only SES's events).
    print_events_topic_arn: str = ""
    virus_scanner: str = "signature"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Each field from the variable of its upper-case name, when set; a malformed number or flag fails
        the container's start (a deployment error, not a request's)."""
        values: dict[str, Any] = {
            f.name: _PARSERS[str(f.type)](environ[f.name.upper()]) for f in fields(cls) if f.name.upper() in environ
        }
        return cls(**values)


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a flag: {text!r}")


_PARSERS: dict[str, Callable[[str], Any]] = {"str": str, "int": int, "float": float, "bool": _flag}


@cache
def get_settings() -> Settings:
    return Settings.from_environ()
