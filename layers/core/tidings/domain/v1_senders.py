"""/v1 user-sms-senders: the same senders /v2's `sms_sender_id` names, with Notifea's rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import uuid4

from tidings.domain.errors import Refused, ValidationFailed
from tidings.domain.ids import is_canonical_uuid
from tidings.domain.models import AccessToken, SmsSender
from tidings.domain.sender_admin import owned_by_another, sent_from_by_another
from tidings.domain.urls import check_callback_url
from tidings.domain.v1_sms import SENDER_NOT_FOUND, not_whitelisted
from tidings.ports import SenderStore

NAME_TAKEN = Refused("sms.sender.already.exists", "SMS Sender with this name already exists", fields=["sender_name"])
# An all-digit name sends from that number (sns_sms): one another service receives on or sends from is not this
# service's to send from (SNS sends from any number the account owns, whichever service it was set up for).
NUMBER_NOT_OURS = Refused("validation.failed", "The given data was invalid.", fields=["sender_name"])


def own_sender(store: SenderStore, service_id: str, sender_id: str) -> SmsSender:
    sender_id = sender_id.lower()  # as own_sms reads it
    sender = store.get(sender_id) if is_canonical_uuid(sender_id) else None
    if sender is None or sender.service_id != service_id:
        raise SENDER_NOT_FOUND
    return sender


def _refuse_another_services_number(
    store: SenderStore, service_id: str, name: str, owner_of_number: Callable[[str], str | None]
) -> None:
    if owned_by_another(name, service_id, owner_of_number):
        raise NUMBER_NOT_OURS
    if name.isdigit() and sent_from_by_another(store, name, service_id):
        raise NUMBER_NOT_OURS


def create_sender(
    store: SenderStore,
    *,
    service_id: str,
    name: str,
    sms_live_time: int,
    test_mode: bool,
    now: datetime,
    owner_of_number: Callable[[str], str | None],
    webhook_url: str | None = None,
) -> SmsSender:
    existing = store.list_for_service(service_id)
    if any(s.sms_sender == name for s in existing):
        raise NAME_TAKEN
    _refuse_another_services_number(store, service_id, name, owner_of_number)
    sender = SmsSender(
        id=str(uuid4()),
        service_id=service_id,
        sms_sender=name,
        sms_live_time=sms_live_time,
        test_mode=test_mode,
        webhook_url=webhook_url,
        is_default=not existing,
        created_at=now,
    )
    store.put(sender)
    return sender


def update_sender(
    store: SenderStore,
    sender: SmsSender,  # the caller's own (own_sender)
    *,
    name: str,
    sms_live_time: int,
    test_mode: bool | None,
    owner_of_number: Callable[[str], str | None],
    webhook_url: str | None = None,
) -> SmsSender:
    """Changing `sms_live_time` does not re-date SMS already sent: each keeps the value it was sent with."""
    service_id = sender.service_id
    if any(s.sms_sender == name and s.id != sender.id for s in store.list_for_service(service_id)):
        raise NAME_TAKEN
    if name != sender.sms_sender:  # a name it has (one an admin gave it) stays its own: its other fields may change
        _refuse_another_services_number(store, service_id, name, owner_of_number)
    changes: dict[str, object] = {"sms_sender": name, "sms_live_time": sms_live_time}
    if test_mode is not None:
        changes["test_mode"] = test_mode
    if webhook_url is not None:
        changes["webhook_url"] = webhook_url or None  # "" removes it
    updated = sender.model_copy(update=changes)
    store.put(updated)
    return updated


def check_webhook_change(token: AccessToken, sender_id: str, webhook_url: str | None) -> None:
    """A token limited to some senders may rename or delete the others (Notifea's checks 23-27 show it), but not
    set or clear their webhook, which gets every SMS sent through them: the other tokens' recipients and content."""
    if webhook_url is not None and not token.allows_sender(sender_id):
        raise not_whitelisted("webhook_url")


def delete_sender(store: SenderStore, service_id: str, sender_id: str) -> SmsSender:
    sender = own_sender(store, service_id, sender_id)
    store.delete(sender.id)
    return sender


def check_webhook_url(url: str, allow_loopback_http: bool) -> None:
    """Webhooks carry SMS content: https only (plain http to loopback in local mode)."""
    try:
        check_callback_url(url, allow_loopback_http)
    except ValidationFailed as error:
        raise Refused("validation.failed", "The given data was invalid.", fields=["webhook_url"]) from error
