"""Every function has a sample event in events/, and each sample still drives its handler to its success path.

The samples name placeholder ids and carry placeholder signatures (they are for `sam local invoke`, where a
reader puts in their own). Here each sample's ids are rewritten to ones seeded in moto through the admin and
public APIs, its Authorization header is signed afresh (a Notify JWT for /v2, the admin secret's for /admin,
an issued access token for /v1), and the exact answer is asserted: a sample with a stale path, field or id fails.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.integration.conftest import InProcessApi, Reply, SeededService, V1Account, empty_queue, in_outbox
from tests.integration.faults import spy
from tests.integration.receivers import Receiver
from tidings import wiring
from tidings.adapters import aws
from tidings.domain.models import OptOut
from tidings_local.http_events import to_response
from tidings_local.queue_pollers import QueuePoller
from tidings_local.stack import REPO_ROOT, LocalStack

EVENTS = sorted((REPO_ROOT / "events").glob("*.json"))

# The placeholders the samples name, each rewritten to what is seeded for it.
SERVICE = "3d1f5b2e-7c44-4c1a-9a53-0e6f2c1b9a10"
TEMPLATE = "7a0e9f7c-2a61-4d1b-8f0e-5b2c9d3e4f11"
NOTIFICATION = "0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098"
ITEM = "5c2e8a41-8f0b-4d6e-a1c3-7b9d0e2f4a6c"  # a token, a sender, a /v1 SMS or a notification, as each sample says
API_KEY = "5b8c1e2d-3f4a-4b6c-9d7e-8f9a0b1c2d3e"
FILE, FILE_KEY = "8a4e2c9d-1b3f-4e5a-9c7d-2f6b8e0a1c34", "kq3Yc2mX0f1W8pJ5nV4tR7uB6sZ9aD2eH1gK3lM5oP0"
KEPT = "9a7c3e51-2b4d-4f6a-8c1e-5d3b7f9a0e24"  # the notification receipts-kept's receipt was kept for
REFERENCE = "b0a2ff5e-7b4e-5e23-9c4b-6a5f0d2d9a11"  # an SMS's provider reference (SNS's message id)
SAMPLE_TIME = "2026-11-22T12:00:00.000Z"  # when the SNS envelopes say they were sent
CHANGED = "7f3c2a10-5b8e-4c1d-9e2f-a4b6c8d0e1f2"  # the notification change_events-status shows
FILE_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class Sample:
    """One sample event, and what it names, seeded on first use through the integration fixtures."""

    def __init__(self, path: Path, stack: LocalStack, api: InProcessApi, request: pytest.FixtureRequest) -> None:
        self.path, self.stack, self.api, self._request = path, stack, api, request
        self.function = next(
            f.logical_id for f in stack.template.functions if f.code_dir.name == path.stem.split("-")[0]
        )

    def other(self, stem: str) -> Sample:
        """Another sample, in this one's test: it names the same seeded service, account and templates."""
        return Sample(REPO_ROOT / "events" / f"{stem}.json", self.stack, self.api, self._request)

    def fixture(self, name: str) -> Any:
        return self._request.getfixturevalue(name)

    def finally_(self, finalizer: Callable[[], object]) -> None:
        self._request.addfinalizer(finalizer)

    @cached_property
    def service(self) -> SeededService:
        self.fixture("queues")  # what its sends queue for dispatch is deleted after the test
        return self.fixture("service")  # type: ignore[no-any-return]

    @cached_property
    def templates(self) -> dict[str, str]:
        """conftest's: sms "Hello ((name))", email "Hi ((name))" / "Dear ((name))", email_long (and a guest list)."""
        self.service  # noqa: B018 (its queues first)
        return self.fixture("templates")  # type: ignore[no-any-return]

    @cached_property
    def letter_template(self) -> str:
        letter = {"name": "L", "type": "letter", "subject": "Hello ((name))", "content": "Dear ((name))"}
        return str(self.created(self.admin_call("POST", "templates", letter))["id"])

    @cached_property
    def account(self) -> V1Account:
        return self.fixture("account")  # type: ignore[no-any-return]

    @property
    def key(self) -> str:
        return self.service.keys["normal"]

    # ------------------------------------------------------------------ seeding through the public APIs

    def admin_call(self, method: str, path: str, body: Any = None) -> Reply:
        return self.api.admin(method, f"/admin/services/{self.service.id}/{path}", body)

    @staticmethod
    def created(reply: Reply) -> Any:
        assert reply.status in (200, 201), reply.body
        return reply.json().get("data", reply.json())

    def send(self, kind: str, body: dict[str, Any], key: str = "normal") -> str:
        reply = self.api.v2("POST", f"/v2/notifications/{kind}", self.service.keys[key], body)
        return str(self.created(reply)["id"])

    def send_sms(self, to: str = "07700900123", key: str = "normal") -> str:
        body = {"phone_number": to, "template_id": self.templates["sms"], "personalisation": {"name": "Jo"}}
        return self.send("sms", body, key)

    def send_email(self, to: str = "team@example.gov.uk") -> str:
        body = {"email_address": to, "template_id": self.templates["email"], "personalisation": {"name": "Jo"}}
        return self.send("email", body)

    def dispatch(self) -> None:
        dispatcher: QueuePoller = self.fixture("dispatcher")
        while dispatcher.poll_once():
            pass

    def notification(self, notification_id: str) -> Any:
        reply = self.api.v2("GET", f"/v2/notifications/{notification_id}", self.key)  # as a normal key sees it
        assert reply.status == 200, reply.body
        return reply.json()

    def callback(self, url: str = "https://example.gov.uk/callback") -> None:
        """A delivery-status callback for the service; what is queued for it is deleted after the test."""
        self.finally_(lambda: empty_queue(self.stack, "CallbacksQueue"))
        callback = {"type": "delivery_status", "url": url, "bearer_token": "a-long-bearer-token"}
        self.created(self.admin_call("POST", "callbacks", callback))

    @staticmethod
    def free_number(preferred: str) -> str:
        """`preferred` (the sample's number) when no service owns it yet, else the first free drama number:
        inbound numbers are unique across services, and other tests claim some."""
        owner = wiring.deps().services.owner_of_number
        for number in (preferred, *(f"07700900{n:03d}" for n in range(1000))):
            if owner(f"44{number[1:]}") is None:
                return number
        raise AssertionError("no free inbound number")

    # ------------------------------------------------------------------ invoking the sample

    def event(self, ids: dict[str, str]) -> dict[str, Any]:
        text = self.path.read_text()
        for placeholder, seeded in ids.items():
            assert placeholder in text, f"{self.path.name} no longer names {placeholder}"
            text = text.replace(placeholder, seeded)
        event: dict[str, Any] = json.loads(text)
        return event

    def invoke(self, ids: dict[str, str] | None = None) -> Any:
        return self.stack.functions.invoke(self.function, self.event(ids or {}))

    def call(self, authorization: str | None, ids: dict[str, str] | None = None) -> Reply:
        event = self.event(ids or {})
        headers = event["headers"]
        if authorization is None:
            assert "authorization" not in headers
        else:
            assert headers["authorization"].startswith("Bearer ") and headers["authorization"].count(".") == 2
            headers["authorization"] = authorization  # the placeholder signature, signed afresh
        response = to_response(self.stack.functions.invoke(self.function, event))
        return Reply(response.status, {k.lower(): v for k, v in response.headers}, response.body)

    def as_admin(self, ids: dict[str, str] | None = None) -> Reply:
        return self.call(self.api.admin_headers()["Authorization"], ids)

    def as_v2(self, ids: dict[str, str] | None = None, key: str = "normal") -> Reply:
        return self.call(self.api.v2_authorization(self.service.keys[key]), ids)

    def as_v1(self, ids: dict[str, str] | None = None) -> Reply:
        return self.call(f"Bearer {self.account.token}", ids)


