"""In-memory implementations of the ports, for unit tests (no AWS, no network)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tidings.domain.documents import Document
from tidings.domain.errors import QueueUnavailable
from tidings.domain.limits import Counter, CounterFull, window_closed, window_key, window_to_open
from tidings.domain.models import (
    AccessToken,
    ApiKey,
    Callback,
    GuestList,
    InboundNumber,
    OptOut,
    ReplyTo,
    Service,
    ServiceBundle,
    SmsSender,
    Template,
)
from tidings.domain.notifications import Notification, within_content_bytes
from tidings.domain.receipts import Receipt
from tidings.ports import Closing, ListedPage, Move, NotificationQuery


class FixedClock:
    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment or datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class InMemoryServiceStore:
    def __init__(self) -> None:
        self.bundles: dict[str, ServiceBundle] = {}
        self.numbers: dict[str, str] = {}
        self.addresses: dict[str, str] = {}  # email_from (lower case) → the service sending from it

    def load(self, service_id: str) -> ServiceBundle | None:
        return self.bundles.get(service_id)

    def create_service(self, service: Service) -> bool:
        assert service.id not in self.bundles
        if self.addresses.setdefault(service.email_from.lower(), service.id) != service.id:
            return False
        self.bundles[service.id] = ServiceBundle(service=service)
        return True

    def save_service(self, service: Service, previous_email_from: str) -> bool:
        if self.addresses.setdefault(service.email_from.lower(), service.id) != service.id:
            return False
        if previous_email_from.lower() != service.email_from.lower():
            self.addresses.pop(previous_email_from.lower(), None)
        self._update(service.id, service=service)
        return True

    def put_api_key(self, key: ApiKey) -> None:
        keys = [k for k in self.bundles[key.service_id].api_keys if k.id != key.id]
        self._update(key.service_id, api_keys=[*keys, key])

    def put_guest_list(self, service_id: str, guest_list: GuestList) -> None:
        self._update(service_id, guest_list=guest_list)

    def put_reply_to(self, service_id: str, reply_to: ReplyTo) -> None:
        others = [r for r in self.bundles[service_id].reply_tos if r.id != reply_to.id]
        self._update(service_id, reply_tos=[*others, reply_to])

    def put_callback(self, service_id: str, callback: Callback) -> None:
        others = [c for c in self.bundles[service_id].callbacks if c.type != callback.type]
        self._update(service_id, callbacks=[*others, callback])

    def put_access_token(self, token: AccessToken) -> None:
        tokens = [t for t in self.bundles[token.service_id].access_tokens if t.id != token.id]
        self._update(token.service_id, access_tokens=[*tokens, token])

    def claim_inbound_number(self, number: InboundNumber) -> bool:
        if self.numbers.setdefault(number.number, number.service_id) != number.service_id:
            return False
        numbers = [*self.bundles[number.service_id].inbound_numbers, number]
        self._update(number.service_id, inbound_numbers=numbers)
        return True

    def owner_of_number(self, number: str) -> str | None:
        return self.numbers.get(number)

    def put_opt_out(self, service_id: str, opt_out: OptOut) -> None:
        others = [o for o in self.bundles[service_id].opt_outs if o.number != opt_out.number]
        self._update(service_id, opt_outs=[*others, opt_out])

    def remove_opt_out(self, service_id: str, number: str) -> bool:
        before = self.bundles[service_id].opt_outs
        self._update(service_id, opt_outs=[o for o in before if o.number != number])
        return len(before) != len(self.bundles[service_id].opt_outs)

    def _update(self, service_id: str, **parts: object) -> None:
        self.bundles[service_id] = self.bundles[service_id].model_copy(update=parts)


class InMemoryTemplateStore:
    def __init__(self) -> None:
        self.versions: dict[tuple[str, int], Template] = {}
        self.heads: dict[str, Template] = {}

    def get(self, template_id: str, version: int | None = None) -> Template | None:
        if version is None:
            return self.heads.get(template_id)
        return self.versions.get((template_id, version))

    def list_for_service(self, service_id: str) -> list[Template]:
        return [t for t in self.heads.values() if t.service_id == service_id]

    def save(self, template: Template) -> None:
        self.heads[template.id] = template
        self.versions[(template.id, template.version)] = template


class InMemorySenderStore:
    def __init__(self) -> None:
        self.senders: dict[str, SmsSender] = {}

    def get(self, sender_id: str) -> SmsSender | None:
        return self.senders.get(sender_id)

    def list_for_service(self, service_id: str) -> list[SmsSender]:
        found = [s for s in self.senders.values() if s.service_id == service_id]
        return sorted(found, key=lambda s: s.created_at, reverse=True)

    def services_sending_as(self, sms_sender: str) -> set[str]:
        return {s.service_id for s in self.senders.values() if s.sms_sender == sms_sender}

    def put(self, sender: SmsSender) -> None:
        self.senders[sender.id] = sender

    def delete(self, sender_id: str) -> None:
        self.senders.pop(sender_id, None)


class InMemoryNotificationStore:
    def __init__(self) -> None:
        self.items: dict[str, Notification] = {}
        self.references: dict[str, Notification] = {}  # provider reference → the notification as sent
        self.unmatched: dict[str, Receipt] = {}  # receipts kept for a reference still to be recorded
        self.claims: dict[str, str] = {}  # the queue message that last claimed each notification

    def put(self, notification: Notification) -> None:
        self.items[notification.id] = notification

    def find(self, notification_id: str, now: datetime, content: bool = True) -> Notification | None:
        found = self.items.get(notification_id)
        return found if found and found.visible_at(now) else None

    def load_for_dispatch(self, notification_id: str, content: bool = True) -> Notification | None:
        return self.items.get(notification_id)

    def delete(self, notification_id: str) -> bool:
        return self.items.pop(notification_id, None) is not None

    def transition(self, notification_id: str, from_statuses: Collection[str], changes: dict[str, Any]) -> bool:
        return self.advance(notification_id, from_statuses, changes) is not None

    def advance(
        self, notification_id: str, from_statuses: Collection[str], changes: dict[str, Any]
    ) -> Notification | None:
        current = self.items.get(notification_id)
        if current is None or current.status not in from_statuses:
            return None
        self.items[notification_id] = current.model_copy(update=changes)
        return self.items[notification_id]

    def page(self, query: NotificationQuery) -> ListedPage:
        found = [
            n
            for n in self.items.values()
            if n.service_id == query.service_id
            and n.key_type == query.key_type
            and n.visible_at(query.now)
            and (query.statuses is None or n.listed_status in query.statuses)
            and (query.types is None or n.type in query.types)
            and (query.reference is None or n.reference == query.reference)
            and (query.older_than is None or (n.created_at, n.id) < (query.older_than.created_at, query.older_than.id))
        ]
        newest = sorted(found, key=lambda n: (n.created_at, n.id), reverse=True)[: query.limit]
        return ListedPage(within_content_bytes(newest, query.content_bytes))  # no budget: a dict reads fast

    def offset_page(
        self, service_id: str, key_type: str, now: datetime, offset: int, limit: int
    ) -> tuple[list[Notification], int]:
        query = NotificationQuery(service_id=service_id, key_type=key_type, now=now, limit=10**9)
        everything = self.page(query).notifications
        return everything[offset : offset + limit], len(everything)

    def awaiting_dispatch(self, created_before: datetime) -> list[str]:
        unclaimed = ("created", "pending-virus-check")
        return [n.id for n in self.items.values() if n.status in unclaimed and n.created_at < created_before]

    def sending_since(self, created_before: datetime) -> list[Notification]:
        waiting = [n for n in self.items.values() if n.status == "sending" and n.times_out]
        return [n for n in waiting if n.created_at < created_before]

    def load_many(self, notification_ids: Collection[str], content: bool = True) -> dict[str, Notification]:
        return {i: self.items[i] for i in notification_ids if i in self.items}

    def advance_many(self, moves: Sequence[Move]) -> set[str]:
        return {m.notification_id for m in moves if self._move(m)}

    def _move(self, move: Move) -> bool:
        # `sending` too, under this same claim (the DynamoDB store's condition)
        current = self.items.get(move.notification_id)
        sent_at = current.sent_at if current else None
        stale = move.claimed_before is None or (sent_at is not None and sent_at < move.claimed_before)
        own = self.claims.get(move.notification_id) in move.claims and stale
        statuses = [*move.from_statuses, "sending"] if own else move.from_statuses
        if self.advance(move.notification_id, statuses, move.changes) is None:
            return False
        if move.claims:
            self.claims[move.notification_id] = move.claims[0]
        return True

    def record_references(self, references: Mapping[str, Notification]) -> None:
        self.references |= references

    def owners(self, references: Collection[str]) -> dict[str, Notification]:
        return {r: self.references[r] for r in references if r in self.references}

    def keep_unmatched(self, receipts: Sequence[Receipt], now: datetime) -> set[str]:
        self.unmatched |= {r.provider_reference: r for r in receipts if r.provider_reference not in self.references}
        return {r.provider_reference for r in receipts if r.provider_reference in self.references}


class RecordingQueue:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[str] = []
        self.fail = fail

        self.closings: list[Closing] = []

    def enqueue(self, notification_id: str, snapshot: Notification | None = None) -> None:
        if self.fail:
            raise QueueUnavailable("down")
        self.sent.append(notification_id)

    def enqueue_ids(self, notification_ids: Sequence[str]) -> int:
        if self.fail:
            return 0
        self.sent.extend(notification_ids)
        return len(notification_ids)

    def defer_closing(self, closing: Closing) -> None:
        if self.fail:
            raise QueueUnavailable("down")
        self.closings.append(closing)


class RecordingProviders:
    """Both provider ports; `errors` are raised in order before sends start succeeding."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.sent: list[dict[str, Any]] = []

    def send_sms(self, **message: Any) -> str:
        return self._send(message)

    def send_email(self, **message: Any) -> str:
        return self._send(message)

    def _send(self, message: dict[str, Any]) -> str:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(message)
        return f"ref-{len(self.sent)}"


