"""The /v1 (Notifea) SMS: no template, the sender's `sms_live_time` as retention, the same queue as /v2."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from tidings.domain.errors import NOT_ALLOWED, TRIAL_MODE, QueueUnavailable, Refused
from tidings.domain.ids import is_canonical_uuid
from tidings.domain.limits import Counter, Counters, Usage, day_key, send_counters, take
from tidings.domain.models import (
    MAX_SMS_LIVE_TIME,
    AccessToken,
    KeyType,
    Permission,
    Retention,
    ServiceBundle,
    SmsSender,
)
from tidings.domain.notifications import FINAL, Notification
from tidings.domain.phone import NO_COUNTRY_PREFIX, PhoneNumberError, parse_phone_number
from tidings.domain.rates import Country, rate_table
from tidings.domain.templates.sms_encoding import SMS_MAX_CHARACTERS, fragment_count
from tidings.ports import DispatchQueue, NotificationStore

UK = 44
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
ALLOWED_CONTROLS = frozenset("\n\r\t")
UNPARSABLE = "We were unable to parse recipient number."
UNSUPPORTED_COUNTRY = "Unable to send SMS to the given country."
SENDER_NOT_FOUND = Refused("user_sms_sender.not.found", "user_sms_sender was not found", 404)
SMS_NOT_FOUND = Refused("sms.not.found", "sms was not found", 404)
FAILED = FINAL - {"delivered"}


@dataclass(frozen=True)
class Recipient:
    e164: str  # digits, no "+"
    country: Country


@dataclass(frozen=True)
class SentSms:
    notification: Notification
    usage: Usage


def parse_recipient(raw: str, may_send_abroad: bool) -> Recipient:
    number = raw.strip()
    if not E164.match(number):
        raise Refused("recipient.not.valid", UNPARSABLE, fields=["recipient"])
    try:
        phone = parse_phone_number(number)
    except PhoneNumberError as error:
        if str(error) == NO_COUNTRY_PREFIX:  # a real country, just not one we send to
            raise Refused("sms.country.not.supported", UNSUPPORTED_COUNTRY, fields=["recipient"]) from error
        raise Refused("recipient.not.valid", UNPARSABLE, fields=["recipient"]) from error
    if not phone.is_mobile:  # Notifea sends to mobiles only (spec §1.6.16), where /v2 also takes UK landlines
        raise Refused("recipient.not.valid", UNPARSABLE, fields=["recipient"])
    country = rate_table().by_region(phone.region)
    if country is None or (not phone.is_uk and not may_send_abroad):
        raise Refused("sms.country.not.supported", UNSUPPORTED_COUNTRY, fields=["recipient"])
    return Recipient(e164=phone.e164, country=country)


def check_content(content: str) -> None:
    control = any(unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS for c in content)
    if not content.strip() or len(content) > SMS_MAX_CHARACTERS or control:
        raise Refused("content.not.valid", "SMS content violates validation rules", fields=["content"])


def not_whitelisted(field: str) -> Refused:
    return Refused(
        "sms.sender.not.whitelisted",
        "Sms sender you are trying to send from can not be used with this access token",
        fields=[field],
    )


def sender_for(senders: Sequence[SmsSender], token: AccessToken, sender_id: str) -> SmsSender:
    """A token that names its senders refuses any other as not whitelisted (spec E5), known or not."""
    if not token.allows_sender(sender_id):
        raise not_whitelisted("sms_sender_id")
    sender = next((s for s in senders if s.id == sender_id), None)
    if sender is None:
        raise SENDER_NOT_FOUND
    return sender


def check_trial_mode(bundle: ServiceBundle, sender: SmsSender, to: Recipient) -> None:
    """A service in trial mode (restricted) sends only to its guest list, through /v1 as through /v2's live keys;
    a test_mode sender reaches no carrier, so it may address anyone (as a /v2 test key may). Notifea has no trial
    mode: the refusal is a 422 on the recipient, with Notify's words."""
    if bundle.service.restricted and not sender.test_mode and to.e164 not in bundle.guest_list.phone_numbers:
        raise Refused("recipient.not.allowed", TRIAL_MODE, fields=["recipient"])


