"""Accepting letters: Notify's order of checks, postage, what is stored, and precompiled uploads."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import pytest

from tests.fakes import FixedClock, InMemoryCounters, InMemoryNotificationStore, MemoryLetters, RecordingQueue
from tidings.domain.auth import Caller
from tidings.domain.callbacks import Announcer, CallbackJob
from tidings.domain.errors import BadRequest, ValidationFailed
from tidings.domain.letters.accept import (
    PRECOMPILED_TEMPLATE_ID,
    LetterRequest,
    PrecompiledRequest,
    send_letter,
    send_precompiled,
)
from tidings.domain.letters.address import INTERNATIONAL_LETTERS
from tidings.domain.models import ApiKey, Callback, Retention, Service, ServiceBundle, Template
from tidings.domain.notifications import Notification
from tidings.domain.send import SendContext

NOW = FixedClock().now()
SERVICE_ID = "11111111-1111-4111-8111-111111111111"
ADDRESS = {"address_line_1": "A Person", "address_line_2": "1 High St", "address_line_3": "SW1A 1AA"}


def template(**extra: Any) -> Template:
    fields = {
        "id": "letter-t", "service_id": SERVICE_ID, "type": "letter", "name": "L", "version": 2,
        "content": "Dear ((name))", "subject": "Letter ((ref))", "created_at": NOW, "created_by": "me",
        "postage": "first", "letter_contact_block": "Office of ((team))", **extra,
    }  # fmt: skip
    return Template.model_validate(fields)


def context(key_type: str = "normal", restricted: bool = False, permissions: list[str] | None = None) -> SendContext:
    service = Service(
        id=SERVICE_ID,
        name="S",
        email_from="s",
        created_at=NOW,
        restricted=restricted,
        retention_days=Retention(letter=30),
        **({"permissions": permissions} if permissions is not None else {}),
    )
    key = ApiKey(id="k", service_id=SERVICE_ID, name="k", key_type=key_type, secret="s", created_at=NOW)  # type: ignore[arg-type]
    templates = {"letter-t": template(), "sms-t": template(id="sms-t", type="sms", subject=None, postage=None)}
    return SendContext(
        caller=Caller(bundle=ServiceBundle(service=service, api_keys=[key]), key=key),
        load_template=templates.get,
        load_senders=lambda _: [],
        now=NOW,
        email_domain="example",
        default_sms_sender="T",
    )


def send(personalisation: dict[str, Any], ctx: SendContext | None = None, template_id: str = "letter-t") -> Any:
    store, queue = InMemoryNotificationStore(), RecordingQueue()
    request = LetterRequest(template_id, personalisation, "ref")
    accepted = send_letter(request, ctx or context(), store, queue, InMemoryCounters())
    return accepted, store, queue


def refused(personalisation: dict[str, Any], ctx: SendContext | None = None, template_id: str = "letter-t") -> Any:
    with pytest.raises((BadRequest, ValidationFailed)) as caught:
        send(personalisation, ctx, template_id)
    error = caught.value
    return (getattr(error, "status", 400), error.message)


def test_a_letter_is_rendered_stored_and_queued() -> None:
    accepted, store, queue = send({**ADDRESS, "name": "Jo", "ref": "R1", "team": "Pigeons"})
    n: Notification = accepted.notification
    assert (n.body, n.subject, n.letter_contact_block, n.postage) == (
        "Dear Jo",
        "Letter R1",
        "Office of Pigeons",
        "first",
    )
    assert (n.to, n.address[:3], n.status, n.api_status) == (
        "A Person\n1 High St\nSW1A 1AA",
        ["A Person", "1 High St", "SW1A 1AA"],
        "created",
        "accepted",
    )
    assert (n.expires_at - n.created_at).days == 30  # the service's letter retention
    assert store.items[n.id] == n and queue.sent == [n.id]


def test_checks_run_in_notify_s_order() -> None:
    everything_wrong = {"address_line_1": "A"}
    assert refused(everything_wrong, template_id="nope") == (400, "Template not found")
    assert refused(everything_wrong, template_id="sms-t") == (
        400,
        "sms template is not suitable for letter notification",
    )
    # as Notify's letter template lists them: contact block, subject, body
    assert refused(everything_wrong) == (400, "Missing personalisation: team, ref, name")
    complete = {**everything_wrong, "name": "Jo", "ref": "R", "team": "T"}
    assert refused(complete, context("team")) == (403, "Cannot send letters with a team api key")
    assert refused(complete, context(restricted=True)) == (403, "Cannot send letters when service is in trial mode")
    assert refused(complete) == (400, "Address must be at least 3 lines")
    assert refused(complete, context(permissions=["sms"])) == (400, "Service is not allowed to send letters")
    assert refused({**complete, "file": {"file": "x"}}) == (400, "Can only send a file by email")


def test_a_qr_code_too_long_is_refused_before_missing_personalisation() -> None:
    """Spec §5.5 step 4: archived, then QR codes, then placeholders; a placeholder missing from the QR code's
    data counts as it is written."""
    link = "https://example.gov.uk/" + "a" * 500
    ctx = context()
    ctx = dataclasses.replace(ctx, load_template={"letter-t": template(content=f"qr: {link}\n\nDear ((name))")}.get)
    assert refused({**ADDRESS, "ref": "R", "team": "T"}, ctx) == (
        400,
        "Cannot create a usable QR code - the link is too long",
    )
    short = dataclasses.replace(ctx, load_template={"letter-t": template(content="qr: https://x.gov.uk/((ref))")}.get)
    assert refused({**ADDRESS, "team": "T", "name": "Jo"}, short) == (400, "Missing personalisation: ref")


def test_test_keys_may_send_letters_in_trial_mode_and_are_simulated() -> None:
    accepted, _, _ = send({**ADDRESS, "name": "Jo", "ref": "R", "team": "T"}, context("test", restricted=True))
    assert accepted.notification.simulate


def test_international_addresses_need_the_permission_and_set_the_postage() -> None:
    abroad = {"address_line_1": "A", "address_line_2": "1 Rue X", "address_line_3": "France", "name": "J", "ref": "R"}
    abroad["team"] = "T"
    assert refused(abroad) == (400, "Must be a real UK postcode")
    allowed = context(permissions=["letter", "international_letters"])
    assert send(abroad, allowed)[0].notification.postage == "europe"


def test_a_precompiled_letter_is_kept_and_waits_for_its_checks() -> None:
    store, queue, letters = InMemoryNotificationStore(), RecordingQueue(), MemoryLetters()
    request = PrecompiledRequest("ref-pdf", base64.b64encode(b"%PDF-1.4").decode(), "economy")
    n = send_precompiled(request, context(), store, queue, InMemoryCounters(), letters=letters).notification
    assert (n.status, n.postage, n.precompiled, n.template_id, letters.pdfs[n.id]) == (
        "pending-virus-check",
        "economy",
        True,
        PRECOMPILED_TEMPLATE_ID,
        b"%PDF-1.4",
    )
    assert store.items[n.id] == n and queue.sent == [n.id]


def test_a_precompiled_letter_remembers_whether_its_service_may_send_abroad() -> None:
    request = PrecompiledRequest("ref-pdf", base64.b64encode(b"%PDF-1.4").decode())
    for permissions, abroad in ((["letter"], False), (["letter", "international_letters"], True)):
        ctx = context(permissions=permissions)
        stores = (InMemoryNotificationStore(), RecordingQueue(), InMemoryCounters())
        n = send_precompiled(request, ctx, *stores, letters=MemoryLetters()).notification
        assert n.extra == {INTERNATIONAL_LETTERS: abroad}


def test_precompiled_checks_keys_before_the_content() -> None:
    letters = MemoryLetters()
    for ctx, expected in ((context("team"), 403), (context(), 400)):
        with pytest.raises(BadRequest) as caught:
            send_precompiled(
                PrecompiledRequest("r", "%%%"),
                ctx,
                InMemoryNotificationStore(),
                RecordingQueue(),
                InMemoryCounters(),
                letters=letters,
            )
        assert caught.value.status == expected
    assert letters.pdfs == {}


def test_letters_send_no_delivery_callbacks() -> None:
    jobs: list[CallbackJob] = []

    class Queue:
        def enqueue(self, job: CallbackJob) -> None:
            jobs.append(job)

    hook = Callback(id="c", type="delivery_status", url="https://x.example", bearer_token="0123456789", created_at=NOW)
    bundle = ServiceBundle(service=context().caller.bundle.service, callbacks=[hook])
    announcer = Announcer(lambda _: bundle, Queue(), lambda _: {})
    accepted, _, _ = send({**ADDRESS, "name": "Jo", "ref": "R", "team": "T"})
    announcer.status_changed(accepted.notification.model_copy(update={"status": "delivered"}))
    assert jobs == []
