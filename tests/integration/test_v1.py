"""/v1 through the handlers against moto: retention instants, expiry and revocation, change events, OpenAPI."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from openapi_spec_validator import validate

from tests.fakes import FixedClock
from tests.integration.conftest import InProcessApi, Reply, V1Account, in_outbox
from tests.integration.faults import aws_error
from tidings import wiring
from tidings.adapters.aws import dynamodb
from tidings.api.notifea_v1.requests import PriceQuery, SmsQuery
from tidings.api.openapi import openapi_document
from tidings_local.stack import LocalStack


def v1(api: InProcessApi, account: V1Account, method: str, path: str, body: Any = None) -> Reply:
    return api.request(method, path, body, {"Authorization": f"Bearer {account.token}"})


TOO_MANY = "Too many attempts. Please try again in 1 minute."  # Notifea's (spec §1.1)


def send_sms(api: InProcessApi, account: V1Account) -> Any:
    body = {"sms_sender_id": account.sender, "content": "Hi", "recipient": "+447700900123"}
    return v1(api, account, "POST", "/v1/sms", body).json()["data"]


@pytest.fixture
def clock_at() -> Iterator[Any]:
    def move(moment: datetime) -> None:
        wiring.override(dataclasses.replace(wiring.deps(), clock=FixedClock(moment)))

    yield move
    wiring.override(None)


def test_live_time_15_sets_delete_at_and_the_ttl_instant(api: InProcessApi, account: V1Account, clock_at: Any) -> None:
    sms = send_sms(api, account)
    created = datetime.fromisoformat(sms["created_at"].replace("Z", "+00:00"))
    delete_at = datetime.fromisoformat(sms["delete_at"].replace("Z", "+00:00"))
    assert delete_at - created == timedelta(days=15)
    item = boto3.client("dynamodb").get_item(
        TableName="NotificationsTable", Key={"notification_id": {"S": sms["uuid"]}}
    )["Item"]
    assert int(item["expires_at"]["N"]) == int(delete_at.timestamp())
    clock_at(delete_at - timedelta(seconds=1))
    assert v1(api, account, "GET", f"/v1/sms/{sms['uuid']}").status == 200
    clock_at(delete_at + timedelta(seconds=1))
    gone = v1(api, account, "GET", f"/v1/sms/{sms['uuid']}")
    assert (gone.status, gone.json()["code"]) == (404, "sms.not.found")
    still_stored = boto3.client("dynamodb").get_item(
        TableName="NotificationsTable", Key={"notification_id": {"S": sms["uuid"]}}
    )
    assert "Item" in still_stored  # DynamoDB's TTL has not run; reads hide it anyway


def day_spent(api: InProcessApi, account: V1Account, **limits: int) -> dict[str, str]:
    """A send's body, once the service's day limit of 1 SMS is spent (with `limits` too)."""
    changes = {"sms_message_limit": 1, **limits}
    assert api.admin("POST", f"/admin/services/{account.service_id}", changes).status == 200
    body = {"sms_sender_id": account.sender, "content": "Hi", "recipient": "+447700900123"}
    assert v1(api, account, "POST", "/v1/sms", body).status == 200
    return body


def test_a_daily_limit_reached_through_v1_is_its_429_with_notifys_message(
    api: InProcessApi, account: V1Account
) -> None:
    """The day's SMS limit is the service's, shared with /v2; Notifea has no code for it (README)."""
    refused = v1(api, account, "POST", "/v1/sms", day_spent(api, account))
    assert (refused.status, refused.json()) == (
        429,
        {"data": {"message": "Exceeded send limits (sms: 1) for today"}, "code": "daily.limit.exceeded"},
    )
    assert 1 <= int(refused.headers["retry-after"]) <= 86_400


def test_a_send_the_day_refuses_still_counts_against_the_per_ip_limit(api: InProcessApi, account: V1Account) -> None:
    """Laravel's throttle runs before Notifea's controller: request v1_rate_limit + 1 is 429 too.many.attempts."""
    body = day_spent(api, account, v1_rate_limit=3)  # the first of 3
    codes = [v1(api, account, "POST", "/v1/sms", body).json().get("code") for _ in range(3)]
    assert codes == ["daily.limit.exceeded", "daily.limit.exceeded", "too.many.attempts"]


def test_a_send_the_day_refuses_is_still_its_429_when_the_request_cannot_be_counted(
    api: InProcessApi, account: V1Account
) -> None:
    body = day_spent(api, account)
    alone = lambda request: "day_sms" not in json.dumps(request)  # noqa: E731 (the request's count, not the send's)
    with aws_error(dynamodb(), "UpdateItem", "InternalServerError", status=500, when=alone) as fault:
        refused = v1(api, account, "POST", "/v1/sms", body)
    assert fault.hits, "the request's own count was tried"
    assert (refused.status, refused.json()["code"]) == (429, "daily.limit.exceeded")


def test_7_an_expired_token(api: InProcessApi, account: V1Account, clock_at: Any) -> None:
    expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    issued = api.admin(
        "POST", f"/admin/services/{account.service_id}/access-tokens", {"name": "t", "expires_at": expires}
    ).json()["data"]
    expiring = dataclasses.replace(account, token=issued["token"])
    assert v1(api, expiring, "GET", "/v1/sms").status == 200
    clock_at(datetime.now(UTC) + timedelta(days=2))
    expired = v1(api, expiring, "GET", "/v1/sms")
    assert (expired.status, expired.json()) == (
        403,
        {"data": {"message": "Access token expired", "metadata": []}, "code": "access.token.expired"},
    )


def test_revoking_a_token_works_at_once(api: InProcessApi, account: V1Account) -> None:
    assert v1(api, account, "GET", "/v1/sms").status == 200
    api.admin("POST", f"/admin/services/{account.service_id}/access-tokens/{account.token_id}/revoke")
    assert v1(api, account, "GET", "/v1/sms").json()["code"] == "unauthorized"


@pytest.fixture
def announced(stack: LocalStack) -> Callable[[], list[dict[str, Any]]]:
    """Every event the stack's bus announces from here on: call it to poll the streams and drain what came."""
    bus = stack.resolve({"Ref": "EventBus"})
    sqs, events = boto3.client("sqs"), boto3.client("events")
    queue = sqs.create_queue(QueueName="announced")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all-tidings", EventBusName=bus, EventPattern=json.dumps({"source": ["tidings"]}))
    events.put_targets(Rule="all-tidings", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])

    def drain() -> list[dict[str, Any]]:
        for poller in stack.stream_pollers:
            poller.poll_once()
        received = []
        while messages := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            received += [json.loads(m["Body"]) for m in messages]
            sqs.delete_message_batch(
                QueueUrl=queue,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )
        return received

    drain()  # what happened before this test is not ours to count
    return drain