CASES: dict[str, Callable[[Sample], None]] = {}


def case(stem: str) -> Callable[[Callable[[Sample], None]], Callable[[Sample], None]]:
    """Registers what invoking events/<stem>.json must do."""

    def register(check: Callable[[Sample], None]) -> Callable[[Sample], None]:
        CASES[stem] = check
        return check

    return register


@pytest.fixture
def sample(request: pytest.FixtureRequest, stack: LocalStack, api: InProcessApi) -> Sample:
    return Sample(request.param, stack, api, request)


def test_every_function_has_a_sample_event(stack: LocalStack) -> None:
    names = {path.stem.split("-")[0] for path in EVENTS}
    for function in stack.template.functions:
        assert function.code_dir.name in names, f"no events/{function.code_dir.name}.json"
    assert set(CASES) <= {path.stem for path in EVENTS}  # no expected outcome left for a sample since removed


def test_every_route_has_a_sample_event(stack: LocalStack) -> None:
    sampled = {json.loads(path.read_text()).get("routeKey") for path in EVENTS}
    routes = {f"{r.method} {r.path}" for f in stack.template.functions for r in f.routes if r.path != "$default"}
    assert routes - sampled == set()


@pytest.mark.parametrize("sample", EVENTS, ids=lambda p: p.stem, indirect=True)
def test_each_sample_event_drives_its_handler_to_success(sample: Sample) -> None:
    assert sample.path.stem in CASES, f"events/{sample.path.name} has no expected outcome in this module"
    CASES[sample.path.stem](sample)


