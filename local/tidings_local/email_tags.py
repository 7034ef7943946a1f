"""The tags each email was sent with, by SES message id. SES keeps a message's tags and echoes them in its
events (dispatch tags each email with its notification id, and the receipts read it there); moto's SES drops
them, so `tidings local` records them from the send itself, with a botocore hook on every SES v2 client."""

from __future__ import annotations

import threading
from typing import Any

import boto3

_TAGS: dict[str, dict[str, str]] = {}
_LOCK = threading.Lock()
_KEY = "tidings_email_tags"


def record_sent_tags() -> None:
    """From now on, every SendEmail made through boto3's default session records its tags (idempotent)."""
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    events = boto3.DEFAULT_SESSION.events
    events.register("provide-client-params.sesv2.SendEmail", _held, unique_id=f"{_KEY}-params")
    events.register("after-call.sesv2.SendEmail", _recorded, unique_id=f"{_KEY}-after")


def tags_of(message_id: str) -> dict[str, str]:
    with _LOCK:
        return dict(_TAGS.get(message_id, {}))


def _held(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context[_KEY] = {tag["Name"]: tag["Value"] for tag in params.get("EmailTags", [])}


def _recorded(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    if "MessageId" in parsed:
        with _LOCK:
            _TAGS[parsed["MessageId"]] = context.get(_KEY, {})
