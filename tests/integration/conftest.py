"""Integration tests: every handler in-process, against moto, with resources created from template.yaml."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import jwt
import pytest
from jsonschema import Draft202012Validator
from notifications_python_client.authentication import create_jwt_token

from tidings.api.openapi import openapi_document
from tidings_local.admin_client import admin_token
from tidings_local.http_events import HttpRequest
from tidings_local.outbox import outbox
from tidings_local.queue_pollers import QueuePoller
from tidings_local.stack import LocalStack

ADMIN_SECRET = "integration-admin-secret-0123456789abcdef"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class InProcessApi:
    """Sends requests through the same router and API Gateway events `tidings local` uses, minus the socket."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        source_ip: str = "127.0.0.1",
    ) -> Reply:
        route, _, query = path.partition("?")
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        all_headers = {"Host": "api.test", "Content-Type": "application/json", **(headers or {})}
        request = HttpRequest(method, route, query, list(all_headers.items()), payload, source_ip)
        response = self.stack.handle(request)
        return Reply(response.status, {k.lower(): v for k, v in response.headers}, response.body)

    def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {admin_token(ADMIN_SECRET)}"}

    def admin(self, method: str, path: str, body: Any = None) -> Reply:
        return self.request(method, path, body, self.admin_headers())

    def v2_authorization(self, key: str) -> str:
        return f"Bearer {create_jwt_token(key[-36:], key[-73:-37])}"

    def v2(self, method: str, path: str, key: str, body: Any = None, iat: int | None = None) -> Reply:
        """A request signed as the official client signs it (`iat` for a server on an injected clock)."""
        if iat is None:
            token = create_jwt_token(key[-36:], key[-73:-37])
        else:
            token = jwt.encode({"iss": key[-73:-37], "iat": iat}, key[-36:], algorithm="HS256")
        return self.request(method, path, body, {"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    local = LocalStack(ADMIN_SECRET)
    local.start(run_pollers=False)
    yield local
    local.stop()


@pytest.fixture(autouse=True)
def roles_allowed_every_call(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every AWS call a function made in the test was one its role allows (tidings_local/roles.py), including
    any refusal a handler caught."""
    if "stack" not in request.fixturenames:
        yield
        return
    refused = request.getfixturevalue("stack").functions.roles.refused
    before = len(refused)
    yield
    assert refused[before:] == []


@pytest.fixture(scope="session")
def api(stack: LocalStack) -> InProcessApi:
    return InProcessApi(stack)


@dataclass(frozen=True)
class SeededService:
    id: str
    keys: dict[str, str]


def seed_service(
    api: InProcessApi, name: str = "Integration service", key_types: tuple[str, ...] = ("normal", "team", "test")
) -> SeededService:
    """A live (unrestricted) service with one API key of each of `key_types`."""
    created = api.admin(
        "POST", "/admin/services", {"name": name, "restricted": False, "contact_link": "https://example.gov.uk/help"}
    )
    assert created.status == 201, created.body
    service_id = created.json()["data"]["id"]
    keys = {}
    for key_type in key_types:
        reply = api.admin("POST", f"/admin/services/{service_id}/api-keys", {"name": key_type, "key_type": key_type})
        keys[key_type] = reply.json()["data"]["key"]
    return SeededService(service_id, keys)


@pytest.fixture
def service(api: InProcessApi) -> SeededService:
    return seed_service(api)


@dataclass(frozen=True)
class V1Account:
    service_id: str
    sender: str
    token: str
    token_id: str


@pytest.fixture
def account(api: InProcessApi) -> V1Account:
    """A /v1 caller: a service with a Notifea sender (15 minutes' live time) and an access token."""
    service = api.admin("POST", "/admin/services", {"name": "v1", "restricted": False}).json()["data"]["id"]
    sender = api.admin(
        "POST", f"/admin/services/{service}/sms-senders", {"sms_sender": "Shop", "sms_live_time": 15}
    ).json()["data"]["id"]
    token = api.admin("POST", f"/admin/services/{service}/access-tokens", {"name": "t"}).json()["data"]
    return V1Account(service, sender, token["token"], token["id"])


def empty_queue(stack: LocalStack, logical_id: str = "DispatchQueue") -> None:
    """Delete what waits on a queue, so no later test consumes it (PurgeQueue allows one call a minute)."""
    sqs, url = boto3.client("sqs"), stack.resolve({"Ref": logical_id})
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


# ---------------------------------------------------------------- delivery: templates, queues, pollers


@pytest.fixture
def templates(api: InProcessApi, service: SeededService) -> dict[str, str]:
    base = f"/admin/services/{service.id}"
    api.admin(
        "POST", f"{base}/guest-list", {"phone_numbers": ["07700900123"], "email_addresses": ["team@example.gov.uk"]}
    )
    sms = api.admin("POST", f"{base}/templates", {"name": "S", "type": "sms", "content": "Hello ((name))"})
    email = api.admin(
        "POST",
        f"{base}/templates",
        {"name": "E", "type": "email", "subject": "Hi ((name))", "content": "Dear ((name))"},
    )
    long = {"name": "L", "type": "email", "subject": "Hi", "content": "Dear ((name))"}  # subjects hold 998 characters
    email_long = api.admin("POST", f"{base}/templates", long)
    return {
        "sms": sms.json()["data"]["id"],
        "email": email.json()["data"]["id"],
        "email_long": email_long.json()["data"]["id"],
    }


@pytest.fixture
def letter_template(api: InProcessApi, service: SeededService) -> str:
    """A letter template of the seeded service: a subject, two placeholders, a list and a contact block."""
    reply = api.admin(
        "POST",
        f"/admin/services/{service.id}/templates",
        {
            "name": "L",
            "type": "letter",
            "subject": "Letter ((ref))",
            "content": "Dear ((name))\r\n\r\n* one\r\n* two",
            "letter_contact_block": "Pigeon Affairs Bureau\n10 Pigeon Lane",
        },
    )
    assert reply.status == 201, reply.body
    return str(reply.json()["data"]["id"])


@pytest.fixture
def dispatcher(stack: LocalStack) -> QueuePoller:
    return next(p for p in stack.pollers if p._spec.logical_id == "DispatchFunction")


@pytest.fixture
def queues(stack: LocalStack) -> Iterator[dict[str, str]]:
    urls = {name: stack.resolve({"Ref": name}) for name in ("DispatchQueue", "DispatchDLQ")}
    yield urls
    for name in urls:
        empty_queue(stack, name)


@pytest.fixture
def deliver(stack: LocalStack, dispatcher: QueuePoller) -> Callable[[], None]:
    """Dispatch everything queued, then let the simulated providers answer through the receipts path."""
    receipts = next(p for p in stack.pollers if p._spec.logical_id == "ReceiptsFunction")

    def run() -> None:
        while dispatcher.poll_once():
            pass
        while stack.providers.run_once() + receipts.poll_once():
            pass

    return run


@pytest.fixture
def drain(stack: LocalStack, deliver: Callable[[], None]) -> Callable[[], None]:
    """Deliver, then let the notifications' stream announce the status changes (callbacks and webhooks queued)."""

    def run() -> None:
        deliver()
        announce_changes(stack)

    return run


def announce_changes(stack: LocalStack) -> None:
    """Deliver the tables' streams (status changes → callbacks and webhooks, /v1 events) until they are quiet."""
    while sum(poller.poll_once() for poller in stack.stream_pollers):
        pass


def send_sms(
    api: InProcessApi, service: SeededService, templates: dict[str, str], key: str = "normal", to: str = "07700900123"
) -> Any:
    reply = api.v2(
        "POST",
        "/v2/notifications/sms",
        service.keys[key],
        {"phone_number": to, "template_id": templates["sms"], "personalisation": {"name": "Jo"}},
    )
    assert reply.status == 201, reply.body
    return reply.json()


def send_email(
    api: InProcessApi, service: SeededService, templates: dict[str, str], name: str, template: str = "email"
) -> Any:
    """An email to the guest list's address with `name` in its body and subject ("Dear ((name))", "Hi ((name))"),
    or in its body only (`template="email_long"`)."""
    body = {
        "email_address": "team@example.gov.uk",
        "template_id": templates[template],
        "personalisation": {"name": name},
    }
    reply = api.v2("POST", "/v2/notifications/email", service.keys["normal"], body)
    assert reply.status == 201, reply.body
    return reply.json()


def in_outbox(notification_id: str) -> list[dict[str, Any]]:
    return [m for m in outbox() if m["notification_id"] == notification_id]


# ---------------------------------------------------------------- answers as the OpenAPI document describes them

DOCUMENT = openapi_document()


def documented(reply: Reply, method: str, path: str, status: int = 200) -> Any:
    """The answer, checked against the document's success schema for `method path`; returned for more checks."""
    assert reply.status == status, reply.body
    schema = DOCUMENT["paths"][path][method.lower()]["responses"][str(status)]["content"]["application/json"]
    answer = reply.json()
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in Draft202012Validator(
        schema["schema"], format_checker=Draft202012Validator.FORMAT_CHECKER
    ).iter_errors(answer)]  # fmt: skip
    assert errors == [], errors
    return answer