# ---------------------------------------------------------------------------------------------- /admin


@case("admin_services")
def _(s: Sample) -> None:
    reply = s.as_admin()
    assert reply.status == 201, reply.body
    assert (reply.json()["data"]["name"], reply.json()["data"]["restricted"]) == ("Pigeon Affairs Bureau", True)


@case("admin_services-show")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert reply.status == 200, reply.body
    assert reply.json()["data"]["id"] == s.service.id and len(reply.json()["data"]["api_keys"]) == 3


@case("admin_services-update")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert reply.status == 200, reply.body
    shown = reply.json()["data"]
    assert (shown["id"], shown["name"], shown["rate_limit"]) == (s.service.id, "Pigeon Affairs Bureau (North)", 1500)


@case("admin_services-notification")
def _(s: Sample) -> None:
    sent = s.send_sms()
    reply = s.as_admin({SERVICE: s.service.id, ITEM: sent})
    assert reply.status == 200, reply.body
    assert {k: reply.json()["data"][k] for k in ("id", "type", "status")} == {
        "id": sent,
        "type": "sms",
        "status": "created",
    }


@case("admin_api_keys")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert reply.status == 201, reply.body
    key = reply.json()["data"]["key"]
    assert key.startswith("live_key-") and key[-73:-37] == s.service.id  # the shape the official clients split
    assert s.api.v2("GET", "/v2/templates", key).status == 200


@case("admin_api_keys-revoke")
def _(s: Sample) -> None:
    key = s.created(s.admin_call("POST", "api-keys", {"name": "doomed", "key_type": "normal"}))
    reply = s.as_admin({SERVICE: s.service.id, API_KEY: key["id"]})
    assert reply.status == 200, reply.body
    assert reply.json()["data"]["id"] == key["id"] and reply.json()["data"]["revoked_at"]
    assert s.api.v2("GET", "/v2/templates", key["key"]).status == 403


@case("admin_access_tokens")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert reply.status == 201, reply.body
    assert reply.json()["data"]["allowed_ips"] == ["203.0.113.0/24"] and reply.json()["data"]["token"].count(".") == 2