def test_creates_updates_and_deletes_are_announced_on_eventbridge(
    api: InProcessApi, account: V1Account, announced: Callable[[], list[dict[str, Any]]]
) -> None:
    sms = send_sms(api, account)
    v1(api, account, "DELETE", f"/v1/sms/{sms['uuid']}")
    sender = v1(api, account, "POST", "/v1/user-sms-senders", {"sender_name": "Events"}).json()["data"]
    v1(api, account, "PUT", f"/v1/user-sms-senders/{sender['uuid']}", {"sender_name": "Events2", "sms_live_time": 3})
    v1(api, account, "DELETE", f"/v1/user-sms-senders/{sender['uuid']}")
    received = announced()
    names = sorted(e["detail-type"] for e in received)
    assert names == sorted(
        [
            "SmsCreatedEvent",
            "SmsDeletedEvent",
            "UserSmsSenderCreatedEvent",
            "UserSmsSenderUpdatedEvent",
            "UserSmsSenderDeletedEvent",
        ]
    )
    created = next(e for e in received if e["detail-type"] == "SmsCreatedEvent")
    assert created["detail"]["uuid"] == sms["uuid"] and created["detail"]["content"] == "Hi"


def test_the_openapi_document_validates_and_lists_every_route(stack: LocalStack) -> None:
    document = openapi_document("http://api.test/")
    validate(document)
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    routes = {
        (route.method, route.path)
        for function in stack.template.functions
        for route in function.routes
        if route.path == "/" or route.path.startswith(("/v1", "/v2", "/d/", "/admin"))
    }
    assert documented == routes


