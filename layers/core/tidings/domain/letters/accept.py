"""Accepting a letter (spec §3.3, §3.4, §5.5): templated from personalisation, or a PDF the client made.

Both end as SMS and email do: counted against the limits (one write), stored, and queued for the dispatch
function, which renders (or checks) the PDF and hands it to the printer. A precompiled PDF is kept in the
letter store before the notification is stored as `pending-virus-check`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid4, uuid5

from tidings.domain.errors import BadRequest, QueueUnavailable
from tidings.domain.letters.address import INTERNATIONAL_LETTERS, address_slots, validate_address
from tidings.domain.letters.postage import letter_postage
from tidings.domain.letters.precompiled import decode_content
from tidings.domain.letters.qr_codes import check_qr_codes
from tidings.domain.limits import Counters, day_key, send_counters, take
from tidings.domain.models import Permission, Postage, Template
from tidings.domain.notifications import Notification
from tidings.domain.send import Accepted, SendContext, check_content_fits
from tidings.domain.templates.placeholders import Personalisation, substitute
from tidings.domain.templates.render import body_as_given, render
from tidings.ports import DispatchQueue, LetterStore, NotificationStore

NOT_ALLOWED = "Service is not allowed to send letters"
TEAM_KEY = "Cannot send letters with a team api key"
TRIAL_MODE = "Cannot send letters when service is in trial mode"
# Precompiled letters have no template of the service's: GET shows this one (Notify's is hidden likewise).
PRECOMPILED_TEMPLATE_ID = str(uuid5(NAMESPACE_URL, "https://tidings.example/templates/precompiled-letter"))
PRECOMPILED_SUBJECT = "Pre-compiled PDF"


@dataclass(frozen=True)
class LetterRequest:
    template_id: str
    personalisation: dict[str, Any] = field(default_factory=dict)
    reference: str | None = None


@dataclass(frozen=True)
class PrecompiledRequest:
    reference: str
    content: str  # base64
    postage: str | None = None


def send_letter(
    request: LetterRequest, context: SendContext, store: NotificationStore, queue: DispatchQueue, counters: Counters
) -> Accepted:
    accepted = Accepted(check_letter(request, context), sanitised_content={}, stored=True)
    return _count_store_queue(accepted, context, store, queue, counters)


def send_precompiled(
    request: PrecompiledRequest,
    context: SendContext,
    store: NotificationStore,
    queue: DispatchQueue,
    counters: Counters,
    *,
    letters: LetterStore,
) -> Accepted:
    """Order as Notify's: (schema,) permission, key type and trial mode, then the base64."""
    _may_send_letters(context)
    pdf = decode_content(request.content)
    service = context.caller.bundle.service
    notification = Notification(
        id=str(uuid4()),
        service_id=service.id,
        key_type=context.caller.key.key_type,
        type="letter",
        template_id=PRECOMPILED_TEMPLATE_ID,
        template_version=1,
        to="",
        normalised_to="",
        reference=request.reference,
        status="pending-virus-check",
        body="",
        subject=PRECOMPILED_SUBJECT,
        sender=service.name,
        postage=letter_postage(request.postage, None),
        precompiled=True,
        extra={INTERNATIONAL_LETTERS: service.can(Permission.INTERNATIONAL_LETTERS)},
        simulate=context.caller.key.key_type == "test",
        created_at=context.now,
        expires_at=context.now + timedelta(days=service.retention_days.letter),
    )
    accepted = Accepted(notification, sanitised_content={}, stored=True)
    return _count_store_queue(
        accepted, context, store, queue, counters, before_put=lambda: letters.put_pdf(notification, pdf)
    )


def check_letter(request: LetterRequest, context: SendContext) -> Notification:
    service = context.caller.bundle.service
    if not service.can(Permission.LETTER):
        raise BadRequest(NOT_ALLOWED)
    template = _template(request.template_id, context)
    check_qr_codes(body_as_given(template, request.personalisation))  # before missing personalisation, as Notify
    rendered = render(template, request.personalisation)
    if not rendered.body and template.content.startswith("((") and template.content.endswith("))"):
        raise BadRequest("Your message is empty.")
    if any(isinstance(v, Mapping) and "file" in v for v in request.personalisation.values()):
        raise BadRequest("Can only send a file by email")
    check_content_fits("Letters", rendered.body, rendered.subject)
    _may_send_letters(context)
    slots = address_slots(request.personalisation)
    address = validate_address(slots, service.can(Permission.INTERNATIONAL_LETTERS))
    postage: Postage = letter_postage(template.postage, address.zone)
    contact = template.letter_contact_block
    return Notification(
        id=str(uuid4()),
        service_id=service.id,
        key_type=context.caller.key.key_type,
        type="letter",
        template_id=template.id,
        template_version=template.version,
        to="\n".join(address.lines),
        normalised_to="\n".join(address.lines),
        reference=request.reference,
        body=rendered.body,
        subject=rendered.subject,
        sender=service.name,
        address=slots,
        postage=postage,
        letter_contact_block=substitute(contact, Personalisation(request.personalisation), str) if contact else None,
        simulate=context.caller.key.key_type == "test",
        created_at=context.now,
        expires_at=context.now + timedelta(days=service.retention_days.letter),
    )


def _may_send_letters(context: SendContext) -> None:
    caller = context.caller
    if not caller.bundle.service.can(Permission.LETTER):
        raise BadRequest(NOT_ALLOWED)
    if caller.key.key_type == "team":
        raise BadRequest(TEAM_KEY, status=403)
    if caller.bundle.service.restricted and caller.key.key_type != "test":
        raise BadRequest(TRIAL_MODE, status=403)


def _template(template_id: str, context: SendContext) -> Template:
    template = context.load_template(template_id)
    if template is None or template.service_id != context.caller.service_id:
        raise BadRequest("Template not found")
    if template.type != "letter":
        raise BadRequest(f"{template.type} template is not suitable for letter notification")
    if template.archived:
        raise BadRequest("Template has been deleted")
    return template


def _count_store_queue(
    accepted: Accepted,
    context: SendContext,
    store: NotificationStore,
    queue: DispatchQueue,
    counters: Counters,
    *,
    before_put: Callable[[], None] | None = None,
) -> Accepted:
    """As for SMS and email: limits (after validation), then the item, then the queue (the sweeper covers a
    lost enqueue)."""
    caller, n = context.caller, accepted.notification
    wanted = send_counters(caller.bundle.service, caller.key.key_type, "letter", False, context.now)
    accepted = replace(accepted, usage=take(counters, day_key(caller.service_id, context.now), wanted, context.now))
    if before_put is not None:
        before_put()
    store.put(n)
    with suppress(QueueUnavailable):
        queue.enqueue(n.id, n)
    return accepted