@case("admin_access_tokens-revoke")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.account.service_id, ITEM: s.account.token_id})
    assert reply.status == 200, reply.body
    assert reply.json()["data"]["id"] == s.account.token_id and reply.json()["data"]["revoked_at"]
    refused = s.api.request("GET", "/v1/sms", headers={"Authorization": f"Bearer {s.account.token}"})
    assert refused.status == 401


@case("admin_callbacks")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert reply.status == 201, reply.body
    assert (reply.json()["data"]["type"], reply.json()["data"]["url"]) == (
        "delivery_status",
        "https://example.gov.uk/callback",
    )


@case("admin_guest_list")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert reply.status == 200, reply.body
    assert reply.json()["data"]["email_addresses"] == ["team@example.gov.uk"]


@case("admin_inbound_numbers")
def _(s: Sample) -> None:
    number = s.free_number("07700900456")
    reply = s.as_admin({SERVICE: s.service.id, "07700900456": number})
    assert reply.status == 201, reply.body
    assert reply.json()["data"] == {"number": f"44{number[1:]}", "service_id": s.service.id}


@case("admin_opt_outs")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert (reply.status, reply.json()) == (200, {"data": []}), reply.body


@case("admin_opt_outs-delete")
def _(s: Sample) -> None:
    wiring.deps().services.put_opt_out(s.service.id, OptOut(number="447700900123", created_at=datetime.now(UTC)))
    reply = s.as_admin({SERVICE: s.service.id})
    assert (reply.status, reply.json()) == (200, {"data": {"number": "447700900123", "removed": True}}), reply.body
    assert s.api.admin("GET", f"/admin/services/{s.service.id}/opt-outs").json() == {"data": []}


@case("admin_senders")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert reply.status == 201, reply.body
    assert (reply.json()["data"]["sms_sender"], reply.json()["data"]["is_default"]) == ("GOVUK", True)


@case("admin_senders-reply-to")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert reply.status == 201, reply.body
    assert (reply.json()["data"]["email_address"], reply.json()["data"]["is_default"]) == ("help@example.gov.uk", True)


@case("admin_templates")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id})
    assert reply.status == 201, reply.body
    assert (reply.json()["data"]["type"], reply.json()["data"]["body"]) == ("sms", "Hello ((name))")


@case("admin_templates-update")
def _(s: Sample) -> None:
    reply = s.as_admin({SERVICE: s.service.id, TEMPLATE: s.templates["sms"]})
    assert reply.status == 200, reply.body
    assert (reply.json()["data"]["body"], reply.json()["data"]["version"]) == ("Hi ((name))", 2)


# ---------------------------------------------------------------------------------------------- /v2


@case("v2_send_notification")
def _(s: Sample) -> None:
    reply = s.as_v2({TEMPLATE: s.templates["sms"]})
    assert reply.status == 201, reply.body
    assert (reply.json()["content"]["body"], reply.json()["reference"]) == ("Hello Amala", "r1")
    assert s.notification(reply.json()["id"])["phone_number"] == "07700900123"


@case("v2_send_notification-email")
def _(s: Sample) -> None:
    reply = s.as_v2({TEMPLATE: s.templates["email"]})
    assert reply.status == 201, reply.body
    assert (reply.json()["content"]["subject"], reply.json()["content"]["body"]) == ("Hi Amala", "Dear Amala")


@case("v2_send_notification-letter")
def _(s: Sample) -> None:
    reply = s.as_v2({TEMPLATE: s.letter_template})
    assert reply.status == 201, reply.body
    assert (reply.json()["content"]["subject"], reply.json()["reference"]) == ("Hello Amala", "letter-1")


@case("v2_send_notification-precompiled")
def _(s: Sample) -> None:
    reply = s.as_v2()
    assert reply.status == 201, reply.body
    assert (reply.json()["reference"], reply.json()["postage"]) == ("ref-pdf", "first")
    assert s.notification(reply.json()["id"])["type"] == "letter"


