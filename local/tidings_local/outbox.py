"""What the providers were asked to send, read back from moto's SES and SNS backends."""

from __future__ import annotations

from typing import Any

import boto3

from tidings_local.email_tags import tags_of
from tidings_local.resources import ACCOUNT
from tidings_local.stack import REGION

REFERENCES_TABLE = "ProviderReferencesTable"


def outbox() -> list[dict[str, Any]]:
    from moto.ses.models import ses_backends  # noqa: PLC0415 (moto internals: local only)
    from moto.sns.models import sns_backends  # noqa: PLC0415

    by_reference = _notification_ids_by_provider_reference()
    messages: list[dict[str, Any]] = []
    for reference, (number, body) in sns_backends[ACCOUNT][REGION].sms_messages.items():
        messages.append(
            {
                "channel": "sms",
                "notification_id": by_reference.get(reference),
                "provider_reference": reference,
                "recipient": number,
                "body": body,
            }
        )
    for sent in ses_backends[ACCOUNT][REGION].sent_messages:
        messages.append(
            {
                "channel": "email",
                "notification_id": tags_of(sent.id).get("notification_id"),  # as SES's events name it
                "provider_reference": sent.id,
                "recipient": list(getattr(sent, "destinations", {}).get("ToAddresses", [])),
                "sender": getattr(sent, "source", None),
                "subject": getattr(sent, "subject", None),
                "body": getattr(sent, "body", None),
            }
        )
    return messages


def _notification_ids_by_provider_reference() -> dict[str, str]:
    """SMS sends, which dispatch records by the provider's reference. A scan is fine for a developer's outbox;
    the deployed stack never does this."""
    pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName=REFERENCES_TABLE)
    return {
        item["provider_reference"]["S"]: item["notification"]["M"]["id"]["S"]
        for page in pages
        for item in page["Items"]
        if "notification" in item  # not a receipt kept for a reference still to come
    }
