"""Accepting SMS and email: every business rule of spec §5.5 steps 3-8 and §6, with exact messages."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest

from tests.fakes import FixedClock, InMemoryCounters, InMemoryDocumentStore, InMemoryNotificationStore, RecordingQueue
from tidings.domain.auth import Caller
from tidings.domain.errors import TRIAL_MODE, BadRequest, InvalidPhone, ValidationFailed
from tidings.domain.limits import LimitExceeded
from tidings.domain.models import (
    ApiKey,
    GuestList,
    OptOut,
    ReplyTo,
    Retention,
    Service,
    ServiceBundle,
    SmsSender,
    Template,
)
from tidings.domain.send import TEAM_ONLY, SendContext, SendRequest, send_notification

CLOCK = FixedClock()
NOW = CLOCK.now()
SERVICE_ID = "11111111-1111-4111-8111-111111111111"


def template(kind: str = "sms", content: str = "Hello ((name))", **extra: Any) -> Template:
    subject = "Hi ((name))" if kind == "email" else None
    fields = {
        "id": f"{kind}-t",
        "service_id": SERVICE_ID,
        "type": kind,
        "name": kind,
        "version": 3,
        "content": content,
        "subject": subject,
        "created_at": NOW,
        "created_by": "me",
        **extra,
    }
    return Template.model_validate(fields)


def caller(
    key_type: str = "normal",
    restricted: bool = False,
    permissions: list[str] | None = None,
    contact_link: str | None = "https://example.gov.uk/help",
    **bundle: Any,
) -> Caller:
    service = Service(
        id=SERVICE_ID,
        name="S",
        email_from="pigeon",
        created_at=NOW,
        restricted=restricted,
        contact_link=contact_link,
        retention_days=Retention(sms=3, email=5),
        **({"permissions": permissions} if permissions is not None else {}),
    )
    key = ApiKey(id="k", service_id=SERVICE_ID, name="k", key_type=key_type, secret="s", created_at=NOW)  # type: ignore[arg-type]
    guests = GuestList(phone_numbers=["447700900123"], email_addresses=["team@example.gov.uk"])
    return Caller(bundle=ServiceBundle(service=service, api_keys=[key], guest_list=guests, **bundle), key=key)


class World:
    def __init__(
        self, who: Caller | None = None, templates: list[Template] | None = None, senders: list[SmsSender] | None = None
    ) -> None:
        self.store, self.queue, self.counters = InMemoryNotificationStore(), RecordingQueue(), InMemoryCounters()
        self.templates = {t.id: t for t in (templates or [template(), template("email", "Dear ((name))")])}
        self.context = SendContext(
            caller=who or caller(),
            load_template=self.templates.get,
            load_senders=lambda fresh: senders or [],
            now=NOW,
            email_domain="notify.example",
            default_sms_sender="Tidings",
        )

    def send(
        self, channel: str = "sms", recipient: str = "07700900123", template_id: str | None = None, **fields: Any
    ) -> Any:
        request = SendRequest(
            channel=channel,
            recipient=recipient,
            template_id=template_id or f"{channel}-t",
            **{"personalisation": {"name": "Jo"}, **fields},
        )  # type: ignore[arg-type]
        return send_notification(request, self.context, self.store, self.queue, self.counters)

    def refused(self, **kwargs: Any) -> str:
        with pytest.raises((BadRequest, InvalidPhone)) as error:
            self.send(**kwargs)
        return error.value.message


def test_an_sms_is_stored_as_created_and_queued() -> None:
    world = World()
    accepted = world.send(reference="r1")
    stored = world.store.items[accepted.notification.id]
    assert (stored.status, stored.body, stored.sender, stored.reference) == ("created", "Hello Jo", "Tidings", "r1")
    assert (stored.normalised_to, stored.to, stored.billable_units, stored.template_version) == (
        "447700900123",
        "07700900123",
        1,
        3,
    )
    assert stored.expires_at == NOW + timedelta(days=3)  # the service's SMS retention
    assert world.queue.sent == [stored.id]


def test_an_email_has_its_from_address_reply_to_and_retention() -> None:
    reply = ReplyTo(id="r", email_address="help@example.gov.uk", is_default=True, created_at=NOW)
    world = World(caller(reply_tos=[reply]))
    accepted = world.send("email", "Team@Example.gov.uk ")
    n = accepted.notification
    assert (n.sender, n.reply_to, n.subject, n.to, n.normalised_to) == (
        "pigeon@notify.example",
        "help@example.gov.uk",
        "Hi Jo",
        "Team@Example.gov.uk",
        "team@example.gov.uk",
    )
    assert n.expires_at == NOW + timedelta(days=5)


def test_a_queue_failure_still_accepts_and_stores() -> None:
    world = World()
    world.queue.fail = True
    accepted = world.send()
    assert world.store.items[accepted.notification.id].status == "created"


@pytest.mark.parametrize("number", ["07700900000", "+447700900111", "07700 900222"])
def test_smoke_test_numbers_are_accepted_but_neither_stored_nor_sent(number: str) -> None:
    world = World()
    accepted = world.send(recipient=number)
    assert not accepted.stored and world.store.items == {} and world.queue.sent == []


def test_smoke_test_numbers_use_a_token_and_are_refused_once_the_day_is_spent_but_never_counted() -> None:
    """Spec §5.5 step 1: the rate limit and the day's limit come first, for every request; §6: never counted."""
    world = World()
    limit = world.context.caller.bundle.service.sms_message_limit
    day = f"{SERVICE_ID}#{NOW:%Y-%m-%d}"
    world.send(recipient="07700900000")
    assert (world.counters.items[day]["minute_normal"], world.counters.items[day].get("day_sms", 0)) == (1, 0)
    world.counters.items[day]["day_sms"] = limit
    with pytest.raises(LimitExceeded) as refused:
        world.send(recipient="07700900111")
    assert refused.value.counter.name == "day_sms" and world.counters.items[day]["day_sms"] == limit