def live_time_days(sender: SmsSender, retention: Retention) -> int:
    """The days a /v1 SMS through `sender` is kept, and the `sms_live_time` /v1 shows. A sender made through /admin
    without one keeps the service's SMS retention, within Notifea's 30 days: the value shown is the one applied,
    and one a PUT accepts back."""
    if sender.sms_live_time is not None:
        return sender.sms_live_time
    return min(retention.sms, MAX_SMS_LIVE_TIME)


def send_v1_sms(
    *,
    bundle: ServiceBundle,
    sender: SmsSender,
    content: str,
    recipient: str,
    now: datetime,
    store: NotificationStore,
    queue: DispatchQueue,
    counters: Counters,
    extra_counters: Sequence[Counter] = (),
) -> SentSms:
    """Validate, count (the send limits and the caller's /v1 request limit, in one write), store, queue."""
    if not bundle.service.can(Permission.SMS):  # as /v2 refuses it, before anything about the SMS itself
        raise Refused("sms.not.allowed", NOT_ALLOWED["sms"], 403)
    check_content(content)
    to = parse_recipient(recipient, bundle.service.can(Permission.INTERNATIONAL_SMS))
    check_trial_mode(bundle, sender, to)
    days = live_time_days(sender, bundle.service.retention_days)
    notification = Notification(
        id=str(uuid4()),
        service_id=bundle.service.id,
        key_type="normal",
        type="sms",
        template_id="",
        template_version=0,
        to=recipient.strip(),
        normalised_to=to.e164,
        body=content,
        sender=sender.sms_sender,
        billable_units=fragment_count(content),
        rate_multiplier=to.country.multiplier,
        sms_rate=rate_table().sms_rate,
        simulate=sender.test_mode,
        opted_out=bundle.stops_sms_to(to.e164, sender.test_mode),
        dialect="v1",
        created_at=now,
        expires_at=now + timedelta(days=days),  # 0: shown to no read once sent (TTL: delete_after)
        extra={
            "country": {"id": to.country.id, "nice_name": to.country.name},
            "sender": {
                "id": sender.id,
                "name": sender.sms_sender,
                "sms_live_time": days,
                "created_at": sender.created_at,
                "webhook_url": sender.webhook_url,
            },
        },
    )
    # The caller's /v1 request limit first: its refusal and its RateLimit-* headers are the ones /v1 reports.
    # A test-mode sender's SMS reach no carrier: as a /v2 test key's, they count on no daily limit.
    key_type: KeyType = "test" if sender.test_mode else "normal"
    wanted = [*extra_counters, *send_counters(bundle.service, key_type, "sms", to.country.dial_code != UK, now)]
    usage = take(counters, day_key(bundle.service.id, now), wanted, now)
    store.put(notification)
    with suppress(QueueUnavailable):  # stored as `created`: the sweeper re-enqueues it
        queue.enqueue(notification.id, notification)
    return SentSms(notification, usage)


def own_sms(store: NotificationStore, service_id: str, sms_id: str, now: datetime) -> Notification:
    sms_id = sms_id.lower()  # Laravel's uuid rule takes any case, and MySQL compares without it
    if not is_canonical_uuid(sms_id):
        raise SMS_NOT_FOUND
    found = store.find(sms_id, now, content=False)  # a /v1 SMS keeps its content inline: only emails go apart
    if found is None or found.service_id != service_id or found.dialect != "v1":
        raise SMS_NOT_FOUND
    return found


def result_of(notification: Notification) -> int:
    """1 once accepted for sending, 0 when it failed."""
    return 0 if notification.status in FAILED else 1