@case("v2_get_notification")
def _(s: Sample) -> None:
    sent = s.send_sms()
    reply = s.as_v2({NOTIFICATION: sent})
    assert reply.status == 200, reply.body
    assert (reply.json()["id"], reply.json()["body"]) == (sent, "Hello Jo")


@case("v2_get_letter_pdf")
def _(s: Sample) -> None:
    personalisation = {"address_line_1": "A Person", "address_line_2": "1 High St", "address_line_3": "SW1A 1AA"}
    sent = s.send("letter", {"template_id": s.letter_template, "personalisation": personalisation | {"name": "Jo"}})
    s.dispatch()  # rendered
    reply = s.as_v2({NOTIFICATION: sent})
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "application/pdf" and reply.body.startswith(b"%PDF")


@case("v2_list_notifications")
def _(s: Sample) -> None:
    s.send_sms(key="test")  # delivered: not listed
    failed = s.send_sms("07700900003", key="test")  # a test key's temporary failure
    s.dispatch()
    reply = s.as_v2(key="test")  # a test key lists its own
    assert reply.status == 200, reply.body
    listed = reply.json()["notifications"]
    assert [(n["id"], n["status"]) for n in listed] == [(failed, "temporary-failure")]


@case("v2_get_template")
def _(s: Sample) -> None:
    reply = s.as_v2({TEMPLATE: s.templates["sms"]})
    assert reply.status == 200, reply.body
    assert (reply.json()["id"], reply.json()["body"]) == (s.templates["sms"], "Hello ((name))")


@case("v2_get_template-version")
def _(s: Sample) -> None:
    reply = s.as_v2({TEMPLATE: s.templates["sms"]})
    assert reply.status == 200, reply.body
    assert (reply.json()["id"], reply.json()["version"]) == (s.templates["sms"], 1)


@case("v2_list_templates")
def _(s: Sample) -> None:
    sms = s.templates["sms"]  # and two email templates, not listed
    reply = s.as_v2()
    assert reply.status == 200, reply.body
    assert [t["id"] for t in reply.json()["templates"]] == [sms]


@case("v2_preview_template")
def _(s: Sample) -> None:
    reply = s.as_v2({TEMPLATE: s.templates["sms"]})
    assert reply.status == 200, reply.body
    assert (reply.json()["id"], reply.json()["body"]) == (s.templates["sms"], "Hello Amala")


@case("v2_received_texts")
def _(s: Sample) -> None:
    number = receive_text(s.other("inbound_sms"))
    reply = s.as_v2()
    assert reply.status == 200, reply.body
    texts = reply.json()["received_text_messages"]
    assert [(t["user_number"], t["notify_number"], t["content"]) for t in texts] == [
        ("447700900123", number, "Hello Notify!")  # Notify shows its own UK numbers nationally
    ]


# ---------------------------------------------------------------------------------------------- /v1


@case("v1_status")
def _(s: Sample) -> None:
    reply = s.call(None)
    assert reply.status == 200, reply.body
    assert reply.json()["code"] == "ok" and reply.json()["data"]["name"].startswith("Notifea API")


@case("v1_status-root")
def _(s: Sample) -> None:
    reply = s.call(None)
    assert reply.status == 200, reply.body
    assert reply.json()["code"] == "ok" and reply.json()["data"]["name"].startswith("Notifea API")


@case("v1_prices")
def _(s: Sample) -> None:
    reply = s.call(None)
    assert reply.status == 200, reply.body
    assert reply.json()["code"] == "ok" and float(reply.json()["data"]["value"]) > 0  # Slovakia's, per SMS


@case("v1_prices-countries")
def _(s: Sample) -> None:
    reply = s.call(None)
    assert reply.status == 200, reply.body
    countries = reply.json()["data"]["data"]
    assert {"id": 703, "nice_name": "Slovakia", "iso3": "SVK"} in countries