def test_the_document_lists_the_query_post_sms_checks(api: InProcessApi, account: V1Account) -> None:
    """POST /v1/sms?live_result=1 answers once the provider took the SMS: the document listed no query for it."""
    operation = openapi_document()["paths"]["/v1/sms"]["post"]
    query = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert query == SmsQuery.model_json_schema()["properties"]  # from the model the handler parses
    assert (query["live_result"]["minimum"], query["live_result"]["maximum"]) == (0, 1)
    body = {"sms_sender_id": account.sender, "content": "Hi", "recipient": "+447700900123"}
    refused = v1(api, account, "POST", "/v1/sms?live_result=2", body)  # out of the documented range
    assert (refused.status, refused.json()["code"], refused.json()["data"]["metadata"]) == (
        422,
        "validation.failed",
        ["live_result"],
    )


def test_the_document_lists_the_country_a_price_is_asked_for(api: InProcessApi) -> None:
    operation = openapi_document()["paths"]["/v1/prices/{type}"]["get"]
    query = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert query == PriceQuery.model_json_schema()["properties"] and set(query) == {"countryCode"}
    highest, slovakia = (
        api.request("GET", f"/v1/prices/sms{q}").json()["data"]["value"] for q in ("", "?countryCode=svk")
    )
    assert float(slovakia) <= float(highest)


def test_a_trial_mode_service_sends_only_to_its_guest_list(api: InProcessApi) -> None:
    """As through /v2's live keys; a test_mode sender reaches no carrier, so it may address anyone."""
    service = api.admin("POST", "/admin/services", {"name": "trial"}).json()["data"]["id"]  # restricted by default
    base = f"/admin/services/{service}"
    api.admin("POST", f"{base}/guest-list", {"phone_numbers": ["07700900123"], "email_addresses": []})
    live = api.admin("POST", f"{base}/sms-senders", {"sms_sender": "Live"}).json()["data"]["id"]
    test = api.admin("POST", f"{base}/sms-senders", {"sms_sender": "Test", "test_mode": True}).json()["data"]["id"]
    token = api.admin("POST", f"{base}/access-tokens", {"name": "t"}).json()["data"]
    account = V1Account(service, live, token["token"], token["id"])

    def send(sender: str, recipient: str) -> Reply:
        body = {"sms_sender_id": sender, "content": "Hi", "recipient": recipient}
        return v1(api, account, "POST", "/v1/sms", body)

    refused = send(live, "+447700900999")
    assert refused.status == 422
    assert refused.json() == {
        "data": {
            "message": "Can’t send to this recipient when service is in trial mode – see "
            "https://www.notifications.service.gov.uk/trial-mode",
            "metadata": ["recipient"],
        },
        "code": "recipient.not.allowed",
    }
    assert send(live, "+447700900123").status == 200
    assert send(test, "+447700900999").status == 200


def test_refusals_count_against_the_limit_and_carry_its_headers(api: InProcessApi, account: V1Account) -> None:
    """As under Laravel's throttle, which runs before anything else: every request counts, every answer says so."""
    api.admin("POST", f"/admin/services/{account.service_id}", {"v1_rate_limit": 3})
    listed = v1(api, account, "GET", "/v1/sms?pageSize=0")  # counted by the route's middleware, then refused
    assert (listed.status, listed.headers["x-ratelimit-limit"], listed.headers["x-ratelimit-remaining"]) == (
        422,
        "3",
        "2",
    )
    bad = {"sms_sender_id": account.sender, "content": "Hi", "recipient": "not a number"}
    refused = v1(api, account, "POST", "/v1/sms", bad)  # refused before the write that counts a send
    assert (refused.status, refused.headers["x-ratelimit-remaining"]) == (422, "1")
    assert v1(api, account, "POST", "/v1/sms", {}).status == 422  # the third
    limited = v1(api, account, "POST", "/v1/sms", bad)
    assert (limited.status, limited.json()["code"]) == (429, "too.many.attempts")
    assert limited.json()["data"] == {"message": TOO_MANY}  # no metadata (spec §1.2)
    reset_at, retry_after = int(limited.headers["x-ratelimit-reset"]), int(limited.headers["retry-after"])
    assert abs(reset_at - (int(datetime.now(UTC).timestamp()) + retry_after)) <= 1


