"""The providers' side of `tidings local`: what SES and SNS accepted comes back as delivery receipts.

Email receipts are SES events published to the stack's provider-events topic (so they travel SNS → SQS →
the receipts function, as deployed); SMS receipts are SNS delivery-status log events, handed to the
receipts function the way a CloudWatch Logs subscription would. The simulator addresses and numbers fail, and
SES's complaint simulator address is delivered, then complained of.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from typing import Any

import boto3

from tidings_local.email_tags import tags_of
from tidings_local.lambda_runtime import Functions
from tidings_local.resources import ACCOUNT

POLL_INTERVAL_SECONDS = 0.2
EMAIL_BOUNCES = {"perm-fail@simulator.notify": "Permanent", "temp-fail@simulator.notify": "Transient"}
SILENT = "silent@simulator.tidings"  # accepted, and no receipt ever comes: for playing with timeouts
COMPLAINT = "complaint@simulator.amazonses.com"  # SES's simulator: delivered, then the recipient complains
REFERENCES_TABLE = "ProviderReferencesTable"
# CloudWatch Logs hands a subscription whatever arrived together; the same as the email receipts' SQS batch.
SMS_RECEIPTS_PER_DELIVERY = 25
SMS_FAILURES = {"7700900002": "Invalid phone number", "7700900003": "Unknown error attempting to reach phone"}


class ProviderSimulator:
    def __init__(self, functions: Functions, receipts_function: str, events_topic_arn: str, region: str) -> None:
        self._functions = functions
        self._receipts = receipts_function
        self._topic = events_topic_arn
        self._region = region
        self._seen_email = 0
        self._seen_sms: set[str] = set()

    def run_once(self, before_recorded: bool = False) -> int:
        """Answer the sends not answered yet; how many. SMS wait until dispatch has recorded their reference
        unless `before_recorded` (a carrier quicker than dispatch's closing writes)."""
        from moto.ses.models import ses_backends  # noqa: PLC0415 (moto internals: local only)
        from moto.sns.models import sns_backends  # noqa: PLC0415

        emails = []
        for message in ses_backends[ACCOUNT][self._region].sent_messages[self._seen_email :]:
            # SES names the notification by the tag it was sent with (dispatch claimed it before sending).
            notification_id = tags_of(message.id).get("notification_id")
            if notification_id is None:
                break  # answer in order, and never before the send has returned
            emails.append((message, notification_id))
        self._seen_email += len(emails)
        for message, notification_id in emails:
            self._email_receipt(message, notification_id)
        # A real carrier answers seconds later; never answer before the dispatch has recorded the send.
        messages = dict(sns_backends[ACCOUNT][self._region].sms_messages)
        sms = {
            k: v
            for k, v in messages.items()
            if k not in self._seen_sms and (before_recorded or _recorded(k) is not None)
        }
        self._seen_sms |= set(sms)
        batch = list(sms.items())
        for start in range(0, len(batch), SMS_RECEIPTS_PER_DELIVERY):
            self._sms_receipts(dict(batch[start : start + SMS_RECEIPTS_PER_DELIVERY]))
        return len(emails) + len(sms)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if not self.run_once():
                    stop.wait(POLL_INTERVAL_SECONDS)
            except Exception:
                stop.wait(POLL_INTERVAL_SECONDS)

    def _email_receipt(self, message: Any, notification_id: str) -> None:
        recipients = list(getattr(message, "destinations", {}).get("ToAddresses", []))
        if SILENT in recipients:
            return
        bounce = EMAIL_BOUNCES.get(recipients[0] if recipients else "")
        event: dict[str, Any] = {
            "eventType": "Bounce" if bounce else "Delivery",
            "mail": {
                "messageId": message.id,
                "timestamp": _now(),
                "destination": recipients,
                "tags": {"notification_id": [notification_id]},  # SES echoes the tag dispatch set
            },
        }
        if bounce:
            event["bounce"] = {"bounceType": bounce, "bouncedRecipients": [{"emailAddress": r} for r in recipients]}
        boto3.client("sns").publish(TopicArn=self._topic, Message=json.dumps(event))
        if COMPLAINT in recipients:
            complaint = {
                "complainedRecipients": [{"emailAddress": COMPLAINT}],
                "timestamp": _now(),
                "feedbackId": f"{message.id}-complaint",
                "complaintFeedbackType": "abuse",
            }
            complained = {**event, "eventType": "Complaint", "complaint": complaint}
            boto3.client("sns").publish(TopicArn=self._topic, Message=json.dumps(complained))

    def _sms_receipts(self, sms: dict[str, tuple[str, str]]) -> None:
        log_events = []
        for index, (message_id, (number, _)) in enumerate(sms.items()):
            failure = next((reason for ending, reason in SMS_FAILURES.items() if number.endswith(ending)), None)
            entry = {
                "notification": {"messageId": message_id, "timestamp": _now()},
                "delivery": {
                    "destination": number,
                    "providerResponse": failure or "Message has been accepted by phone",
                },
                "status": "FAILURE" if failure else "SUCCESS",
            }
            log_events.append({"id": str(index), "timestamp": int(time.time() * 1000), "message": json.dumps(entry)})
        data = {
            "messageType": "DATA_MESSAGE",
            "owner": ACCOUNT,
            "logGroup": "sns/local/DirectPublishToPhoneNumber",
            "logEvents": log_events,
        }
        encoded = base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()
        self._functions.invoke(self._receipts, {"awslogs": {"data": encoded}})


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _recorded(provider_reference: str) -> str | None:
    """The notification the dispatch recorded this send for, once it has."""
    found = boto3.client("dynamodb").get_item(
        TableName=REFERENCES_TABLE, Key={"provider_reference": {"S": provider_reference}}
    )
    recorded = found.get("Item", {}).get("notification")  # not a receipt kept for the reference
    return str(recorded["M"]["id"]["S"]) if recorded else None
