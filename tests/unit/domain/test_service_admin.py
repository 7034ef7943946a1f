"""Service management rules: keys, guest list, reply-to, callbacks, senders, inbound numbers, tokens."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from tests.fakes import FixedClock, InMemorySenderStore, InMemoryServiceStore
from tidings.domain.access_tokens import issue_access_token
from tidings.domain.errors import BadRequest, NotFound, ValidationFailed
from tidings.domain.sender_admin import add_sms_sender
from tidings.domain.service_admin import (
    add_inbound_number,
    add_reply_to,
    create_api_key,
    create_service,
    replace_guest_list,
    revoke_api_key,
    set_callback,
    update_service,
)


@pytest.fixture
def store() -> InMemoryServiceStore:
    return InMemoryServiceStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def service_id(store: InMemoryServiceStore, clock: FixedClock) -> str:
    return create_service(store, clock, {"name": "Pigeon Affairs Bureau"}).id


def test_a_new_service_has_notify_defaults(store: InMemoryServiceStore, service_id: str) -> None:
    service = store.bundles[service_id].service
    assert service.restricted is True
    assert service.rate_limit == 3000
    assert service.email_from == "pigeon.affairs.bureau"
    assert service.retention_days.sms == 7


def test_updates_are_partial(store: InMemoryServiceStore, service_id: str) -> None:
    updated = update_service(store, service_id, {"restricted": False})
    assert (updated.restricted, updated.name) == (False, "Pigeon Affairs Bureau")


def test_the_combined_key_splits_as_the_client_splits_it(
    store: InMemoryServiceStore, clock: FixedClock, service_id: str
) -> None:
    new = create_api_key(store, clock, service_id, "My live key", "normal")
    # The official client takes the secret and service id by position, not by splitting on hyphens.
    assert new.combined[-36:] == new.key.secret
    assert new.combined[-73:-37] == service_id
    assert new.combined.startswith("my_live_key-")


def test_revoking_is_idempotent_and_scoped_to_the_service(
    store: InMemoryServiceStore, clock: FixedClock, service_id: str
) -> None:
    key = create_api_key(store, clock, service_id, "k", "team").key
    first = revoke_api_key(store, clock, service_id, key.id)
    clock.advance(days=1)
    assert revoke_api_key(store, clock, service_id, key.id).revoked_at == first.revoked_at
    other = create_service(store, clock, {"name": "Other"}).id
    with pytest.raises(NotFound):
        revoke_api_key(store, clock, other, key.id)


def test_the_guest_list_is_normalised_and_validated(store: InMemoryServiceStore, service_id: str) -> None:
    guests = replace_guest_list(store, service_id, ["07700 900123", "+447700900123"], ["Team@Example.gov.uk"])
    assert guests.phone_numbers == ["447700900123"]
    assert guests.email_addresses == ["team@example.gov.uk"]
    with pytest.raises(ValidationFailed) as error:
        replace_guest_list(store, service_id, ["123"], ["nope"])
    assert error.value.messages == [
        "phone_numbers.0 Not enough digits",
        "email_addresses.0 Not a valid email address",
    ]


def test_one_default_reply_to(store: InMemoryServiceStore, clock: FixedClock, service_id: str) -> None:
    first = add_reply_to(store, clock, service_id, "a@example.com", False)
    second = add_reply_to(store, clock, service_id, "b@example.com", True)
    defaults = [r.id for r in store.bundles[service_id].reply_tos if r.is_default]
    assert first.is_default and defaults == [second.id]


@pytest.mark.parametrize(
    ("url", "local", "ok"),
    [
        ("https://example.com/cb", False, True),
        ("http://example.com/cb", False, False),
        ("http://127.0.0.1:9000/cb", False, False),
        ("http://127.0.0.1:9000/cb", True, True),
        ("http://localhost/cb", True, True),
        ("http://10.0.0.1/cb", True, False),
        ("ftp://example.com", True, False),
        # Hosts inside the platform's reach: called with a service's data and token, so refused.
        ("https://169.254.169.254/latest/meta-data/", False, False),
        ("https://10.0.0.1/", False, False),
        ("https://127.0.0.1:9001/", True, False),  # https to loopback, even locally (only plain http is allowed)
        ("https://[::1]/", False, False),
        ("https://0/", False, False),
        ("https://0x7f000001/", False, False),
        ("https://127.1/", False, False),
        ("https://localhost/cb", False, False),
        ("https://8.8.8.8/cb", False, True),  # a global address
        ("https://[2001:4860:4860::8888]/cb", False, True),
        ("https://[64:ff9b::a9fe:a9fe]/cb", False, False),  # NAT64 of 169.254.169.254
        ("https://xn--bcher-kva.example/cb", False, True),
        # Text an HTTP client could read as another host than the one checked.
        ("http://192.0.2.2:3604\\@127.0.0.1:3602/x", True, False),
        ("https://example.com/a b", False, False),
        ("https://[::1", False, False),  # a broken IPv6 literal: a refusal, not a 500
        ("https://example.com/" + "a" * 2000, False, False),
    ],
)
def test_callback_urls(
    store: InMemoryServiceStore, clock: FixedClock, service_id: str, url: str, local: bool, ok: bool
) -> None:
    def call() -> object:
        return set_callback(
            store, clock, service_id=service_id, callback_type="delivery_status", url=url,
            bearer_token="0123456789", allow_loopback_http=local,
        )  # fmt: skip

    if ok:
        assert call()
    else:
        with pytest.raises(ValidationFailed, match="url Must be a valid https URL"):
            call()


def test_an_inbound_number_belongs_to_one_service(
    store: InMemoryServiceStore, clock: FixedClock, service_id: str
) -> None:
    assert add_inbound_number(store, InMemorySenderStore(), clock, service_id, "07700900456").number == "447700900456"
    other = create_service(store, clock, {"name": "Other"}).id
    with pytest.raises(BadRequest) as error:
        add_inbound_number(store, InMemorySenderStore(), clock, other, "+447700900456")
    assert error.value.status == 409


def test_another_services_inbound_number_is_no_sender(
    store: InMemoryServiceStore, clock: FixedClock, service_id: str
) -> None:
    """Replies and STOPs to a number reach the service that owns it: another may not send from it."""
    add_inbound_number(store, InMemorySenderStore(), clock, service_id, "07700900456")
    own = add_sms_sender(
        InMemorySenderStore(), clock, store.bundles[service_id], {"sms_sender": "07700900456"}, store.owner_of_number
    )
    assert own.sms_sender == "447700900456"
    other = create_service(store, clock, {"name": "Other"}).id
    with pytest.raises(BadRequest) as error:
        add_sms_sender(
            InMemorySenderStore(), clock, store.bundles[other], {"sms_sender": "+44 7700 900456"}, store.owner_of_number
        )
    assert (error.value.status, error.value.message) == (409, "Inbound number 447700900456 is already in use")


def test_a_number_another_service_sends_as_is_no_inbound_number(
    store: InMemoryServiceStore, clock: FixedClock, service_id: str
) -> None:
    """The other direction: its replies and STOPs would reach the new owner, not the service that sent."""
    senders = InMemorySenderStore()
    add_sms_sender(senders, clock, store.bundles[service_id], {"sms_sender": "07700900456"}, store.owner_of_number)
    other = create_service(store, clock, {"name": "Other"}).id
    with pytest.raises(BadRequest) as error:
        add_inbound_number(store, senders, clock, other, "+44 7700 900456")
    assert (error.value.status, error.value.message) == (409, "Inbound number 447700900456 is already in use")
    assert store.owner_of_number("447700900456") is None  # nothing claimed
    assert add_inbound_number(store, senders, clock, service_id, "07700900456").service_id == service_id  # its own


def test_senders_are_unique_and_one_is_default(store: InMemoryServiceStore, clock: FixedClock, service_id: str) -> None:
    senders = InMemorySenderStore()
    bundle = store.bundles[service_id]
    first = add_sms_sender(senders, clock, bundle, {"sms_sender": "GOVUK"}, store.owner_of_number)
    clock.advance(seconds=1)
    second = add_sms_sender(
        senders, clock, bundle, {"sms_sender": "07700900456", "is_default": True}, store.owner_of_number
    )
    assert first.is_default and second.sms_sender == "447700900456"
    assert [s.id for s in senders.list_for_service(service_id) if s.is_default] == [second.id]
    with pytest.raises(BadRequest):
        add_sms_sender(senders, clock, bundle, {"sms_sender": "GOVUK"}, store.owner_of_number)
    with pytest.raises(ValidationFailed):
        add_sms_sender(senders, clock, bundle, {"sms_sender": "Far too long sender"}, store.owner_of_number)


def test_a_sender_may_only_use_the_services_inbound_number(
    store: InMemoryServiceStore, clock: FixedClock, service_id: str
) -> None:
    with pytest.raises(BadRequest):
        add_sms_sender(
            InMemorySenderStore(),
            clock,
            store.bundles[service_id],
            {"sms_sender": "X", "inbound_number": "07700900456"},
            store.owner_of_number,
        )


def test_access_tokens_are_jwts_naming_service_and_token(
    store: InMemoryServiceStore, clock: FixedClock, service_id: str
) -> None:
    senders = InMemorySenderStore()
    sender = add_sms_sender(senders, clock, store.bundles[service_id], {"sms_sender": "Shop"}, store.owner_of_number)
    issued = issue_access_token(
        services=store, senders=senders, clock=clock, bundle=store.bundles[service_id], name="t",
        expires_at=clock.now() + timedelta(days=1), allowed_ips=["10.0.0.0/8"], sms_sender_ids=[sender.id],
    )  # fmt: skip
    claims = jwt.decode(issued.token, issued.record.secret, algorithms=["HS256"], options={"verify_exp": False})
    assert (claims["iss"], claims["jti"]) == (service_id, issued.record.id)
    assert store.bundles[service_id].access_tokens == [issued.record]


def test_access_tokens_refuse_bad_ranges_past_expiry_and_foreign_senders(
    store: InMemoryServiceStore, clock: FixedClock, service_id: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        issue_access_token(
            services=store, senders=InMemorySenderStore(), clock=clock, bundle=store.bundles[service_id], name="t",
            expires_at=clock.now() - timedelta(seconds=1), allowed_ips=["nope"], sms_sender_ids=["someone-elses"],
        )  # fmt: skip
    assert len(error.value.messages) == 3


def test_each_service_sends_from_an_address_of_its_own(store: InMemoryServiceStore, clock: FixedClock) -> None:
    first = create_service(store, clock, {"name": "Pigeon Post", "email_from": "pigeons"})
    with pytest.raises(BadRequest) as taken:
        create_service(store, clock, {"name": "Imposter", "email_from": "pigeons"})
    assert (taken.value.status, taken.value.message) == (409, "email_from pigeons is already in use by another service")
    namesake = create_service(store, clock, {"name": "Pigeon Post"})  # two services may share a name
    again = create_service(store, clock, {"name": "Pigeon Post"})
    assert (namesake.email_from, again.email_from) == ("pigeon.post", f"pigeon.post.{again.id[:8]}")
    with pytest.raises(BadRequest) as moved:
        update_service(store, again.id, {"email_from": "pigeons"})
    assert moved.value.status == 409 and store.bundles[again.id].service.email_from.startswith("pigeon.post.")
    update_service(store, first.id, {"email_from": "doves"})  # frees "pigeons"
    assert update_service(store, again.id, {"email_from": "pigeons"}).email_from == "pigeons"