def test_a_send_refused_by_the_services_own_minute_limit_says_what_notifea_says(
    api: InProcessApi, account: V1Account
) -> None:
    """Spec §1.5: one message for `too.many.attempts`, whichever per-minute limit was spent."""
    api.admin("POST", f"/admin/services/{account.service_id}", {"rate_limit": 1})
    body = {"sms_sender_id": account.sender, "content": "Hi", "recipient": "+447700900123"}
    assert v1(api, account, "POST", "/v1/sms", body).status == 200
    limited = v1(api, account, "POST", "/v1/sms", body)
    assert (limited.status, limited.json()) == (429, {"data": {"message": TOO_MANY}, "code": "too.many.attempts"})


def test_an_sms_sender_id_that_is_no_uuid_fails_validation(api: InProcessApi, account: V1Account) -> None:
    """E5 takes a uuid (spec §1.4): a malformed one is a 422 naming the field, an unknown one the sender's 404."""
    for sender in ("abc", f"{account.sender}x"):
        body = {"sms_sender_id": sender, "content": "Hi", "recipient": "+447700900123"}
        refused = v1(api, account, "POST", "/v1/sms", body)
        assert (refused.status, refused.json()["code"], refused.json()["data"]["metadata"]) == (
            422,
            "validation.failed",
            ["sms_sender_id"],
        )
    unknown = {"sms_sender_id": "00000000-0000-4000-8000-000000000000", "content": "Hi", "recipient": "+447700900123"}
    assert v1(api, account, "POST", "/v1/sms", unknown).json()["code"] == "user_sms_sender.not.found"


def test_a_failed_login_carries_the_limit_it_counted_against(api: InProcessApi) -> None:
    """Laravel's throttle answers every request it counted with its headers (spec §1.1), refusals included."""
    refused = api.request("GET", "/v1/sms", headers={"Authorization": "Bearer not.a.token"}, source_ip="192.0.2.44")
    assert refused.status in (401, 422)
    assert (refused.headers["x-ratelimit-limit"], refused.headers["x-ratelimit-remaining"]) == ("120", "119")


@pytest.mark.parametrize(("method", "path"), [("POST", "/docs"), ("DELETE", "/docs/openapi.json")])
def test_a_wrong_method_on_the_reference_is_notifeas_405(api: InProcessApi, method: str, path: str) -> None:
    """Check 30: every error, 405 included, in the v1 envelope; /docs is Notifea's (E13)."""
    reply = api.request(method, path)
    assert (reply.status, reply.headers["allow"]) == (405, "GET")
    assert reply.json() == {"data": {"message": "Method not allowed", "metadata": []}, "code": "method.not.allowed"}


def test_the_reference_shares_the_per_ip_limit(api: InProcessApi) -> None:
    """Spec §1.5: the limit is global, so the public endpoints (the reference, E13, among them) count too."""
    ip = "192.0.2.13"
    first = api.request("GET", "/docs/openapi.json", source_ip=ip)
    assert (first.status, first.headers["x-ratelimit-remaining"]) == (200, "119")
    assert {api.request("GET", "/v1", source_ip=ip).status for _ in range(119)} == {200}
    limited = api.request("GET", "/docs", source_ip=ip)
    assert (limited.status, limited.json()) == (429, {"data": {"message": TOO_MANY}, "code": "too.many.attempts"})


def recorded_ids(references: list[dict[str, Any]]) -> list[str]:
    """The notifications the references table records (not the receipts it keeps for references to come)."""
    return [item["notification"]["M"]["id"]["S"] for item in references if "notification" in item]


