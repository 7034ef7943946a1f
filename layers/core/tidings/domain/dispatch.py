"""Delivering a batch of queued notifications: claim them, send them (or simulate), record the outcomes.

One conditional write claims the whole batch (`created → sending`), so a duplicate queue message or a
notification deleted meanwhile is skipped; one more records the provider's reference for every SMS and letter
sent (their receipts match on it; SES events name the notification by the tag the email carries, so emails
need no record); only status changes (failures, simulations, international `sent`) need a third.
Retryable provider errors put that notification back to `created` and report it for the queue to retry;
on its last attempt it becomes `technical-failure` and the message still goes on to the DLQ.

Letters ride the same batch: each first becomes a PDF (rendered, or a precompiled one scanned and checked;
claimed from `pending-virus-check`), kept in the letter store, then handed to the printer, whose reference
its receipt names; the sheets it takes go in the same third write (SMS and email never need it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tidings.domain.errors import ProviderError
from tidings.domain.letters.delivery import prepare_letter
from tidings.domain.notifications import Notification, simulated_outcome, without_content
from tidings.ports import (
    Closing,
    DispatchQueue,
    EmailProvider,
    LetterStore,
    Move,
    NotificationStore,
    Printer,
    SmsProvider,
    VirusScanner,
)


class Outcome(StrEnum):
    SENT = "sent"
    SIMULATED = "simulated"
    FAILED = "failed"
    SKIPPED = "skipped"  # unknown id, or another delivery already claimed it
    RETRY = "retry"  # the provider may take it later: the queue delivers the message again
    # A retry whose way back to `created` is in deferred closing writes: the sweeper queues it again once they
    # apply (its message is not handed back: taken again before they apply, it would be sent, then moved back).
    LATER = "later"


OPTED_OUT = "The recipient opted out (they texted STOP)"
CLAIMABLE = ("created", "pending-virus-check")  # precompiled letters wait for their checks as the latter
UK_PREFIX = "44"


@dataclass(frozen=True)
class Job:
    """One queue message: the id, the notification when the message carried it, whether it is the queue's
    last attempt at it, and the message's own id (None: sent inline, not from the queue)."""

    notification_id: str
    snapshot: Notification | None = None
    last_attempt: bool = False
    message_id: str | None = None


@dataclass(frozen=True)
class DispatchContext:
    store: NotificationStore
    sms: SmsProvider
    email: EmailProvider
    now: datetime
    # Letters: where their PDFs are kept, the virus scanner for precompiled ones, and the print provider.
    letters: LetterStore | None = None
    scanner: VirusScanner | None = None
    printer: Printer | None = None
    # Seconds left in the invocation (Lambda's context): a notification is only started with RESERVE_SECONDS to
    # spare, so a slow batch (long letters render for seconds each) hands back what it cannot finish instead of
    # being stopped mid-way with its claimed notifications `sending`, never sent.
    time_left: Callable[[], float] | None = None
    # Where the closing writes wait when the store refuses them after the sends (None: the batch fails).
    queue: DispatchQueue | None = None


RESERVE_SECONDS = 10.0  # a long letter's rendering and the batch's closing writes
# A claim its own message may take over is older than this: longer than the dispatch function's timeout (30 s),
# so the invocation that made it has stopped, and shorter than the queue's visibility timeout (180 s), after
# which its message comes back. A copy of the message SQS hands out while that invocation runs still skips.
TAKEOVER_AFTER = timedelta(seconds=60)
NEVER_SENT: dict[str, object] = {"sent_at": None}  # the claim's sent_at, for what never reached a provider


