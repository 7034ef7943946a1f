"""Delivering one queued notification: claim it, send it (or simulate), record the outcome.

The conditional `created → sending` claim makes a duplicate queue message a no-op. A retryable provider
error puts the notification back to `created` and raises, so SQS retries it; on the queue's last attempt
it becomes `technical-failure` and the message still goes on to the DLQ for inspection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tidings.domain.errors import ProviderError
from tidings.domain.notifications import Notification, simulated_outcome
from tidings.ports import EmailProvider, NotificationStore, SmsProvider


class Outcome(StrEnum):
    SENT = "sent"
    SIMULATED = "simulated"
    FAILED = "failed"
    SKIPPED = "skipped"  # unknown id, or another delivery already claimed it


class RetryLater(Exception):
    """Raised so the queue delivers the message again."""


OPTED_OUT = "The recipient opted out (they texted STOP)"
UK_PREFIX = "44"


def _quiet(_: Notification) -> None:
    """No announcements (callbacks, webhooks) for this dispatch."""


@dataclass(frozen=True)
class DispatchContext:
    store: NotificationStore
    sms: SmsProvider
    email: EmailProvider
    now: datetime
    last_attempt: bool
    announce: Callable[[Notification], None] = _quiet  # each status change: callbacks and webhooks


def dispatch(notification_id: str, context: DispatchContext) -> Outcome:
    # One conditional write both claims the notification and reads it: unknown or already claimed → skip.
    claim = {"status": "sending", "sent_at": context.now, "updated_at": context.now}
    notification = context.store.advance(notification_id, ["created"], claim)
    if notification is None:
        return Outcome.SKIPPED
    context.announce(notification)
    if notification.opted_out:
        _finish(context, notification, {"status": "permanent-failure", "failure_reason": OPTED_OUT})
        return Outcome.FAILED
    if notification.simulate:
        _finish(context, notification, {"status": simulated_outcome(notification)})
        return Outcome.SIMULATED
    try:
        reference = _send(notification, context)
    except ProviderError as error:
        if error.retryable and not context.last_attempt:
            context.store.transition(notification.id, ["sending"], {"status": "created", "updated_at": context.now})
            raise RetryLater(error.reason) from error
        _finish(context, notification, {"status": error.final_status, "failure_reason": error.reason})
        if error.retryable:
            raise RetryLater(error.reason) from error  # last attempt: on to the DLQ, already final
        return Outcome.FAILED
    changes: dict[str, object] = {"provider_reference": reference}
    if notification.type == "sms" and not notification.normalised_to.startswith(UK_PREFIX):
        changes["status"] = "sent"  # international SMS may never have a receipt: `sent` unless one comes
    _finish(context, notification, changes)
    return Outcome.SENT


def _send(notification: Notification, context: DispatchContext) -> str:
    if notification.type == "sms":
        return context.sms.send_sms(
            to=notification.normalised_to,
            body=notification.body,
            sender=notification.sender,
            notification_id=notification.id,
        )
    return context.email.send_email(
        to=notification.normalised_to,
        from_address=notification.sender,
        reply_to=notification.reply_to,
        subject=notification.subject or "",
        body=notification.body,
        unsubscribe_url=notification.one_click_unsubscribe_url,
        notification_id=notification.id,
    )


def _finish(context: DispatchContext, notification: Notification, changes: dict[str, object]) -> None:
    moved = context.store.advance(notification.id, ["sending"], {**changes, "updated_at": context.now})
    if moved is not None and "status" in changes:
        context.announce(moved)
