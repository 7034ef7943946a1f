"""Accepting an SMS or email (spec §5.5 steps 3-8): every business check, then persist and queue."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import uuid4

from tidings.domain.answer_limit import CONTENT_BYTES, shown_bytes
from tidings.domain.auth import Caller
from tidings.domain.documents import DocumentLink, StoredFile, is_file, new_link, parse_upload, stored_file
from tidings.domain.email_address import EmailAddressError, normalise_email_address
from tidings.domain.errors import NOT_ALLOWED, TRIAL_MODE, BadRequest, InvalidPhone, QueueUnavailable, TidingsError
from tidings.domain.limits import Counters, Usage, day_key, send_counters, take, take_first_check_rest
from tidings.domain.models import Permission, SmsSender, Template
from tidings.domain.notifications import (
    SIMULATED_EMAILS,
    SIMULATED_PHONE_NUMBERS,
    Notification,
    content_bytes,
    packed_content,
)
from tidings.domain.phone import parse_phone_number
from tidings.domain.rates import rate_table
from tidings.domain.templates.render import render
from tidings.domain.templates.sanitise import sanitise_value
from tidings.domain.templates.sms_encoding import SMS_MAX_CHARACTERS, fragment_count
from tidings.ports import DispatchQueue, DocumentStore, NotificationStore

Channel = Literal["sms", "email"]
EMAIL_MAX_BYTES = 2_000_000
# Notify sets no limit on a subject. The longest line RFC 5322 allows in a message is 998 characters, and an
# unbounded personalised subject made answers (and every later read of it) too long for Lambda.
SUBJECT_MAX_CHARACTERS = 998
# One stored notification holds at most 400 KB; a letter's long content (body and subject) is kept compressed in
# it, and must fit so (an SMS is at most 918 characters; an email's long content is kept apart, in parts).
MAX_STORED_CONTENT_BYTES = 300_000
TEAM_ONLY = "Can’t send to this recipient using a team-only API key"
ADMIN_BASE_URL = "https://www.notifications.service.gov.uk"


@dataclass(frozen=True)
class SendRequest:
    channel: Channel
    recipient: str
    template_id: str
    personalisation: dict[str, Any] = field(default_factory=dict)
    reference: str | None = None
    sms_sender_id: str | None = None
    email_reply_to_id: str | None = None
    one_click_unsubscribe_url: str | None = None
    sanitise_content_for: list[str] | None = None


@dataclass(frozen=True)
class SendContext:
    caller: Caller
    load_template: Callable[[str], Template | None]
    load_senders: Callable[[bool], list[SmsSender]]  # argument: bypass the cache
    now: datetime
    email_domain: str
    default_sms_sender: str
    root_url: str = "https://tidings.invalid/"  # `scheme://host/` of the request: download links start with it


@dataclass(frozen=True)
class Accepted:
    notification: Notification
    sanitised_content: dict[str, dict[str, Any]]
    stored: bool
    international: bool = False
    usage: Usage | None = None
    files: tuple[StoredFile, ...] = ()  # uploads to store before the notification (send a file by email)


def send_notification(
    request: SendRequest,
    context: SendContext,
    store: NotificationStore,
    queue: DispatchQueue,
    counters: Counters,
    *,
    documents: DocumentStore | None = None,
) -> Accepted:
    """Check, count against the limits (one write), persist as `created`, then queue.

    Limits are taken after validation, so a request refused as invalid costs its sender nothing; a request
    refused by a limit counts nowhere. A lost enqueue is recovered by the sweeper.
    """
    accepted = check_and_build(request, context)
    caller, n = context.caller, accepted.notification
    wanted = send_counters(caller.bundle.service, caller.key.key_type, n.type, accepted.international, context.now)
    # Smoke-test recipients use a rate-limit token and are refused once the day's limit is spent, but are never
    # sent, so never added to the day's count.
    take_them = take if accepted.stored else take_first_check_rest
    usage = take_them(counters, day_key(caller.service_id, context.now), wanted, context.now)
    accepted = replace(accepted, usage=usage)
    if accepted.stored:
        for file in accepted.files:
            if documents is None:
                raise RuntimeError("an upload was accepted with no document store to keep it")
            documents.put(file.document, file.content)
        store.put(accepted.notification)
        with suppress(QueueUnavailable):  # stored as `created`: the sweeper re-enqueues it within minutes
            queue.enqueue(accepted.notification.id, accepted.notification)
    return accepted


def check_and_build(request: SendRequest, context: SendContext) -> Accepted:
    service = context.caller.bundle.service
    if not service.can(Permission(request.channel)):
        raise BadRequest(NOT_ALLOWED[request.channel])
    template = _template(request, context)
    values, sanitised = _personalisation(request)
    links = _file_links(request, context)
    values.update({key: link.url for key, link in links.items()})
    rendered = render(template, values)
    if not rendered.body and template.content.startswith("((") and template.content.endswith("))"):
        raise BadRequest("Your message is empty.")
    if request.channel != "email" and any(is_file(v) for v in request.personalisation.values()):
        raise BadRequest("Can only send a file by email")
    if request.channel == "sms":
        sender = _sms_sender(request, context)
        sender_name, reply_to = (sender.sms_sender if sender else context.default_sms_sender), None
    else:
        sender, sender_name = None, f"{service.email_from}@{context.email_domain}"
        reply_to = _reply_to(request, context)
    normalised, region, international = _recipient(request, context)
    try:
        files = _uploads(request, links, normalised, context)
        _check_length(request.channel, rendered.body, rendered.subject)
    except TidingsError as error:
        error.after_international_recipient = international
        raise
    simulate = context.caller.key.key_type == "test" or bool(sender and sender.test_mode)
    notification = Notification(
        id=str(uuid4()),
        service_id=service.id,
        key_type=context.caller.key.key_type,
        type=request.channel,
        template_id=template.id,
        template_version=template.version,
        to=request.recipient.strip(),
        normalised_to=normalised,
        reference=request.reference,
        body=rendered.body,
        subject=rendered.subject,
        sender=sender_name,
        reply_to=reply_to,
        one_click_unsubscribe_url=request.one_click_unsubscribe_url,
        billable_units=fragment_count(rendered.body) if request.channel == "sms" else 0,
        rate_multiplier=_multiplier(region),
        sms_rate=rate_table().sms_rate,
        simulate=simulate,
        opted_out=request.channel == "sms" and context.caller.bundle.stops_sms_to(normalised, simulate),
        created_at=context.now,
        expires_at=context.now + _retention(request.channel, sender, context),
    )
    simulated = normalised in SIMULATED_PHONE_NUMBERS or normalised in SIMULATED_EMAILS
    sanitised_content = sanitised if request.channel == "email" else {}
    return Accepted(notification, sanitised_content, stored=not simulated, international=international, files=files)


def _template(request: SendRequest, context: SendContext) -> Template:
    template = context.load_template(request.template_id)
    if template is None or template.service_id != context.caller.service_id:
        raise BadRequest("Template not found")
    if template.type != request.channel:
        raise BadRequest(f"{template.type} template is not suitable for {request.channel} notification")
    if template.archived:
        raise BadRequest("Template has been deleted")
    return template


def _personalisation(request: SendRequest) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    wanted = {key.lower() for key in request.sanitise_content_for or []}
    values, changed = dict(request.personalisation), {}
    for key, value in request.personalisation.items():
        if key.lower() in wanted and isinstance(value, str):
            clean = sanitise_value(value)
            values[key] = clean
            if clean != value:
                changed[key] = {"unsanitised": value, "sanitised": clean}
    return values, changed


def _sms_sender(request: SendRequest, context: SendContext) -> SmsSender | None:
    if request.sms_sender_id is None:
        return next((s for s in context.load_senders(False) if s.is_default), None)
    for fresh in (False, True):  # a sender created since the cache filled is still found
        found = next((s for s in context.load_senders(fresh) if s.id == request.sms_sender_id), None)
        if found:
            return found
    raise BadRequest(
        f"sms_sender_id {request.sms_sender_id} does not exist in database for service id {context.caller.service_id}"
    )


def _reply_to(request: SendRequest, context: SendContext) -> str | None:
    reply_tos = context.caller.bundle.reply_tos
    if request.email_reply_to_id is None:
        return next((r.email_address for r in reply_tos if r.is_default), None)
    found = next((r for r in reply_tos if r.id == request.email_reply_to_id), None)
    if found is None:
        raise BadRequest(
            f"email_reply_to_id {request.email_reply_to_id} does not exist in database for service id "
            f"{context.caller.service_id}"
        )
    return found.email_address


def _recipient(request: SendRequest, context: SendContext) -> tuple[str, str, bool]:
    """The normalised recipient, its region and whether it is international, after key-type and permission rules."""
    if not request.recipient.strip():
        raise BadRequest("Recipient can't be empty")
    bundle, key_type = context.caller.bundle, context.caller.key.key_type
    if request.channel == "sms":
        phone = parse_phone_number(request.recipient)
        normalised, region, guests = phone.e164, phone.region, bundle.guest_list.phone_numbers
    else:
        normalised, region = normalise_email_address(request.recipient).lower(), ""
        guests = bundle.guest_list.email_addresses
    if key_type == "team" and normalised not in guests:
        raise BadRequest(TEAM_ONLY)
    if key_type == "normal" and bundle.service.restricted and normalised not in guests:
        raise BadRequest(TRIAL_MODE)
    if request.channel == "sms":
        if not phone.is_uk and not bundle.service.can(Permission.INTERNATIONAL_SMS):
            raise BadRequest("Cannot send to international mobile numbers")
        if phone.is_uk_landline and not bundle.service.can(Permission.SMS_TO_UK_LANDLINES):
            raise InvalidPhone("Not a UK mobile number")
        return normalised, region, not phone.is_uk
    return normalised, region, False


def _check_length(channel: Channel, body: str, subject: str | None = None) -> None:
    if channel == "sms" and len(body) > SMS_MAX_CHARACTERS:
        raise BadRequest(
            f"Your message is too long. Text messages cannot be longer than {SMS_MAX_CHARACTERS} characters. "
            f"Your message is {len(body)} characters long."
        )
    size = len(body.encode())
    if channel == "email" and size > EMAIL_MAX_BYTES:
        raise BadRequest(
            f"Your message is too long. Emails cannot be longer than {EMAIL_MAX_BYTES} bytes. "
            f"Your message is {size} bytes."
        )
    if channel == "email" and subject is not None and len(subject) > SUBJECT_MAX_CHARACTERS:
        raise BadRequest(
            f"Your subject is too long. Email subjects cannot be longer than {SUBJECT_MAX_CHARACTERS} characters. "
            f"Your subject is {len(subject)} characters long."
        )
    if channel == "email":
        check_content_fits("Emails", body, subject, compressed_limit=None)  # any 2,000,000 bytes can be stored


def check_content_fits(
    kind: str, body: str, subject: str | None, compressed_limit: int | None = MAX_STORED_CONTENT_BYTES
) -> None:
    """Refuse content too large to store, even compressed (where `compressed_limit` bounds that), or to show in
    one answer (the 201 and every read of it after): a 400 now, not a 500 once it is queued."""
    if compressed_limit is not None and content_bytes(body, subject) > compressed_limit:
        stored = len(packed_content(body, subject))  # exactly what the store would keep
        if stored > compressed_limit:
            raise BadRequest(
                f"Your message is too long. {kind} must compress to {compressed_limit} bytes or fewer. "
                f"Your message compresses to {stored} bytes."
            )
    shown = shown_bytes({"body": body, "subject": subject})
    if shown > CONTENT_BYTES:
        raise BadRequest(
            f"Your message is too long. {kind} must be {CONTENT_BYTES} bytes or fewer as JSON. "
            f"Your message is {shown} bytes as JSON."
        )


def _multiplier(region: str) -> int:
    country = rate_table().by_region(region) if region else None
    return country.multiplier if country else 1


def _retention(channel: Channel, sender: SmsSender | None, context: SendContext) -> timedelta:
    """The sender's sms_live_time if it has one (0: gone once sent), else the service's channel retention."""
    if sender is not None and sender.sms_live_time is not None:
        return timedelta(days=sender.sms_live_time)
    return timedelta(days=getattr(context.caller.bundle.service.retention_days, channel))


def _file_links(request: SendRequest, context: SendContext) -> dict[str, DocumentLink]:
    """A download link for each upload in an email's personalisation; it replaces the upload when rendering."""
    if request.channel != "email":
        return {}
    try:
        simulated = normalise_email_address(request.recipient).lower() in SIMULATED_EMAILS
    except EmailAddressError:
        simulated = False
    service_id = context.caller.service_id
    return {
        key: new_link(context.root_url, service_id, simulated)
        for key, value in request.personalisation.items()
        if is_file(value)
    }


def _uploads(
    request: SendRequest, links: dict[str, DocumentLink], recipient: str, context: SendContext
) -> tuple[StoredFile, ...]:
    """Each upload checked (spec §5.5 step 7) and made ready to store; none for a simulated recipient."""
    files = []
    service = context.caller.bundle.service
    for key, link in links.items():
        upload = parse_upload(request.personalisation[key])
        if not service.contact_link:  # the download page tells the recipient whom to ask
            raise BadRequest(
                "Send files by email has not been set up - add contact details for your service at "
                f"{ADMIN_BASE_URL}/services/{service.id}/service-settings/send-files-by-email"
            )
        if link.key:
            files.append(stored_file(upload, link, context.caller.service_id, recipient, context.now))
    return tuple(files)
