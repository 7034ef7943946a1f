"""What the providers were asked to send, read back from moto's SES and SNS backends."""

from __future__ import annotations

from typing import Any

from tidings_local.resources import ACCOUNT
from tidings_local.stack import REGION


def outbox() -> list[dict[str, Any]]:
    from moto.ses.models import ses_backends  # noqa: PLC0415 (moto internals: local only)
    from moto.sns.models import sns_backends  # noqa: PLC0415

    messages: list[dict[str, Any]] = []
    for message_id, (number, body) in sns_backends[ACCOUNT][REGION].sms_messages.items():
        messages.append(
            {"channel": "sms", "provider_reference": message_id, "recipient": number, "body": body}
        )
    for sent in ses_backends[ACCOUNT][REGION].sent_messages:
        messages.append(
            {
                "channel": "email",
                "provider_reference": sent.id,
                "recipient": list(getattr(sent, "destinations", {}).get("ToAddresses", [])),
                "sender": getattr(sent, "source", None),
                "subject": getattr(sent, "subject", None),
                "body": getattr(sent, "body", None),
            }
        )
    return messages