@case("v1_senders")
def _(s: Sample) -> None:
    reply = s.as_v1()
    assert reply.status == 200, reply.body
    assert [sender["uuid"] for sender in reply.json()["data"]["paginated_data"]] == [s.account.sender]


@case("v1_senders-create")
def _(s: Sample) -> None:
    reply = s.as_v1()
    assert reply.status == 200, reply.body  # Notifea's: 200 and code ok, for a creation too
    assert {k: reply.json()["data"][k] for k in ("sender_name", "sms_live_time", "test_mode")} == {
        "sender_name": "Shop_1",
        "sms_live_time": 15,
        "test_mode": 1,
    }


@case("v1_sender_item")
def _(s: Sample) -> None:
    reply = s.as_v1({ITEM: s.account.sender})
    assert reply.status == 200, reply.body
    assert (reply.json()["data"]["uuid"], reply.json()["data"]["sender_name"]) == (s.account.sender, "Shop")


@case("v1_sender_item-update")
def _(s: Sample) -> None:
    reply = s.as_v1({ITEM: s.account.sender})
    assert reply.status == 200, reply.body
    assert (reply.json()["data"]["sender_name"], reply.json()["data"]["sms_live_time"]) == ("Shop2", 0)


@case("v1_sender_item-delete")
def _(s: Sample) -> None:
    reply = s.as_v1({ITEM: s.account.sender})
    assert (reply.status, reply.json()["data"]) == (200, []), reply.body
    gone = s.api.request(
        "GET", f"/v1/user-sms-senders/{s.account.sender}", headers={"Authorization": f"Bearer {s.account.token}"}
    )
    assert gone.status == 404


def v1_sms(s: Sample) -> str:
    body = {"sms_sender_id": s.account.sender, "content": "Hi", "recipient": "+447700900123"}
    reply = s.api.request("POST", "/v1/sms", body, {"Authorization": f"Bearer {s.account.token}"})
    return str(s.created(reply)["uuid"])


@case("v1_sms-send")
def _(s: Sample) -> None:
    reply = s.as_v1({ITEM: s.account.sender})
    assert reply.status == 200, reply.body
    assert (reply.json()["data"]["recipient"], reply.json()["data"]["user_sms_sender"]["uuid"]) == (
        "+421902739429",
        s.account.sender,
    )


@case("v1_sms")
def _(s: Sample) -> None:
    sent = v1_sms(s)
    reply = s.as_v1()
    assert reply.status == 200, reply.body
    assert [sms["uuid"] for sms in reply.json()["data"]["paginated_data"]] == [sent]


@case("v1_sms_item")
def _(s: Sample) -> None:
    sent = v1_sms(s)
    reply = s.as_v1({ITEM: sent})
    assert reply.status == 200, reply.body
    assert (reply.json()["data"]["uuid"], reply.json()["data"]["content"]) == (sent, "Hi")


@case("v1_sms_item-delete")
def _(s: Sample) -> None:
    sent = v1_sms(s)
    reply = s.as_v1({ITEM: sent})
    assert reply.status == 200, reply.body
    gone = s.api.request("GET", f"/v1/sms/{sent}", headers={"Authorization": f"Bearer {s.account.token}"})
    assert gone.status == 404


# ---------------------------------------------------------------------------------------------- others


@case("docs")
def _(s: Sample) -> None:
    reply = s.call(None)
    assert reply.status == 200, reply.body
    assert reply.json()["openapi"] == "3.1.0"


@case("docs-page")
def _(s: Sample) -> None:
    reply = s.call(None)
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/html"), reply.body[:200]
    assert b"swagger-ui" in reply.body and b'"openapi": "3.1.0"' in reply.body


@case("not_found")
def _(s: Sample) -> None:
    reply = s.call(None)
    assert reply.status == 404  # /v2's unknown URL: Flask's legacy shape, as Notify answers
    assert reply.json()["result"] == "error" and reply.json()["message"].startswith("The requested URL was not found")


