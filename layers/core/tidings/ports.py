"""The small protocols the domain needs; adapters implement them (DynamoDB, SQS, SES, SNS, fakes)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from tidings.domain.documents import Document
from tidings.domain.models import (
    AccessToken,
    ApiKey,
    Callback,
    GuestList,
    InboundNumber,
    InboundSms,
    OptOut,
    ReplyTo,
    Service,
    ServiceBundle,
    SmsSender,
    Template,
)
from tidings.domain.notifications import Notification

if TYPE_CHECKING:  # the receipts module needs this one's protocols at run time
    from tidings.domain.receipts import Receipt


class Clock(Protocol):
    def now(self) -> datetime: ...


class ServiceStore(Protocol):
    def load(self, service_id: str) -> ServiceBundle | None: ...
    def create_service(self, service: Service) -> bool:
        """False, storing nothing, when another service sends from `service.email_from`."""
        ...

    def save_service(self, service: Service, previous_email_from: str) -> bool:
        """False, storing nothing, when another service sends from the new `email_from`."""
        ...

    def put_api_key(self, key: ApiKey) -> None: ...
    def put_guest_list(self, service_id: str, guest_list: GuestList) -> None: ...
    def put_reply_to(self, service_id: str, reply_to: ReplyTo) -> None: ...
    def put_callback(self, service_id: str, callback: Callback) -> None: ...
    def put_access_token(self, token: AccessToken) -> None: ...
    def claim_inbound_number(self, number: InboundNumber) -> bool:
        """Record `number` as the service's; False if another service already owns it."""
        ...

    def owner_of_number(self, number: str) -> str | None: ...
    def put_opt_out(self, service_id: str, opt_out: OptOut) -> None: ...
    def remove_opt_out(self, service_id: str, number: str) -> bool: ...


class TemplateStore(Protocol):
    def get(self, template_id: str, version: int | None = None) -> Template | None: ...
    def list_for_service(self, service_id: str) -> list[Template]: ...
    def save(self, template: Template) -> None:
        """Store `template` as the latest version (a new version item when its version is new)."""
        ...


class SenderStore(Protocol):
    def get(self, sender_id: str) -> SmsSender | None: ...
    def list_for_service(self, service_id: str) -> list[SmsSender]: ...
    def services_sending_as(self, sms_sender: str) -> set[str]: ...
    def put(self, sender: SmsSender) -> None: ...
    def delete(self, sender_id: str) -> None: ...


@dataclass(frozen=True)
class NotificationQuery:
    """One page of a service's notifications for one key type, newest first."""

    service_id: str
    key_type: str
    now: datetime
    statuses: frozenset[str] | None = None
    types: frozenset[str] | None = None
    reference: str | None = None
    older_than: Notification | None = None
    limit: int = 250
    # Content is read only until this many bytes of it (body and subject, UTF-8) are in, the notification that
    # passes it included: a page ends there (long emails make short pages).
    content_bytes: int | None = None
    # At most this many notifications are read for one page: a status filter (the list index cannot hold a
    # status, which changes) would otherwise read a service's whole retention for a page that matches little.
    keys_budget: int | None = None
    # At most this many of the list index's keys are looked at for one page, expired ones included: a reference
    # or type filter, which the index holds, passes over what it leaves out without reading those notifications.
    index_keys_budget: int | None = None


@dataclass(frozen=True)
class ListedPage:
    notifications: list[Notification]
    # Set when the page stopped at a budget before it was full: the last key looked at (matching or not), where
    # the next page goes on. The list may go on past it.
    resume_after: str | None = None


@dataclass(frozen=True)
class Move:
    """A conditional change of one notification: applied only while its status is one of `from_statuses`.

    A claim for sending names the queue messages that make it (`claims`, the first recorded): a message recorded
    so, delivered again because its invocation stopped or the claim's answer was lost, may claim it again while it
    is still `sending`, if that claim was made before `claimed_before` (its invocation can no longer be running)."""

    notification_id: str
    from_statuses: Collection[str]
    changes: dict[str, Any]
    claims: tuple[str, ...] = ()
    claimed_before: datetime | None = None


@dataclass(frozen=True)
class Closing:
    """A delivered batch's writes after its sends: the references its SMS and letters got (their receipts name
    them) and its status changes."""

    references: dict[str, Notification]
    moves: list[Move]