def test_live_result_answers_once_the_provider_took_the_sms(
    api: InProcessApi, account: V1Account, drain: Callable[[], None]
) -> None:
    """The provider's reference is recorded before the answer (receipts find the SMS by it), under the send
    function's own role: without its grant on the references table this was a 500 after the SMS had gone."""
    body = {"sms_sender_id": account.sender, "content": "Hi", "recipient": "+447700900123"}
    sent = v1(api, account, "POST", "/v1/sms?live_result=1", body)
    assert sent.status == 200
    sms = sent.json()["data"]
    assert sms["result"] == 1
    assert len(in_outbox(sms["uuid"])) == 1  # handed over before the answer
    recorded = boto3.client("dynamodb").scan(TableName="ProviderReferencesTable")["Items"]
    assert recorded_ids(recorded).count(sms["uuid"]) == 1
    drain()  # the queued copy finds it claimed: sent once, not twice
    assert len(in_outbox(sms["uuid"])) == 1


def test_ids_are_read_in_any_case(api: InProcessApi, account: V1Account) -> None:
    """Laravel's uuid rule takes upper case, and Notifea's MySQL finds the row whatever the case."""
    body = {"sms_sender_id": account.sender.upper(), "content": "Hi", "recipient": "+447700900123"}
    sent = v1(api, account, "POST", "/v1/sms", body)
    assert sent.status == 200, sent.body
    sms = sent.json()["data"]
    assert sms["user_sms_sender"]["uuid"] == account.sender
    assert v1(api, account, "GET", f"/v1/sms/{sms['uuid'].upper()}").json()["data"]["uuid"] == sms["uuid"]
    sender = v1(api, account, "GET", f"/v1/user-sms-senders/{account.sender.upper()}").json()["data"]
    assert sender["uuid"] == account.sender


def test_v2_shows_a_v1_sms_neither_by_id_nor_in_its_list(api: InProcessApi, account: V1Account) -> None:
    """It has no template for /v2's answer to name, and its own retention (sms_live_time)."""
    sms = send_sms(api, account)
    keys = f"/admin/services/{account.service_id}/api-keys"
    key = api.admin("POST", keys, {"name": "k", "key_type": "normal"}).json()["data"]["key"]
    shown = api.v2("GET", f"/v2/notifications/{sms['uuid']}", key)
    assert (shown.status, shown.json()["errors"]) == (404, [{"error": "NoResultFound", "message": "No result found"}])
    assert api.v2("GET", "/v2/notifications", key).json()["notifications"] == []


def test_a_deleted_sms_leaves_neither_its_content_nor_its_number_behind(
    api: InProcessApi, account: V1Account, drain: Callable[[], None]
) -> None:
    """The provider reference outlives the SMS (until the receipt window ends): it keeps only what a receipt needs."""
    body = {"sms_sender_id": account.sender, "content": "Secret 4417", "recipient": "+447700900417"}
    sms = v1(api, account, "POST", "/v1/sms", body).json()["data"]
    drain()
    assert len(in_outbox(sms["uuid"])) == 1
    assert v1(api, account, "DELETE", f"/v1/sms/{sms['uuid']}").status == 200
    left = boto3.client("dynamodb").scan(TableName="ProviderReferencesTable")["Items"]
    (reference,) = [item for item in left if sms["uuid"] in recorded_ids([item])]
    assert "Secret 4417" not in json.dumps(reference) and "7700900417" not in json.dumps(reference)


def test_live_result_answers_after_the_send_though_the_reference_could_not_be_recorded_yet(
    api: InProcessApi, account: V1Account, drain: Callable[[], None]
) -> None:
    """The store refusing the reference after the send was a 500 for an SMS that had gone; now the write waits
    on the dispatch queue, and the answer says what was stored."""
    body = {"sms_sender_id": account.sender, "content": "Hi", "recipient": "+447700900123"}

    def to_references(request: dict[str, Any]) -> bool:
        return set(request.get("RequestItems", {})) == {"ProviderReferencesTable"}

    with aws_error(dynamodb(), "BatchWriteItem", "InternalServerError", status=500, when=to_references) as fault:
        sent = v1(api, account, "POST", "/v1/sms?live_result=1", body)
    assert len(fault.hits) == 1
    assert sent.status == 200, sent.body
    sms = sent.json()["data"]
    assert sms["result"] == 1  # taken by the provider (the outbox knows it by its reference, not yet recorded)
    drain()  # the deferred reference is recorded; the queued copy finds the SMS claimed
    recorded = boto3.client("dynamodb").scan(TableName="ProviderReferencesTable")["Items"]
    assert recorded_ids(recorded).count(sms["uuid"]) == 1
    assert len(in_outbox(sms["uuid"])) == 1