def test_a_simulated_sms_to_a_number_that_opted_out_ends_as_its_number_says() -> None:
    """Spec §6: a test key's SMS ends by its number; an opt-out only stops real sends."""
    opted = {"opt_outs": [OptOut(number="447700900123", created_at=NOW)]}
    assert World(caller("test", **opted)).send().notification.opted_out is False
    assert World(caller(**opted)).send().notification.opted_out is True


def test_smoke_test_emails_likewise() -> None:
    world = World()
    assert not world.send("email", "simulate-delivered-2@notifications.service.gov.uk").stored


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"template_id": "missing"}, "Template not found"),
        ({"template_id": "email-t"}, "email template is not suitable for sms notification"),
        ({"personalisation": {}}, "Missing personalisation: name"),
        ({"personalisation": {"name": {"file": "eA=="}}}, "Can only send a file by email"),
        ({"sms_sender_id": "nope"}, f"sms_sender_id nope does not exist in database for service id {SERVICE_ID}"),
        (
            {"personalisation": {"name": "x" * 913}},
            "Your message is too long. Text messages cannot be longer than 918 characters. Your message is 919 characters long.",
        ),
    ],
)
def test_sms_refusals(kwargs: dict[str, Any], message: str) -> None:
    assert World().refused(**kwargs) == message


def test_918_characters_is_fine() -> None:
    assert World().send(personalisation={"name": "x" * 912}).notification.billable_units == 6


def test_another_services_template_is_not_found() -> None:
    foreign = template().model_copy(update={"service_id": "someone-else"})
    assert World(templates=[foreign]).refused() == "Template not found"


def test_archived_and_empty_templates() -> None:
    assert World(templates=[template(archived=True)]).refused() == "Template has been deleted"
    assert (
        World(templates=[template(content="((name))")]).refused(personalisation={"name": " "})
        == "Your message is empty."
    )


def test_email_refusals() -> None:
    world = World()
    assert world.refused(channel="email", recipient="a@example.com", email_reply_to_id="r9") == (
        f"email_reply_to_id r9 does not exist in database for service id {SERVICE_ID}"
    )
    big = world.refused(channel="email", recipient="a@example.com", personalisation={"name": "é" * 1_000_000})
    assert big == "Your message is too long. Emails cannot be longer than 2000000 bytes. Your message is 2000005 bytes."


def test_permissions() -> None:
    assert World(caller(permissions=["email"])).refused() == "Service is not allowed to send text messages"
    assert (
        World(caller(permissions=["sms"])).refused(channel="email", recipient="a@b.com")
        == "Service is not allowed to send emails"
    )
    assert (
        World(caller(permissions=["sms"])).refused(recipient="+12025550123")
        == "Cannot send to international mobile numbers"
    )
    assert World(caller(permissions=["sms"])).refused(recipient="020 7946 0000") == "Not a UK mobile number"
    landlines = World(caller(permissions=["sms", "sms_to_uk_landlines"]))
    assert landlines.send(recipient="020 7946 0000").stored


def test_international_numbers_carry_their_rate_multiplier() -> None:
    assert World().send(recipient="+12025550123").notification.rate_multiplier == 3


def test_team_keys_reach_only_the_guest_list() -> None:
    world = World(caller("team"))
    assert world.refused(recipient="07700900999") == TEAM_ONLY
    assert world.refused(channel="email", recipient="other@example.gov.uk") == TEAM_ONLY
    assert world.send(recipient="+44 7700 900123").stored
    assert world.send("email", "TEAM@example.gov.uk").stored


def test_trial_mode_live_keys_reach_only_the_guest_list() -> None:
    world = World(caller("normal", restricted=True))
    assert world.refused(recipient="07700900999") == TRIAL_MODE
    assert "’" in TRIAL_MODE and "–" in TRIAL_MODE
    assert world.send(recipient="07700900123").stored


