"""The /v1 rules: recipients, content, sender whitelists, access tokens, senders and pagination."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest

from tests.fakes import FixedClock, InMemoryCounters, InMemoryNotificationStore, InMemorySenderStore, RecordingQueue
from tidings.api.notifea_v1.views import paginated
from tidings.domain.access_tokens import authenticate_access_token
from tidings.domain.errors import Refused
from tidings.domain.limits import LimitExceeded
from tidings.domain.models import AccessToken, OptOut, Service, ServiceBundle, SmsSender
from tidings.domain.v1_senders import create_sender, delete_sender, own_sender, update_sender
from tidings.domain.v1_sms import check_content, own_sms, parse_recipient, send_v1_sms, sender_for

NOW = FixedClock().now()


def refusal(call: object, *args: object, **kwargs: object) -> Refused:
    with pytest.raises(Refused) as error:
        call(*args, **kwargs)  # type: ignore[operator]
    return error.value


@pytest.mark.parametrize("raw", ["0902739429", "+abc", "421902739429", "+4219027", ""])
def test_recipients_must_be_e164(raw: str) -> None:
    error = refusal(parse_recipient, raw, True)
    assert (error.code, error.message, error.fields) == (
        "recipient.not.valid",
        "We were unable to parse recipient number.",
        ["recipient"],
    )


def test_a_supported_country_has_its_row() -> None:
    recipient = parse_recipient("+421902739429", True)
    assert (recipient.e164, recipient.country.iso3, recipient.country.id) == ("421902739429", "SVK", 703)


@pytest.mark.parametrize(("raw", "abroad"), [("+8501921234567", True), ("+421902739429", False)])
def test_countries_we_do_not_send_to(raw: str, abroad: bool) -> None:
    assert refusal(parse_recipient, raw, abroad).code == "sms.country.not.supported"


def test_uk_numbers_need_no_international_permission() -> None:
    assert parse_recipient("+447700900123", False).country.iso2 == "GB"


@pytest.mark.parametrize("content", ["", "   ", "x" * 919, "bell\x07"])
def test_invalid_content(content: str) -> None:
    assert refusal(check_content, content).code == "content.not.valid"


def test_valid_content_may_have_newlines_and_emoji() -> None:
    check_content("Hello\nthere 😀\ttab")


def sender(sender_id: str) -> SmsSender:
    return SmsSender(id=sender_id, service_id="svc", sms_sender=sender_id, created_at=NOW)


def token(**fields: object) -> AccessToken:
    return AccessToken.model_validate(
        {"id": "tok", "service_id": "svc", "name": "t", "secret": "s" * 32, "created_at": NOW, **fields}
    )


def test_sender_whitelists() -> None:
    senders = [sender("a"), sender("b")]
    assert sender_for(senders, token(), "b").id == "b"  # an empty whitelist allows every sender
    assert refusal(sender_for, senders, token(sms_sender_ids=["a"]), "b").code == "sms.sender.not.whitelisted"
    assert refusal(sender_for, senders, token(), "zz").code == "user_sms_sender.not.found"
    # a token that names its senders: any other is not whitelisted (E5's only refusal), known or not
    assert refusal(sender_for, senders, token(sms_sender_ids=["a"]), "zz").code == "sms.sender.not.whitelisted"


def bundle(*tokens: AccessToken) -> ServiceBundle:
    return ServiceBundle(
        service=Service(id="svc", name="S", email_from="s", created_at=NOW), access_tokens=list(tokens)
    )


def header(record: AccessToken, secret: str | None = None, **claims: object) -> str:
    body = {"iss": "svc", "jti": record.id, "iat": int(NOW.timestamp()), **claims}
    return f"Bearer {jwt.encode(body, secret or record.secret, algorithm='HS256')}"


@pytest.mark.parametrize(
    ("make_header", "record", "ip", "expected"),
    [
        (lambda r: None, token(), "1.2.3.4", (401, "unauthorized")),
        (lambda r: "Basic abc", token(), "1.2.3.4", (401, "unauthorized")),
        (lambda r: "Bearer not-a-jwt", token(), "1.2.3.4", (422, "authorization.header.invalid.type")),
        (lambda r: header(r, secret="t" * 32), token(), "1.2.3.4", (401, "unauthorized")),
        (lambda r: header(r, jti="other"), token(), "1.2.3.4", (401, "unauthorized")),
        (header, token(revoked_at=NOW), "1.2.3.4", (401, "unauthorized")),
        (header, token(expires_at=NOW), "1.2.3.4", (403, "access.token.expired")),
        (header, token(allowed_ips=["10.0.0.0/8"]), "1.2.3.4", (403, "access.token.ip.not.whitelisted")),
    ],
)
def test_access_token_refusals(make_header: object, record: AccessToken, ip: str, expected: tuple[int, str]) -> None:
    found = bundle(record)
    error = refusal(authenticate_access_token, make_header(record), lambda s: found if s == "svc" else None, NOW, ip)  # type: ignore[operator]
    assert (error.status, error.code) == expected


def test_a_deactivated_services_tokens_are_refused() -> None:
    record = token()
    found = bundle(record)
    found = found.model_copy(update={"service": found.service.model_copy(update={"active": False})})
    error = refusal(authenticate_access_token, header(record), lambda s: found, NOW, "1.2.3.4")
    assert (error.status, error.code) == (401, "unauthorized")


def test_a_valid_token_from_an_allowed_ip() -> None:
    record = token(allowed_ips=["10.0.0.0/8"], expires_at=NOW + timedelta(seconds=1))
    found, used = authenticate_access_token(header(record), lambda s: bundle(record), NOW, "10.1.2.3")
    assert (found.service.id, used.id) == ("svc", "tok")


def no_owner(number: str) -> str | None:
    return None


def test_sender_crud_keeps_names_unique() -> None:
    store = InMemorySenderStore()
    first = create_sender(
        store, service_id="svc", name="Shop", sms_live_time=15, test_mode=True, now=NOW, owner_of_number=no_owner
    )
    second = create_sender(
        store,
        service_id="svc",
        name="Other",
        sms_live_time=30,
        test_mode=False,
        now=NOW + timedelta(seconds=1),
        owner_of_number=no_owner,
    )
    assert first.is_default and not second.is_default
    again = refusal(
        create_sender,
        store,
        service_id="svc",
        name="Shop",
        sms_live_time=1,
        test_mode=False,
        now=NOW,
        owner_of_number=no_owner,
    )
    assert again.code == "sms.sender.already.exists"
    renamed = update_sender(
        store,
        second,
        name="Second",
        sms_live_time=0,
        test_mode=None,
        owner_of_number=no_owner,
    )
    assert (renamed.sms_sender, renamed.sms_live_time, renamed.test_mode) == ("Second", 0, False)
    taken = refusal(
        update_sender,
        store,
        renamed,
        name="Shop",
        sms_live_time=1,
        test_mode=None,
        owner_of_number=no_owner,
    )
    assert taken.code == "sms.sender.already.exists"
    assert refusal(delete_sender, store, "another-service", first.id).code == "user_sms_sender.not.found"
    delete_sender(store, "svc", first.id)
    assert [s.id for s in store.list_for_service("svc")] == [second.id]


def changes(fields: dict[str, Any]) -> dict[str, Any]:
    """create_sender's fields as update_sender takes them: the sender names its service."""
    return {name: value for name, value in fields.items() if name != "service_id"}