class NotificationStore(Protocol):
    def put(self, notification: Notification) -> None: ...
    def find(self, notification_id: str, now: datetime, content: bool = True) -> Notification | None:
        """The notification if it exists and has not expired; without `content`, an email's body and subject
        may be left empty (for readers that never show them)."""
        ...

    def delete(self, notification_id: str) -> bool:
        """Remove it now (False if it was not there); a later dispatch finds nothing and sends nothing."""
        ...

    def load_for_dispatch(self, notification_id: str, content: bool = True) -> Notification | None:
        """The notification even if expired (sms_live_time 0 expires at once but must still be sent)."""
        ...

    def transition(self, notification_id: str, from_statuses: Collection[str], changes: dict[str, Any]) -> bool:
        """Apply `changes` only if the status is one of `from_statuses`; False when it was not."""
        ...

    def advance(
        self, notification_id: str, from_statuses: Collection[str], changes: dict[str, Any]
    ) -> Notification | None:
        """`transition` in the same single write, answering the updated notification (None: not applied)."""
        ...

    def load_many(self, notification_ids: Collection[str], content: bool = True) -> dict[str, Notification]:
        """`load_for_dispatch` for many at once (one read per hundred); `content` as for `find`."""
        ...

    def advance_many(self, moves: Sequence[Move]) -> set[str]:
        """Apply every move its status allows, in one write per hundred; the ids moved."""
        ...

    def record_references(self, references: Mapping[str, Notification]) -> None:
        """Remember which notification (as sent) each provider reference belongs to, for the receipts."""
        ...

    def owners(self, references: Collection[str]) -> dict[str, Notification]:
        """The notifications (as recorded when sent) that these provider references belong to."""
        ...

    def keep_unmatched(self, receipts: Sequence[Receipt], now: datetime) -> set[str]:
        """Keep receipts whose reference is not recorded (yet: a send's closing writes may wait on the queue)
        where the reference will be; recording it then applies the receipt. The references among them recorded
        meanwhile, whose receipts the caller applies itself."""
        ...

    def page(self, query: NotificationQuery) -> ListedPage: ...
    def offset_page(
        self, service_id: str, key_type: str, now: datetime, offset: int, limit: int
    ) -> tuple[list[Notification], int]:
        """Paging by number (/v1's): up to `limit` visible notifications after the newest `offset`, newest
        first, and how many are visible in all."""
        ...

    def awaiting_dispatch(self, created_before: datetime) -> list[str]:
        """Ids still unclaimed (`created`, or a precompiled letter's `pending-virus-check`) since before
        `created_before`: their queue message may be lost."""
        ...

    def sending_since(self, created_before: datetime) -> list[Notification]:
        """Those still `sending` that were created before `created_before` (no receipt came), without their
        content. Letters wait for the printer's word, which has no such window: only a letter whose sheets were
        never recorded (its dispatch stopped after the claim, on the queue's last attempt) is among them."""
        ...


class InboundStore(Protocol):
    def put(self, message: InboundSms) -> None: ...
    def find(self, inbound_id: str, now: datetime) -> InboundSms | None: ...
    def page(
        self, service_id: str, now: datetime, older_than: InboundSms | None, limit: int = 250
    ) -> list[InboundSms]: ...


class EventPublisher(Protocol):
    def publish_all(self, entries: list[tuple[str, dict[str, Any]]]) -> int | None:
        """Publish (detail type, detail) pairs in order; the position of the first not accepted, or None."""
        ...


class DeadLetters(Protocol):
    def keep(self, record: dict[str, Any], leave_out: str | None = None) -> None:
        """Keep a stream record no retry would mend, without its images' `leave_out` attribute."""
        ...


class DispatchQueue(Protocol):
    def enqueue(self, notification_id: str, snapshot: Notification | None = None) -> None:
        """Queue it for delivery; with `snapshot`, the message carries it and the dispatch need not read it."""
        ...

    def enqueue_ids(self, notification_ids: Sequence[str]) -> int:
        """Queue these for delivery by id, ten to a request; how many were queued. Stops at the first request
        the queue fails: what was not queued is left for the caller's next try."""
        ...

    def defer_closing(self, closing: Closing) -> None:
        """Keep a batch's closing writes on the queue, for dispatch to apply later. Raises QueueUnavailable."""
        ...


class SmsProvider(Protocol):
    def send_sms(self, *, to: str, body: str, sender: str, notification_id: str) -> str:
        """Hand the message to the provider; return its reference. Raises ProviderError."""
        ...


class EmailProvider(Protocol):
    def send_email(
        self,
        *,
        to: str,
        from_address: str,
        reply_to: str | None,
        subject: str,
        body: str,
        unsubscribe_url: str | None,
        notification_id: str,
    ) -> str:
        """Hand the message to the provider; return its reference. Raises ProviderError."""
        ...


class DocumentStore(Protocol):
    """Files sent by email, one object per file under its service, expiring after its retention."""

    def put(self, document: Document, content: bytes) -> None: ...
    def find(self, service_id: str, file_id: str) -> Document | None:
        """The document's record (not its bytes), or None when there is none under this service."""
        ...

    def content(self, document: Document) -> bytes | None:
        """The exact bytes uploaded (None if the object has gone since it was found)."""
        ...


class LetterStore(Protocol):
    """Letter PDFs, kept as long as their notification (the bucket's lifecycle matches its retention)."""

    def put_pdf(self, notification: Notification, pdf: bytes) -> None: ...
    def get_pdf(self, notification: Notification) -> bytes | None:
        """The PDF, or None while it does not exist yet."""
        ...

    def delete_pdf(self, notification: Notification) -> None: ...


class Printer(Protocol):
    def print_letter(self, notification: Notification, pdf: bytes, sheets: int) -> str:
        """Hand the letter to the print provider; return its reference (its receipts name it). Raises
        ProviderError."""
        ...


class VirusScanner(Protocol):
    def is_clean(self, pdf: bytes) -> bool:
        """False when the file carries malware. Raises ProviderError when the scanner cannot answer."""
        ...