def test_live_result_answers_the_sms_as_accepted_when_the_store_fails_after_it_was_queued(
    api: InProcessApi, account: V1Account, drain: Callable[[], None]
) -> None:
    """Stored and queued, the SMS then could not be claimed for the inline send: that was a 503 "try again",
    and a client that did sent it twice. The queued copy sends it."""
    body = {"sms_sender_id": account.sender, "content": "Hi", "recipient": "+447700900123"}
    with aws_error(dynamodb(), "TransactWriteItems", "InternalServerError", status=500) as fault:
        sent = v1(api, account, "POST", "/v1/sms?live_result=1", body)
    assert len(fault.hits) == 1
    assert sent.status == 200, sent.body
    sms = sent.json()["data"]
    assert sms["result"] == 1 and in_outbox(sms["uuid"]) == []  # accepted, not sent yet
    drain()
    assert len(in_outbox(sms["uuid"])) == 1


def test_a_page_counts_and_skips_the_visible_sms_in_the_index(
    api: InProcessApi, account: V1Account, clock_at: Any
) -> None:
    """The total and the offset come from the list index (which carries each SMS's expiry), not from reading
    every SMS of the account: an expired SMS DynamoDB's TTL has not yet removed is neither counted nor shown."""
    brief = api.admin(
        "POST", f"/admin/services/{account.service_id}/sms-senders", {"sms_sender": "Brief", "sms_live_time": 1}
    ).json()["data"]["id"]
    start = datetime.now(UTC)
    sent = []
    for minute, sender in enumerate([account.sender, brief, account.sender, account.sender]):
        clock_at(start + timedelta(minutes=minute))
        body = {"sms_sender_id": sender, "content": f"SMS {minute}", "recipient": "+447700900123"}
        sent.append(v1(api, account, "POST", "/v1/sms", body).json()["data"]["uuid"])
    clock_at(start + timedelta(days=2))  # the brief one has expired; the rest keep 15 days
    read: list[str] = []

    def reading(params: dict[str, Any], **_: Any) -> None:
        read.extend(key["notification_id"]["S"] for key in params["RequestItems"]["NotificationsTable"]["Keys"])

    dynamodb().meta.events.register("provide-client-params.dynamodb.BatchGetItem", reading)
    try:
        listed = v1(api, account, "GET", "/v1/sms?pageSize=2&page=2").json()["data"]
    finally:
        dynamodb().meta.events.unregister("provide-client-params.dynamodb.BatchGetItem", reading)
    assert read == [sent[0]]  # the page's SMS only
    assert [sms["uuid"] for sms in listed["paginated_data"]] == [sent[0]]  # newest first: 3 and 2 on page 1
    meta = listed["paginated_metadata"]
    assert (meta["total"], meta["last_page"], meta["from"], meta["to"]) == (3, 2, 3, 3)
    first = v1(api, account, "GET", "/v1/sms?pageSize=2&page=1").json()["data"]["paginated_data"]
    assert [sms["uuid"] for sms in first] == [sent[3], sent[2]]
    beyond = v1(api, account, "GET", "/v1/sms?pageSize=2&page=3").json()["data"]
    assert (beyond["paginated_data"], beyond["paginated_metadata"]["total"]) == ([], 3)


def test_a_service_not_allowed_to_send_sms_is_refused_and_stores_nothing(api: InProcessApi) -> None:
    service = api.admin(
        "POST", "/admin/services", {"name": "email only", "restricted": False, "permissions": ["email"]}
    )
    base = f"/admin/services/{service.json()['data']['id']}"
    sender = api.admin("POST", f"{base}/sms-senders", {"sms_sender": "NoSms"}).json()["data"]["id"]
    token = api.admin("POST", f"{base}/access-tokens", {"name": "t"}).json()["data"]
    account = V1Account(service.json()["data"]["id"], sender, token["token"], token["id"])
    body = {"sms_sender_id": sender, "content": "Not to be sent", "recipient": "+447700900123"}
    refused = v1(api, account, "POST", "/v1/sms", body)
    assert refused.status == 403
    assert refused.json() == {
        "data": {"message": "Service is not allowed to send text messages", "metadata": []},
        "code": "sms.not.allowed",
    }
    listed = v1(api, account, "GET", "/v1/sms").json()["data"]
    assert (listed["paginated_data"], listed["paginated_metadata"]["total"]) == ([], 0)