class InMemoryCounters:
    """The limit counter store's contract: all counters move together, or none does."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, int]] = {}

    def take(
        self,
        item_key: str,
        counters: Sequence[Counter],
        now: datetime,
        expires_at: datetime,
        carry_from: str | None = None,
    ) -> dict[str, int]:
        item, earlier = self.items.setdefault(item_key, {}), self.items.get(carry_from or "", {})
        opening = {c.name: window_to_open(c, item, earlier, now) for c in counters if window_closed(c, item, now)}
        for counter in counters:
            window = opening.get(counter.name)
            count = window.count if window else item.get(counter.name, 0)
            if count >= counter.limit:
                raise CounterFull(counter, window.opened if window else item.get(window_key(counter)))
        for counter in counters:
            if window := opening.get(counter.name):
                item[window_key(counter)], item[counter.name] = window.opened, window.count
            item[counter.name] = item.get(counter.name, 0) + 1
        return dict(item)

    def read(self, item_key: str) -> dict[str, int]:
        return dict(self.items.get(item_key, {}))

    def give_back(self, item_key: str, counter: Counter) -> None:
        item = self.items.get(item_key, {})
        if item.get(counter.name, 0) > 0:
            item[counter.name] -= 1


class InMemoryDocumentStore:
    """Files sent by email, keyed as S3 keys them: (service id, file id)."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], tuple[Document, bytes]] = {}

    def put(self, document: Document, content: bytes) -> None:
        self.files[(document.service_id, document.id)] = (document, content)

    def find(self, service_id: str, file_id: str) -> Document | None:
        found = self.files.get((service_id, file_id))
        return found[0] if found else None

    def content(self, document: Document) -> bytes | None:
        found = self.files.get((document.service_id, document.id))
        return found[1] if found else None


class MemoryLetters:
    """The letter store's contract, in memory."""

    def __init__(self) -> None:
        self.pdfs: dict[str, bytes] = {}

    def put_pdf(self, notification: Notification, pdf: bytes) -> None:
        self.pdfs[notification.id] = pdf

    def get_pdf(self, notification: Notification) -> bytes | None:
        return self.pdfs.get(notification.id)

    def delete_pdf(self, notification: Notification) -> None:
        self.pdfs.pop(notification.id, None)
