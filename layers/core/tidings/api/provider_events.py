"""Provider events in, receipts out: one parser per source (SES events, SNS SMS delivery-status logs, the
print provider's letter events, and receipts kept until their reference was recorded).

Unknown or malformed events give no receipt: the caller logs them (without PII) and drops them.
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from tidings.domain.complaints import Complaint
from tidings.domain.models import TemplateType
from tidings.domain.receipts import Receipt
from tidings.observability import logger

CHANNELS: dict[str, TemplateType] = {"sms": "sms", "email": "email", "letter": "letter"}

# A complaint also says the email was delivered (its callback is complaints.py's).
SES_OUTCOMES = {"Delivery": "delivered", "Complaint": "delivered", "Reject": "technical-failure"}
SES_BOUNCES = {"Permanent": "permanent-failure", "Transient": "temporary-failure", "Undetermined": "temporary-failure"}
SMS_PERMANENT_HINTS = ("invalid", "opted out", "blocked", "unknown subscriber")


class _SesMail(BaseModel):
    messageId: str  # noqa: N815 (SES's names)
    tags: dict[str, list[str]] = {}  # the message's tags, as SES echoes them: dispatch sets notification_id


class _SesBounce(BaseModel):
    bounceType: str = "Undetermined"  # noqa: N815


class _SesComplaint(BaseModel):
    feedbackId: str = ""  # noqa: N815
    timestamp: datetime | None = None  # when the recipient's provider reported it


class _SesEvent(BaseModel):
    eventType: str  # noqa: N815
    mail: _SesMail
    bounce: _SesBounce | None = None
    complaint: _SesComplaint | None = None


class _SmsNotification(BaseModel):
    messageId: str  # noqa: N815


class _SmsDelivery(BaseModel):
    providerResponse: str = ""  # noqa: N815


class _SmsLogEntry(BaseModel):
    notification: _SmsNotification
    delivery: _SmsDelivery = _SmsDelivery()
    status: str


def from_sns_envelope(
    body: str, received_at: datetime, print_topic_arn: str
) -> tuple[Receipt | None, Complaint | None]:
    """One message the receipts queue got from a topic: the SNS envelope says which topic, so which provider."""
    try:
        envelope = json.loads(body)
        topic, message = envelope.get("TopicArn"), envelope.get("Message")
    except (ValueError, AttributeError):
        return None, None
    if not isinstance(topic, str) or not isinstance(message, str):
        return None, None
    return from_topic_message(message, received_at, from_printer=bool(print_topic_arn) and topic == print_topic_arn)


def from_topic_message(
    message: str, received_at: datetime, from_printer: bool
) -> tuple[Receipt | None, Complaint | None]:
    """One message of a provider topic (the SNS message body), read once: from the print events topic, the
    print provider's answer for a letter; from SES's, a configuration-set event, with the complaint a Complaint
    event also tells (`received_at` when it has no time of its own). Each topic's publishers speak for their
    own channel only: the printer's grant to publish lets it tell nothing about emails."""
    if from_printer:
        return from_print_event(message), None
    event = _ses_event(message)
    if event is None:
        if from_print_event(message) is not None:  # a printer still publishing where it did before: say so
            logger.warning("print event on SES's topic, not applied: the printer publishes to PrintEventsTopic")
        return None, None
    return _ses_receipt(event), _ses_complaint(event, received_at)


def _ses_receipt(event: _SesEvent) -> Receipt | None:
    if event.eventType == "Bounce":
        status: str | None = SES_BOUNCES.get(event.bounce.bounceType if event.bounce else "Undetermined")
    else:
        status = SES_OUTCOMES.get(event.eventType)
    if status is None:
        return None  # Send, DeliveryDelay, Open, Click...: no change of status
    reason = None if status == "delivered" else event.eventType
    reference, named = event.mail.messageId, _named(event)
    return Receipt(status=status, provider_reference=reference, channel="email", reason=reason, notification_id=named)


def _ses_complaint(event: _SesEvent, received_at: datetime) -> Complaint | None:
    """A complaint's id comes from its feedback id (SNS may deliver it twice); it is about the notification its
    tag names."""
    named = _named(event)
    if event.eventType != "Complaint" or named is None:
        return None
    details = event.complaint or _SesComplaint()
    complaint_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"ses-complaint:{details.feedbackId or event.mail.messageId}"))
    return Complaint(notification_id=named, complaint_id=complaint_id, complained_at=details.timestamp or received_at)


def _ses_event(message: str) -> _SesEvent | None:
    try:
        return _SesEvent.model_validate_json(message)
    except ValidationError:
        return None


def _named(event: _SesEvent) -> str | None:
    """The notification an SES event names, by the tag dispatch sent the email with."""
    return next(iter(event.mail.tags.get("notification_id", [])), None)


class _PrintEvent(BaseModel):
    eventType: str  # noqa: N815 (as SES names it: one topic carries both)
    printReference: str  # noqa: N815


PRINT_OUTCOMES = {"LetterReceived": "delivered"}  # printed and handed to the postal service


def from_print_event(message: str) -> Receipt | None:
    """The print provider's answer for one letter, published to the provider-events topic:
    `{"eventType": "LetterReceived", "printReference": "<what the print manifest named>"}`."""
    try:
        event = _PrintEvent.model_validate_json(message)
    except ValidationError:
        return None
    status = PRINT_OUTCOMES.get(event.eventType)
    return Receipt(status=status, provider_reference=event.printReference, channel="letter") if status else None


def from_sms_log_events(awslogs_data: str) -> list[Receipt | None]:
    """SNS SMS delivery-status logs, as a CloudWatch Logs subscription delivers them (gzip, base64)."""
    try:
        payload: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(awslogs_data)))
    except (ValueError, OSError):
        return [None]
    return [_from_sms_log(event.get("message", "")) for event in payload.get("logEvents", [])]


def _from_sms_log(message: str) -> Receipt | None:
    try:
        entry = _SmsLogEntry.model_validate_json(message)
    except ValidationError:
        return None
    if entry.status == "SUCCESS":
        return Receipt(status="delivered", provider_reference=entry.notification.messageId, channel="sms")
    response = entry.delivery.providerResponse.lower()
    permanent = any(hint in response for hint in SMS_PERMANENT_HINTS)
    return Receipt(
        status="permanent-failure" if permanent else "temporary-failure",
        provider_reference=entry.notification.messageId,
        channel="sms",
        reason="Carrier refused" if permanent else "Carrier could not deliver",
    )


def from_recorded_reference(record: dict[str, Any]) -> Receipt | None:
    """A receipt kept for a reference not recorded yet, once the reference is: the references table's stream
    shows the kept receipt as the old image and the notification as sent as the new one."""
    stream = record.get("dynamodb", {})
    kept, recorded = stream.get("OldImage", {}), stream.get("NewImage", {})
    status = kept.get("receipt_status", {}).get("S")
    notification = recorded.get("notification", {}).get("M", {})
    notification_id = notification.get("id", {}).get("S")
    # a receipt kept before receipts named their channel (at most UNMATCHED_KEPT ago) is taken as the owner's
    channel = CHANNELS.get(kept.get("receipt_channel", notification.get("type", {})).get("S", ""))
    if not status or not notification_id or channel is None:
        return None
    return Receipt(
        status=status,
        provider_reference=str(recorded["provider_reference"]["S"]),
        channel=channel,
        reason=kept.get("receipt_reason", {}).get("S"),
        notification_id=notification_id,
    )