def test_a_sender_cannot_take_a_number_another_service_sends_from(api: InProcessApi, account: V1Account) -> None:
    """SNS sends from any number the AWS account owns: a tenant naming another's (no inbound number) is refused."""
    other = api.admin("POST", "/admin/services", {"name": "long code"}).json()["data"]["id"]
    assert api.admin("POST", f"/admin/services/{other}/sms-senders", {"sms_sender": "+1 202 555 0177"}).status == 201
    taken = v1(api, account, "POST", "/v1/user-sms-senders", {"sender_name": "12025550177"})
    assert taken.status == 422, taken.body
    assert taken.json() == {
        "data": {"message": "The given data was invalid.", "metadata": ["sender_name"]},
        "code": "validation.failed",
    }
    names = [s["sender_name"] for s in v1(api, account, "GET", "/v1/user-sms-senders").json()["data"]["paginated_data"]]
    assert "12025550177" not in names
    assert v1(api, account, "POST", "/v1/user-sms-senders", {"sender_name": "12025550178"}).status == 200


def test_strings_are_trimmed_before_validation_as_laravel_does(api: InProcessApi, account: V1Account) -> None:
    """Laravel's TrimStrings middleware (which Notifea runs) trims every string field before its rules see it."""
    sender = v1(api, account, "POST", "/v1/user-sms-senders", {"sender_name": "  Shop-2\t"})
    assert sender.status == 200, sender.body
    assert sender.json()["data"]["sender_name"] == "Shop-2"
    body = {"sms_sender_id": f" {account.sender} ", "content": "\n  Hi there \n", "recipient": " +447700900123"}
    sms = v1(api, account, "POST", "/v1/sms", body)
    assert sms.status == 200, sms.body
    assert (sms.json()["data"]["content"], sms.json()["data"]["recipient"]) == ("Hi there", "+447700900123")
    stored = v1(api, account, "GET", f"/v1/sms/{sms.json()['data']['uuid']}").json()["data"]
    assert stored["content"] == "Hi there"


@pytest.mark.parametrize(("retention", "shown"), [(3, 3), (60, 30)])
def test_a_sender_made_without_sms_live_time_shows_and_applies_the_service_retention_within_30_days(
    api: InProcessApi, announced: Callable[[], list[dict[str, Any]]], retention: int, shown: int
) -> None:
    settings = {"name": "kept", "restricted": False, "retention_days": {"sms": retention}}
    service = api.admin("POST", "/admin/services", settings).json()["data"]["id"]
    made = api.admin("POST", f"/admin/services/{service}/sms-senders", {"sms_sender": "Plain"}).json()["data"]
    event = next(e for e in announced() if e["detail"]["uuid"] == made["id"])  # before any cache holds the service
    assert event["detail-type"] == "UserSmsSenderCreatedEvent"
    assert event["detail"]["sms_live_time"] == shown
    token = api.admin("POST", f"/admin/services/{service}/access-tokens", {"name": "t"}).json()["data"]
    account = V1Account(service, made["id"], token["token"], token["id"])
    sender = v1(api, account, "GET", f"/v1/user-sms-senders/{made['id']}").json()["data"]
    assert sender["sms_live_time"] == shown
    listed = v1(api, account, "GET", "/v1/user-sms-senders").json()["data"]["paginated_data"]
    assert [s["sms_live_time"] for s in listed] == [shown]
    sms = send_sms(api, account)
    kept = datetime.fromisoformat(sms["delete_at"]) - datetime.fromisoformat(sms["created_at"])
    assert kept == timedelta(days=shown)
    again = {"sender_name": sender["sender_name"], "sms_live_time": sender["sms_live_time"]}
    assert v1(api, account, "PUT", f"/v1/user-sms-senders/{made['id']}", again).status == 200