def test_a_sender_cannot_send_from_a_number_another_service_receives_on() -> None:
    store = InMemorySenderStore()
    owners = {"12025550123": "other-service", "12025550199": "svc"}.get
    fields: dict[str, Any] = {"service_id": "svc", "sms_live_time": 1, "owner_of_number": owners}
    taken = refusal(create_sender, store, name="12025550123", test_mode=False, now=NOW, **fields)
    assert (taken.code, taken.fields) == ("validation.failed", ["sender_name"])
    ours = create_sender(store, name="12025550199", test_mode=False, now=NOW, **fields)  # its own inbound number
    moved = refusal(update_sender, store, ours, name="12025550123", test_mode=None, **changes(fields))
    assert moved.code == "validation.failed"
    assert [s.sms_sender for s in store.list_for_service("svc")] == ["12025550199"]


def test_a_sender_cannot_send_from_a_number_another_service_sends_from() -> None:
    """A number another service sends from without receiving on it (no inbound number) is its own too."""
    store = InMemorySenderStore()
    store.put(SmsSender(id="b1", service_id="other-service", sms_sender="12025550123", created_at=NOW))
    fields: dict[str, Any] = {"service_id": "svc", "sms_live_time": 1, "owner_of_number": no_owner}
    taken = refusal(create_sender, store, name="12025550123", test_mode=False, now=NOW, **fields)
    assert (taken.code, taken.fields) == ("validation.failed", ["sender_name"])
    ours = create_sender(store, name="12025550199", test_mode=False, now=NOW, **fields)
    moved = refusal(update_sender, store, ours, name="12025550123", test_mode=None, **changes(fields))
    assert moved.code == "validation.failed"
    kept = update_sender(store, ours, name="12025550199", test_mode=True, **changes(fields))  # its own number
    assert kept.test_mode
    assert [s.sms_sender for s in store.list_for_service("svc")] == ["12025550199"]
    # one an admin gave it beside another service (README: admins may share a number) keeps changing its fields
    shared = SmsSender(id="s2", service_id="svc", sms_sender="12025550123", created_at=NOW)
    store.put(shared)
    assert update_sender(store, shared, name="12025550123", test_mode=True, **changes(fields)).test_mode