def sent_file(s: Sample, to: str) -> dict[str, str]:
    """The ids of a file sent by email to `to`, from the link in the email."""
    template = {"name": "F", "type": "email", "subject": "Your file", "content": "Get it: ((doc))"}
    template_id = s.created(s.admin_call("POST", "templates", template))["id"]
    document = {"file": base64.b64encode(FILE_BYTES).decode(), "filename": "letter.pdf"}
    body = {"email_address": to, "template_id": template_id, "personalisation": {"doc": document}}
    reply = s.api.v2("POST", "/v2/notifications/email", s.key, body)
    assert reply.status == 201, reply.body
    link = urlsplit(reply.json()["content"]["body"].removeprefix("Get it: "))
    _, _, service_id, file_id = link.path.split("/")
    return {SERVICE: service_id, FILE: file_id, FILE_KEY: parse_qs(link.query)["key"][0]}


@case("document_download")
def _(s: Sample) -> None:
    reply = s.call(None, sent_file(s, "someone@example.com"))
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"].startswith("text/html")
    assert b'<label for="email_address">Email address</label>' in reply.body


@case("document_download-confirm")
def _(s: Sample) -> None:
    reply = s.call(None, sent_file(s, "someone@example.com"))
    assert reply.status == 200, reply.body
    assert (reply.headers["content-type"], reply.body) == ("application/pdf", FILE_BYTES)


# ---------------------------------------------------------------------------------------------- queues, streams


@case("dispatch")
def _(s: Sample) -> None:
    sent = s.send_sms()
    assert s.notification(sent)["status"] == "created"
    assert s.invoke({NOTIFICATION: sent}) == {"batchItemFailures": []}
    assert s.notification(sent)["status"] == "sending"


@case("dispatch-closing")
def _(s: Sample) -> None:
    sent = s.send_sms()
    s.dispatch()
    assert s.notification(sent)["status"] == "sending"
    assert s.invoke({NOTIFICATION: sent}) == {"batchItemFailures": []}
    assert s.notification(sent)["status"] == "sent"


@case("callbacks")
def _(s: Sample) -> None:
    receiver = Receiver()
    receiver.hanging = False
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    s.finally_(receiver.server_close)
    s.finally_(receiver.shutdown)
    s.callback(receiver.url)  # the service's callback as it is now, not the URL the job was queued with
    assert s.invoke({SERVICE: s.service.id}) == {"batchItemFailures": []}
    assert receiver.answered == [
        {"authorization": "Bearer a-long-bearer-token", "body": {"id": ITEM, "status": "delivered"}}
    ]


def receive_text(inbound: Sample) -> str:
    """The inbound_sms sample's text, to a number claimed for the service (the sample's, if free), arriving
    now: the sample's date is long past the 7 days a received text is listed for. The number, as Notify shows it."""
    number = inbound.free_number("07700900999")
    inbound.created(inbound.admin_call("POST", "inbound-numbers", {"number": number}))
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert inbound.invoke({"+447700900999": f"+44{number[1:]}", SAMPLE_TIME: now}) == {"batchItemFailures": []}
    return number


@case("inbound_sms")
def _(s: Sample) -> None:
    number = receive_text(s)
    texts = s.api.v2("GET", "/v2/received-text-messages", s.key).json()["received_text_messages"]
    assert [(t["user_number"], t["notify_number"], t["content"]) for t in texts] == [
        ("447700900123", number, "Hello Notify!")
    ]


@case("change_events")
def _(s: Sample) -> None:
    with spy(aws.events(), "PutEvents") as published:
        assert s.invoke({SERVICE: s.account.service_id, ITEM: s.account.sender}) == {"batchItemFailures": []}
    [entry] = [entry for request in published for entry in request["Entries"]]
    assert entry["DetailType"] == "UserSmsSenderCreatedEvent"
    assert json.loads(entry["Detail"])["uuid"] == s.account.sender