def dispatch_batch(jobs: Sequence[Job], context: DispatchContext) -> dict[str, Outcome]:
    """The outcome for each notification id in `jobs` (duplicates share one)."""
    outcomes = dict.fromkeys((job.notification_id for job in jobs), Outcome.SKIPPED)
    last = {job.notification_id for job in jobs if job.last_attempt}
    known = _notifications(jobs, context.store)
    claim = {"status": "sending", "sent_at": context.now, "updated_at": context.now}
    # Each claim names its message: delivered again because this invocation stopped mid-batch (its timeout) or
    # the claim's answer was lost, the message claims its notification again rather than skip it as another's.
    by: dict[str, tuple[str, ...]] = {}  # a notification twice in the batch: either message may be its claim's
    for job in jobs:
        by[job.notification_id] = by.get(job.notification_id, ()) + ((job.message_id,) if job.message_id else ())
    stale = context.now - TAKEOVER_AFTER
    claimed = context.store.advance_many([Move(i, CLAIMABLE, claim, by[i], stale) for i in known])
    moves: list[Move] = []
    references: dict[str, Notification] = {}
    for notification_id in sorted(claimed):
        notification = known[notification_id].model_copy(update=claim)
        out_of_time = context.time_left is not None and context.time_left() < RESERVE_SECONDS
        outcome, reference, changes = (
            _retry() if out_of_time else _deliver(notification, context, notification_id in last)
        )
        outcomes[notification_id] = outcome
        if reference is not None and notification.type != "email":  # SES events name the notification
            references[reference] = without_content(notification)
        if changes:  # most sends change nothing more: `sending` until the receipt
            moves.append(Move(notification_id, ["sending"], {**changes, "updated_at": context.now}))
    closing = Closing(references, moves)
    try:
        close_batch(closing, context.store)
    except Exception:
        # The sends cannot be undone, and a redelivered batch would send them all again (its messages take over
        # their claims). Kept on the queue, the writes apply once the store answers again (if the queue is down
        # too, this raises and the batch fails: redelivered, it is sent again rather than lost).
        if context.queue is None:
            raise
        context.queue.defer_closing(closing)
        return {i: Outcome.LATER if outcome is Outcome.RETRY else outcome for i, outcome in outcomes.items()}
    return outcomes


def close_batch(closing: Closing, store: NotificationStore) -> None:
    """Record the references, then the status changes (each announced from the table's stream). Both are
    idempotent: a reference is a plain put, and a move applies only from `sending`."""
    if closing.references:
        store.record_references(closing.references)
    if closing.moves:
        store.advance_many(closing.moves)


def _notifications(jobs: Sequence[Job], store: NotificationStore) -> dict[str, Notification]:
    """What the messages carried, and the rest read in one go (only those that travelled by id)."""
    known = {job.notification_id: job.snapshot for job in jobs if job.snapshot is not None}
    missing = {job.notification_id for job in jobs} - known.keys()
    return known | (store.load_many(missing) if missing else {})


def _deliver(
    notification: Notification, context: DispatchContext, last_attempt: bool
) -> tuple[Outcome, str | None, dict[str, object]]:
    """The outcome, the provider's reference (when sent) and the status change it calls for (if any)."""
    if notification.opted_out:
        return Outcome.FAILED, None, {"status": "permanent-failure", "failure_reason": OPTED_OUT, **NEVER_SENT}
    try:
        # Letters first become a PDF (rendered, or the client's checked): the sheets it takes, or a failure.
        prepared: dict[str, object] = {}
        pdf = b""
        if notification.type == "letter":
            prepared, pdf = prepare_letter(notification, context.letters, context.scanner)
        if "status" in prepared:  # the PDF failed its checks (virus scan, validation): never printed
            return Outcome.FAILED, None, {**prepared, **NEVER_SENT}
        if notification.simulate:
            return Outcome.SIMULATED, None, {**prepared, "status": simulated_outcome(notification)}
        reference = _send(notification, context, pdf, prepared)
    except ProviderError as error:
        return _failed(error, last_attempt)
    except Exception as error:  # a bug or an outage in one notification's path (a PDF's, say)
        # Its own failure, retried like an outage: raised, it would fail the batch after the claim, and every
        # notification claimed with it would stay `sending`, never sent (a redelivery finds them claimed).
        return _failed(ProviderError(f"Unexpected {type(error).__name__}", retryable=True), last_attempt)
    if notification.type == "sms" and not notification.normalised_to.startswith(UK_PREFIX):
        return Outcome.SENT, reference, {"status": "sent"}  # international SMS may never have a receipt
    return Outcome.SENT, reference, prepared  # letters: their sheets; `sending` (accepted) until printed


def _failed(error: ProviderError, last_attempt: bool) -> tuple[Outcome, None, dict[str, object]]:
    """A retryable failure goes back to the queue; on the last attempt, and for a permanent failure, the
    notification ends (the last attempt's message still goes to the DLQ)."""
    if error.retryable and not last_attempt:
        return _retry()
    changes: dict[str, object] = {"status": error.final_status, "failure_reason": error.reason, **NEVER_SENT}
    return (Outcome.RETRY if error.retryable else Outcome.FAILED), None, changes


def _retry() -> tuple[Outcome, None, dict[str, object]]:
    """Back to `created`, never sent, for the queue's next attempt."""
    return Outcome.RETRY, None, {"status": "created", **NEVER_SENT}


def _send(notification: Notification, context: DispatchContext, pdf: bytes, prepared: dict[str, object]) -> str:
    if notification.type == "letter":
        if context.printer is None:
            raise ProviderError("No print provider is configured", retryable=False)
        sheets = prepared.get("billable_sheets", 0)
        return context.printer.print_letter(notification, pdf, sheets if isinstance(sheets, int) else 0)
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