def test_laravel_pagination() -> None:
    page = paginated([{}, {}], total=3, page=1, per_page=2, path="https://x/v1/sms")["paginated_metadata"]
    assert (page["from"], page["to"], page["last_page"], page["prev_page_url"]) == (1, 2, 2, None)
    assert page["next_page_url"] == "https://x/v1/sms?pageSize=2&page=2"
    empty = paginated([], total=3, page=99, per_page=2, path="p")["paginated_metadata"]
    assert (empty["from"], empty["to"], empty["next_page_url"]) == (None, None, None)


@pytest.mark.parametrize(("test_mode", "opted_out"), [(False, True), (True, False)])
def test_an_opt_out_stops_real_sends_only(test_mode: bool, opted_out: bool) -> None:
    """A test-mode sender's SMS is simulated, so ends as its number says, as a /v2 test key's (spec §6)."""
    service = Service(id="svc", name="S", email_from="s", created_at=NOW, restricted=False)
    bundle = ServiceBundle(service=service, opt_outs=[OptOut(number="447700900123", created_at=NOW)])
    sender = SmsSender(id="s1", service_id="svc", sms_sender="Shop", test_mode=test_mode, created_at=NOW)
    store = InMemoryNotificationStore()
    sent = send_v1_sms(
        bundle=bundle,
        sender=sender,
        content="Hi",
        recipient="+447700900123",
        now=NOW,
        store=store,
        queue=RecordingQueue(),
        counters=InMemoryCounters(),
    )
    assert store.items[sent.notification.id].opted_out is opted_out


def send_one(service: Service, test_mode: bool, counters: InMemoryCounters, recipient: str) -> object:
    sender = SmsSender(id="s1", service_id=service.id, sms_sender="Shop", test_mode=test_mode, created_at=NOW)
    return send_v1_sms(
        bundle=ServiceBundle(service=service),
        sender=sender,
        content="Hi",
        recipient=recipient,
        now=NOW,
        store=InMemoryNotificationStore(),
        queue=RecordingQueue(),
        counters=counters,
    )


def test_a_test_mode_senders_sms_count_on_no_daily_limit() -> None:
    """They reach no carrier, as a /v2 test key's notifications, which count only per minute."""
    service = Service(
        id="svc", name="S", email_from="s", created_at=NOW, restricted=False, international_sms_message_limit=1
    )
    counters = InMemoryCounters()
    for _ in range(3):
        send_one(service, True, counters, "+421902739429")
    (counted,) = counters.items.values()
    assert (counted.get("day_sms"), counted.get("day_international_sms"), counted["minute_test"]) == (None, None, 3)
    send_one(service, False, counters, "+421902739429")  # a live sender's counts, up to the limit of 1
    with pytest.raises(LimitExceeded, match="international_sms: 1"):
        send_one(service, False, counters, "+421902739429")


def test_a_service_not_allowed_to_send_sms_sends_none_through_v1() -> None:
    service = Service(id="svc", name="S", email_from="s", created_at=NOW, restricted=False, permissions=["email"])
    counters = InMemoryCounters()
    refused = refusal(send_one, service, True, counters, "+447700900123")
    assert (refused.status, refused.code, str(refused)) == (
        403,
        "sms.not.allowed",
        "Service is not allowed to send text messages",
    )
    assert counters.items == {}


class UnaskedNotifications(InMemoryNotificationStore):
    def find(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("looked up an id we never issued")


class UnaskedSenders(InMemorySenderStore):
    def get(self, sender_id: str) -> None:
        raise AssertionError("looked up an id we never issued")


@pytest.mark.parametrize("raw", ["x" * 3000, "not-a-uuid", "7D9A4F0E0C5B4E439A553C1A1F0D2B6E"])
def test_an_id_we_never_issued_is_not_found_without_a_lookup(raw: str) -> None:
    # DynamoDB refuses a key over 2,048 bytes with a ValidationException, which would answer 500.
    assert refusal(own_sms, UnaskedNotifications(), "svc", raw, NOW).code == "sms.not.found"
    assert refusal(own_sender, UnaskedSenders(), "svc", raw).code == "user_sms_sender.not.found"
