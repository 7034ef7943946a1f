"""Telling a service what happened: delivery receipts, complaints, inbound texts, and /v1 sender webhooks.

A status change is announced by queueing a job that carries the payload as it was at that moment. The
callbacks function POSTs it to where the service's callback (or the /v1 sender's webhook) points when it is
sent, with the token it has then (a token is never queued), retrying on failure: a URL changed or removed since
the job was queued never gets it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from tidings.domain.complaints import Complaint, complaint_payload
from tidings.domain.errors import ValidationFailed
from tidings.domain.models import CallbackType, InboundSms, ServiceBundle, SmsSender
from tidings.domain.notifications import FINAL, Notification
from tidings.domain.timefmt import iso_z

JobKind = Literal["delivery_status", "inbound_sms", "complaint", "v1_webhook"]
# What an Authorization header carries unchanged: printable ASCII. A control character (a newline) or a letter
# beyond ASCII cannot be sent, and http.client would refuse it with the whole token in its error message.
HEADER_TEXT = re.compile(r"^[\x20-\x7e]+$")  # anchored too for the document: JSON Schema patterns search


def check_bearer_token(token: str | None, field: str = "bearer_token") -> None:
    """A callback's token is sent as `Authorization: Bearer <token>`: None (a /v1 webhook has none) or header text."""
    if token is not None and HEADER_TEXT.fullmatch(token) is None:
        raise ValidationFailed([f"{field} Must be printable ASCII: letters, digits, symbols and spaces"])


# The service's callback each kind of job goes to (a /v1 webhook's URL is its sender's): complaints go to the
# delivery-status one, as in Notify.
CALLBACK_OF: dict[JobKind, CallbackType] = {
    "delivery_status": "delivery_status",
    "complaint": "delivery_status",
    "inbound_sms": "inbound_sms",
}


def callback_type(kind: JobKind) -> CallbackType:
    return CALLBACK_OF[kind]


@dataclass(frozen=True)
class CallbackJob:
    kind: JobKind
    service_id: str
    url: str  # where it pointed when queued: what a job is sent to only when nothing names its callback now
    payload: dict[str, Any]
    sender_id: str | None = None  # a /v1 webhook's sender


def current_target(
    job: CallbackJob, bundle: ServiceBundle | None, sender: SmsSender | None
) -> tuple[str, str | None] | None:
    """The URL and bearer token a job goes to now, or None when its callback (or webhook) was removed. `sender`:
    a /v1 webhook's sender as stored now (None when it is gone)."""
    if job.kind == "v1_webhook":
        if job.sender_id is None:  # queued before jobs named their sender
            return job.url, None
        if sender is None or sender.service_id != job.service_id or not sender.webhook_url:
            return None
        return sender.webhook_url, None
    callback = bundle.callback(callback_type(job.kind)) if bundle else None
    return (callback.url, callback.bearer_token) if callback else None


class CallbackQueue(Protocol):
    def enqueue(self, job: CallbackJob) -> None: ...


def delivery_receipt(n: Notification) -> dict[str, Any]:
    """Spec §9: everything a string but `template_version`."""
    return {
        "id": n.id,
        "reference": n.reference,
        "to": n.to,
        "status": n.status,
        "created_at": iso_z(n.created_at),
        "completed_at": iso_z(n.completed_at),
        "sent_at": iso_z(n.sent_at),
        "notification_type": n.type,
        "template_id": n.template_id,
        "template_version": n.template_version,
    }


def inbound_payload(message: InboundSms) -> dict[str, Any]:
    return {
        "id": message.id,
        "source_number": message.user_number,
        "destination_number": message.notify_number,
        "message": message.content,
        "date_received": iso_z(message.created_at),
    }


class Announcer:
    """Queues the callbacks a status change calls for; `v1_view` renders the /v1 SMS object."""

    def __init__(
        self,
        load_bundle: Callable[[str], ServiceBundle | None],
        queue: CallbackQueue,
        v1_view: Callable[[Notification], dict[str, Any]],
    ) -> None:
        self._load_bundle = load_bundle
        self._queue = queue
        self._v1_view = v1_view

    def status_changed(self, n: Notification) -> None:
        sender = n.extra.get("sender", {}) if n.dialect == "v1" else {}
        if sender.get("webhook_url"):
            job = CallbackJob(
                "v1_webhook", n.service_id, str(sender["webhook_url"]), self._v1_view(n), sender.get("id")
            )
            self._queue.enqueue(job)
        if n.status not in FINAL or n.type == "letter":  # delivery receipts are for email and SMS (spec §9)
            return
        if n.dialect == "v1":  # Notify's receipt names a template, which a /v1 SMS has not: its webhook tells
            return
        self._to_delivery_status(n, "delivery_status", delivery_receipt(n))

    def complained(self, n: Notification, complaint: Complaint) -> None:
        self._to_delivery_status(n, "complaint", complaint_payload(n, complaint))

    def _to_delivery_status(self, n: Notification, kind: JobKind, payload: dict[str, Any]) -> None:
        """Queue `payload` for the service's delivery-status callback, if it has one."""
        bundle = self._load_bundle(n.service_id)
        callback = bundle.callback("delivery_status") if bundle else None
        if callback is not None:
            self._queue.enqueue(CallbackJob(kind, n.service_id, callback.url, payload))

    def inbound(self, bundle: ServiceBundle, message: InboundSms) -> None:
        callback = bundle.callback("inbound_sms")
        if callback is not None:
            self._queue.enqueue(CallbackJob("inbound_sms", bundle.service.id, callback.url, inbound_payload(message)))


def retryable_response(status: int | None) -> bool:
    """Connection errors (None), 5xx and 429 are retried; any other 4xx is the receiver's final word."""
    return status is None or status >= 500 or status == 429