def test_test_keys_reach_anyone_and_are_simulated() -> None:
    world = World(caller("test", restricted=True))
    assert world.send(recipient="07700900999").notification.simulate


def test_a_test_mode_sender_is_simulated_and_sets_retention() -> None:
    sender = SmsSender(
        id="s1", service_id=SERVICE_ID, sms_sender="Shop", sms_live_time=15, test_mode=True, created_at=NOW
    )
    n = World(senders=[sender]).send(sms_sender_id="s1").notification
    assert (n.simulate, n.sender, n.expires_at) == (True, "Shop", NOW + timedelta(days=15))


def test_the_default_sender_is_used_when_none_is_named() -> None:
    sender = SmsSender(
        id="s1", service_id=SERVICE_ID, sms_sender="447700900456", is_default=True, sms_live_time=0, created_at=NOW
    )
    n = World(senders=[sender]).send().notification
    assert (n.sender, n.expires_at, n.simulate) == ("447700900456", NOW, False)


def test_sanitise_content_for() -> None:
    world = World(templates=[template("email", "Dear ((name)) ((other))")])
    accepted = world.send(
        "email",
        "a@example.com",
        personalisation={"NAME": "[click](https://evil.link)", "other": "x"},
        sanitise_content_for=["name"],
    )
    assert accepted.sanitised_content == {
        "NAME": {"unsanitised": "[click](https://evil.link)", "sanitised": "\\[click\\]\\(\\)"}
    }
    assert accepted.notification.body == "Dear \\[click\\]\\(\\) x"


# ---------------------------------------------------------------- send a file by email (spec §3.2, §12 check 23)

PDF_UPLOAD = {"file": base64.b64encode(b"%PDF-1.4 hello").decode(), "filename": "a.pdf"}


def send_file(
    world: World, documents: InMemoryDocumentStore, recipient: str = "team@example.gov.uk", **upload: Any
) -> Any:
    request = SendRequest(
        channel="email",
        recipient=recipient,
        template_id="email-t",
        personalisation={"name": {**PDF_UPLOAD, **upload}},
    )
    return send_notification(request, world.context, world.store, world.queue, world.counters, documents=documents)


def test_a_file_needs_the_service_to_have_contact_details() -> None:
    world, documents = World(caller(contact_link=None)), InMemoryDocumentStore()
    with pytest.raises(BadRequest) as refused:
        send_file(world, documents)
    assert refused.value.message == (
        "Send files by email has not been set up - add contact details for your service at "
        f"https://www.notifications.service.gov.uk/services/{SERVICE_ID}/service-settings/send-files-by-email"
    )
    assert documents.files == {} and world.store.items == {}


def test_a_file_is_stored_and_replaced_by_its_link() -> None:
    world, documents = World(), InMemoryDocumentStore()
    accepted = send_file(world, documents)
    body = accepted.notification.body
    assert PDF_UPLOAD["file"] not in body
    (((service_id, file_id), (document, content)),) = documents.files.items()
    assert body.startswith(f"Dear {world.context.root_url}d/{SERVICE_ID}/{file_id}?key=")
    assert (service_id, content, document.filename, document.content_type) == (
        SERVICE_ID,
        b"%PDF-1.4 hello",
        "a.pdf",
        "application/pdf",
    )
    assert world.store.items[accepted.notification.id].body == body


def test_upload_problems_are_refused_before_anything_is_stored() -> None:
    world, documents = World(), InMemoryDocumentStore()
    with pytest.raises(ValidationFailed) as invalid:
        send_file(world, documents, retention_period="79 weeks")
    assert invalid.value.messages == [
        "retention_period Unsupported value for retention_period: 79 weeks. Supported periods are from 1 to 78 weeks."
    ]
    with pytest.raises(BadRequest, match="Document is not base64 encoded"):
        send_file(world, documents, file="%%%")
    assert documents.files == {} and world.store.items == {}


def test_recipient_rules_come_before_the_upload_checks() -> None:
    world = World(caller("team"))
    with pytest.raises(BadRequest, match=TEAM_ONLY):
        send_file(world, InMemoryDocumentStore(), recipient="someone@example.com", retention_period="bad")


def test_a_simulated_recipient_gets_the_test_document_link_and_nothing_is_stored() -> None:
    world, documents = World(), InMemoryDocumentStore()
    accepted = send_file(world, documents, recipient="simulate-delivered@notifications.service.gov.uk")
    assert accepted.notification.body == f"Dear {world.context.root_url}services/{SERVICE_ID}/documents/test-document"
    assert documents.files == {} and not accepted.stored


def test_a_request_refused_by_a_limit_stores_no_file() -> None:
    who = caller()
    no_rate = who.bundle.model_copy(update={"service": who.bundle.service.model_copy(update={"rate_limit": 0})})
    world, documents = World(Caller(bundle=no_rate, key=who.key)), InMemoryDocumentStore()
    with pytest.raises(LimitExceeded):
        send_file(world, documents)
    assert documents.files == {}