@case("change_events-status")
def _(s: Sample) -> None:
    s.callback()
    with spy(aws.sqs(), "SendMessage") as sent:
        assert s.invoke({SERVICE: s.service.id}) == {"batchItemFailures": []}
    [job] = [json.loads(m["MessageBody"]) for m in sent]
    assert (job["kind"], job["payload"]["id"], job["payload"]["status"]) == ("delivery_status", CHANGED, "delivered")
    assert [m["QueueUrl"] for m in sent] == [s.stack.resolve({"Ref": "CallbacksQueue"})]


@case("receipts")
def _(s: Sample) -> None:
    sent = s.send_email()
    s.dispatch()
    assert s.invoke({ITEM: sent}) == {"batchItemFailures": []}
    assert s.notification(sent)["status"] == "permanent-failure"


@case("receipts-delivery")
def _(s: Sample) -> None:
    sent = s.send_email(to="silent@simulator.tidings")  # the local simulator sends no receipt of its own for it
    s.dispatch()
    assert s.notification(sent)["status"] == "sending"
    assert s.invoke({ITEM: sent}) == {"batchItemFailures": []}
    assert s.notification(sent)["status"] == "delivered"


@case("receipts-print")
def _(s: Sample) -> None:
    personalisation = {"address_line_1": "A Person", "address_line_2": "1 High St", "address_line_3": "SW1A 1AA"}
    sent = s.send("letter", {"template_id": s.letter_template, "personalisation": personalisation | {"name": "Jo"}})
    s.dispatch()  # rendered and dropped for print; the sample is the printer's word on it
    assert s.notification(sent)["status"] == "accepted"
    assert s.invoke({ITEM: sent}) == {"batchItemFailures": []}
    assert s.notification(sent)["status"] == "received"


def sent_sms_reference(s: Sample) -> tuple[str, str]:
    """An SMS handed to SNS (sending), and SNS's message id for it."""
    sent = s.send_sms()
    s.dispatch()
    [handed] = in_outbox(sent)
    return sent, str(handed["provider_reference"])


@case("receipts-sms-logs")
def _(s: Sample) -> None:
    sent, reference = sent_sms_reference(s)
    event = s.event({})
    logs = gzip.decompress(base64.b64decode(event["awslogs"]["data"])).decode()  # the reference is in here
    assert REFERENCE in logs, f"{s.path.name} no longer names {REFERENCE}"
    event["awslogs"]["data"] = base64.b64encode(gzip.compress(logs.replace(REFERENCE, reference).encode())).decode()
    assert s.stack.functions.invoke(s.function, event) == {"batchItemFailures": []}
    assert s.notification(sent)["status"] == "delivered"


@case("receipts-kept")
def _(s: Sample) -> None:
    sent, reference = sent_sms_reference(s)
    assert s.invoke({KEPT: sent, REFERENCE: reference}) == {"batchItemFailures": []}
    assert s.notification(sent)["status"] == "delivered"


@case("sweeper")
def _(s: Sample) -> None:
    result = s.invoke()
    assert set(result) == {"stuck", "requeued", "timed_out"}
    assert all(isinstance(count, int) for count in result.values())


def test_a_long_emails_status_change_is_announced_from_lambdas_json_event(stack: LocalStack) -> None:
    """Lambda's stream events carry a binary attribute (a long email's compressed content) as base64 text, not
    the bytes boto3's stream reader gives: the change is still announced."""
    event = json.loads((REPO_ROOT / "events" / "change_events-status.json").read_text())
    for image in ("OldImage", "NewImage"):
        event["Records"][0]["dynamodb"][image] |= {"type": {"S": "email"}, "content_z": {"B": "eJzLSM3JyQcABiwCFQ=="}}
    with spy(aws.sqs(), "SendMessage") as sent:
        assert stack.functions.invoke("ChangeEventsFunction", event) == {"batchItemFailures": []}
    assert not [m for m in sent if "ChangeEventsDLQ" in m["QueueUrl"]]  # read, not set aside
