"""Schemathesis against GET /docs/openapi.json on a `tidings local` of its own (issue #9, fuzzing).

Every operation of the document gets a fixed number of generated requests (TIDINGS_FUZZ_EXAMPLES, default
CI-sized; `make fuzz` runs ten times as many) from a fixed seed, each authenticated as its dialect expects:
/v2 with a fresh Notify JWT per request, /v1 with an access token, /admin with a fresh admin JWT. Every
response must be no 5xx, match the document (status code, content type, schema) and, when it is an error,
be in its dialect's envelope; and no request is refused its credentials (401, 403). Every other request, from
the first, names what the run made (templates, notifications, a file, senders, keys: `KnownIds`) where the
generated one has a random id, so that valid bodies are applied and answered too; a last test checks each of
those operations succeeded at least once. TIDINGS_FUZZ_SEED explores other inputs than CI's.

The run has a stack of its own because it deletes senders and SMS and fills the counters: the other e2e
modules' demo data stay as they were.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from notifications_python_client import prepare_upload
from notifications_python_client.authentication import create_jwt_token
from notifications_python_client.notifications import NotificationsAPIClient
from requests.adapters import HTTPAdapter
from schemathesis import BaseSchema, Case, CheckContext
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.e2e.conftest import RunningStack, running_stack
from tidings.api.notify_v2.errors import NOT_FOUND_URL
from tidings.api.openapi import _path_names, openapi_document
from tidings_local.admin_client import AdminClient, admin_token

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("TIDINGS_FUZZ_EXAMPLES", "10"))
# Issue #9's seed: fixed, so a failure found in CI is found again by the same command. Another explores new inputs.
SEED = int(os.environ.get("TIDINGS_FUZZ_SEED", "9"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# /v1 answers an undeclared method on a known path 405 with `Allow`; /v2 answers 404 there, as Notify's does.
V1_CHECKS = [*CHECKS, unsupported_method]
FILE_RECIPIENT, MOBILE = "someone@example.gov.uk", "+447700900123"  # what the run's own sends go to


def _valid_or_any(*valid: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(valid), st.text())


# The document's own formats, which schemathesis does not know: valid values as often as any text, so that
# generated bodies get past them too.
schemathesis.openapi.format("phone_number", _valid_or_any("07700900123", "+447700900456", "07700 900 789"))
schemathesis.openapi.format("email_address", _valid_or_any("someone@example.gov.uk", "Someone.Else@example.com"))
schemathesis.openapi.format("https_url", _valid_or_any("https://www.example.gov.uk/unsubscribe"))
schemathesis.openapi.format("postage", _valid_or_any("first", "second", "economy"))


@pytest.fixture(scope="module")
def fuzz_stack() -> Iterator[RunningStack]:
    """A `tidings local` for this module alone: the fuzzer deletes and changes things the other tests use."""
    with running_stack("tidings-fuzz-") as stack:
        yield stack


class Credentials:
    """Who each dialect's requests are from: the demo live key (/v2), an access token (/v1), the admin secret."""

    def __init__(self, stack: RunningStack) -> None:
        admin = stack.admin()
        key = stack.demo["keys"]["live"]
        self.service_id, self.key_secret = key[-73:-37], key[-36:]
        # A /v1 limit the run cannot reach, so the fuzzing explores the routes rather than the 429.
        admin.update_service(self.service_id, v1_rate_limit=1_000_000)
        sender = admin.create_sms_sender(self.service_id, sms_sender="Fuzz", sms_live_time=1, test_mode=True)
        self.access_token = admin.call(
            "POST",
            f"/admin/services/{self.service_id}/access-tokens",
            {"name": "fuzz", "sms_sender_ids": [sender["id"]]},
        )["token"]
        self.admin_secret = stack.admin_secret
        self.known = KnownIds(stack, self.access_token, sender["id"])

    def authorization(self, path: str) -> str:
        if path.startswith("/v2/"):
            return f"Bearer {create_jwt_token(self.key_secret, self.service_id)}"
        if path.startswith("/admin/"):
            return f"Bearer {admin_token(self.admin_secret)}"
        return f"Bearer {self.access_token}"


class KnownIds:
    """Ids the run made, for half of the requests: a random id only ever meets 404 (and a random template id in a
    body 400), so without them no generated body would reach the code behind the lookup, which is where an
    unexpected input would fail. /v2 and /v1 use the demo service, with templates that take any personalisation;
    /admin a service of its own, which it may change as it likes. A DELETE gets a thing of its own to delete."""

    def __init__(self, stack: RunningStack, access_token: str, v1_sender: str) -> None:
        admin = stack.admin()
        demo = stack.demo["service_id"]
        subjects = {"sms": {}, "email": {"subject": "Hi"}, "letter": {"subject": "Hi"}}
        self.templates = {
            kind: admin.create_template(demo, name=f"Fuzz {kind}", type=kind, content="Hello", **subject)["id"]
            for kind, subject in subjects.items()
        }
        client = NotificationsAPIClient(stack.demo["keys"]["live"], base_url=stack.url)
        sent = client.send_sms_notification(phone_number=MOBILE, template_id=self.templates["sms"])
        address = {"address_line_1": "A Person", "address_line_2": "1 High Street", "postcode": "SW1A 1AA"}
        letter = client.send_letter_notification(template_id=self.templates["letter"], personalisation=address)
        self.v2 = {"template_id": self.templates["sms"], "version": "1", "notification_id": sent["id"]}
        self.letter = letter["id"]  # for its PDF
        self.file, self.file_key = self._emailed_file(admin, demo, client)
        v1 = V1(stack.url, access_token)
        self.v1_sender = v1_sender  # the one the access token may send from
        self.v1 = {
            ("/v1/sms/{uuid}", False): v1.send(self.v1_sender)["uuid"],
            ("/v1/sms/{uuid}", True): v1.send(self.v1_sender)["uuid"],
            ("/v1/user-sms-senders/{uuid}", False): v1.sender("FuzzPath")["uuid"],
            ("/v1/user-sms-senders/{uuid}", True): v1.sender("FuzzGone")["uuid"],
        }
        self.admin = _admin_ids(stack)

    @staticmethod
    def _emailed_file(
        admin: AdminClient, service_id: str, client: NotificationsAPIClient
    ) -> tuple[dict[str, str], str]:
        """The path ids and key of a file sent by email (its link in the body), for /d/."""
        content = "Your file: ((link))"
        template = admin.create_template(service_id, name="Fuzz file", type="email", subject="Hi", content=content)
        upload = prepare_upload(io.BytesIO(b"%PDF-1.4 fuzz"), filename="fuzz.pdf")
        sent = client.send_email_notification(FILE_RECIPIENT, template["id"], personalisation={"link": upload})
        link = re.search(r"/d/([0-9a-f-]{36})/([0-9a-f-]{36})\?key=([\w-]+)", sent["content"]["body"])
        assert link, sent["content"]["body"]
        return {"service_id": link[1], "file_id": link[2]}, link[3]

    def in_path(self, method: str, path: str) -> dict[str, str]:
        if path.startswith("/d/"):
            return self.file
        if path.startswith("/admin/services/{service_id}"):
            return self.admin
        if path == "/v2/notifications/{notification_id}/pdf":
            return {"notification_id": self.letter}
        if path.startswith("/v2/"):
            return self.v2
        if path == "/v1/prices/{type}":
            return {"type": "sms"}  # the one type Notifea prices
        known = self.v1.get((path, method == "DELETE"))
        return {} if known is None else {"uuid": known}

    def in_body(self, method: str, path: str) -> dict[str, str]:
        if method == "POST" and path.startswith("/v2/notifications/"):
            return {"template_id": self.templates[path.rsplit("/", 1)[1]]}
        if method == "POST" and path == "/v1/sms":
            return {"sms_sender_id": self.v1_sender, "recipient": MOBILE}
        if method == "POST" and path.startswith("/d/"):
            return {"email_address": FILE_RECIPIENT}  # the confirmation a file asks for
        return {}

    def in_query(self, path: str) -> dict[str, str]:
        return {"key": self.file_key} if path.startswith("/d/") else {}

    def fill(self, case: Case[Any], method: str, path: str) -> None:
        """Put the known ids in `case`: in its path parameters, its query, and the body fields it already has."""
        known = self.in_path(method, path)
        case.path_parameters = {name: known.get(name, value) for name, value in (case.path_parameters or {}).items()}
        if query := self.in_query(path):
            case.query = (case.query or {}) | query
        if isinstance(case.body, dict):
            case.body = case.body | {k: v for k, v in self.in_body(method, path).items() if k in case.body}


class V1:
    """What the run makes through /v1 for its paths: SMS and senders."""

    def __init__(self, url: str, access_token: str) -> None:
        self.url, self.headers = url, {"Authorization": f"Bearer {access_token}"}

    def send(self, sender_id: str) -> dict[str, Any]:
        body = {"sms_sender_id": sender_id, "content": "Hi", "recipient": MOBILE}
        return self._post("/v1/sms", body)

    def sender(self, name: str) -> dict[str, Any]:
        return self._post("/v1/user-sms-senders", {"sender_name": name})

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = requests.post(f"{self.url}{path}", json=body, headers=self.headers, timeout=30)
        assert answer.status_code in (200, 201), answer.text
        return dict(answer.json()["data"])


def _admin_ids(stack: RunningStack) -> dict[str, str]:
    """A service of the run's own, and one of each thing /admin names in a path under it."""
    admin = stack.admin()
    service_id = admin.create_service(name="Fuzz admin", restricted=False)["id"]
    template_id = admin.create_template(service_id, name="Fuzz", type="sms", content="Hello")["id"]
    key = admin.create_api_key(service_id, "fuzz", "normal")
    sender = admin.create_sms_sender(service_id, sms_sender="FuzzAdmin", sms_live_time=1, test_mode=True)
    token = admin.call(
        "POST", f"/admin/services/{service_id}/access-tokens", {"name": "fuzz", "sms_sender_ids": [sender["id"]]}
    )
    client = NotificationsAPIClient(key["key"], base_url=stack.url)
    notification = client.send_sms_notification(phone_number=MOBILE, template_id=template_id)
    return {
        "service_id": service_id,
        "template_id": template_id,
        "key_id": key["id"],
        "token_id": token["id"],
        "notification_id": notification["id"],
    }


@pytest.fixture(scope="module")
def credentials(fuzz_stack: RunningStack) -> Credentials:
    return Credentials(fuzz_stack)


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_stack: RunningStack) -> BaseSchema:
    """The document as the running stack serves it (its `servers` entry points back at the stack)."""
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # The credentials are this module's to set (below), never generated: every request carries them.
            "generation": {"max-examples": EXAMPLES, "database": "none", "with-security-parameters": False},
            "phases": {
                "stateful": {"enabled": False},
                # What API Gateway's HTTP API forwards to the functions (ANY); it answers TRACE and the like itself.
                "coverage": {"unexpected-methods": ["get", "put", "post", "delete", "options", "patch"]},
            },
        }
    )
    return schemathesis.openapi.from_url(f"{fuzz_stack.url}/docs/openapi.json", config=config, timeout=30)


def is_v1(path: str) -> bool:
    return path in {"/", "/v1"} or path.startswith("/v1/")


def dialect_envelope(ctx: CheckContext | None, response: Response, case: Case[Any]) -> bool | None:
    """Every error is in its dialect's envelope: /v1 `{data: {message, metadata}, code}`, else Notify's (or, for
    a /v2 URL no route matches, Flask's legacy 404)."""
    if response.status_code < 400 or case.method.upper() == "HEAD":
        return None
    if case.operation.path.startswith("/d/"):  # a file's link is for people: its refusals are HTML pages
        kinds = [
            value for name, values in response.headers.items() if name.lower() == "content-type" for value in values
        ]
        assert kinds and kinds[0].startswith("text/html"), response.headers
        assert "<h1>" in response.text, response.text[:200]
        return True
    path = case.operation.path
    if not (is_v1(path) or path.startswith(("/v2/", "/admin/"))):
        return None  # no API dialect of ours: its documented schema is all there is
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"{response.status_code} is not JSON: {response.text[:200]!r}") from None
    if is_v1(path):
        assert isinstance(body, dict) and set(body) == {"data", "code"}, body
        assert isinstance(body["code"], str) and body["code"], body
        assert isinstance(body["data"], dict) and isinstance(body["data"].get("message"), str), body
        if response.status_code != 429:  # Notifea's 429 has no metadata (spec §1.2)
            assert isinstance(body["data"].get("metadata"), list), body
    elif path.startswith("/v2/") and body == {"result": "error", "message": NOT_FOUND_URL}:
        assert response.status_code == 404  # no route matched (a method /v2 lacks): Flask's shape, as Notify's
    else:
        assert isinstance(body, dict) and set(body) == {"status_code", "errors"}, body
        assert body["status_code"] == response.status_code, body
        assert isinstance(body["errors"], list) and body["errors"], body
        for error in body["errors"]:
            assert isinstance(error, dict), body
            assert isinstance(error.get("error"), str) and isinstance(error.get("message"), str), body
    return True


class FromAddress(HTTPAdapter):
    """Connections from one loopback address: the unauthenticated /v1 routes are limited per client IP."""

    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


# From the code's document, as the stack is not up at collection time; the served one is checked to match.
OPERATIONS = sorted(
    (method.upper(), path) for path, methods in openapi_document()["paths"].items() for method in methods
)
CALLS: Counter[str] = Counter()
STATUSES: defaultdict[str, Counter[int]] = defaultdict(Counter)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_answers_as_documented(
    method: str, path: str, fuzz_schema: BaseSchema, credentials: Credentials
) -> None:
    label = f"{method} {path}"
    operation = fuzz_schema[path][method]
    secured = bool(operation.definition.raw.get("security"))

    def check(case: Case[Any]) -> None:
        CALLS[label] += 1
        if secured:
            case.headers["Authorization"] = credentials.authorization(path)
        if CALLS[label] % 2:  # from the first (an example body, where the operation has one)
            credentials.known.fill(case, method, path)
        # Each request from a loopback address of its own: the unauthenticated /v1 routes are limited per IP.
        address = f"127.0.{10 + sum(CALLS.values()) // 250}.{1 + sum(CALLS.values()) % 250}"
        with session_from(address) as session:
            response = case.call_and_validate(
                session=session, checks=V1_CHECKS if is_v1(path) else CHECKS, additional_checks=[dialect_envelope]
            )
        STATUSES[label][response.status_code] += 1
        if secured:  # its credentials are never refused (a file's link refuses a wrong address 403, as it should)
            assert response.status_code not in (401, 403), response.text

    # What `schema.parametrize()` builds for each operation (its explicit examples, coverage and fuzzing
    # phases, seeded from the config), called directly: its lazy, fixture-loaded form needs pytest < 9.2.
    test = build_operation_test(
        config=fuzz_schema.config,
        operation=operation,
        test_func=check,
        given_kwargs={},
        feedback=FeedbackSources(),
    )
    test()
    assert CALLS[label] >= 1


def test_the_known_ids_reach_past_the_lookups(credentials: Credentials) -> None:
    """After the operations (file order): each whose path ids the run knows, or whose body names a template or a
    sender, was answered a success at least once, so its generated bodies reached the code behind the lookup."""
    expected = {
        label
        for method, path in OPERATIONS
        if (label := f"{method} {path}") in CALLS and _known_throughout(method, path, credentials.known)
    }
    succeeded = {label for label, statuses in STATUSES.items() if any(status < 300 for status in statuses)}
    assert expected, "no operation with known ids ran"
    assert sorted(expected - succeeded) == []


def _known_throughout(method: str, path: str, known: KnownIds) -> bool:
    names = set(_path_names(path))
    return set(known.in_path(method, path)) >= names and bool(names or known.in_body(method, path))


def test_the_served_document_is_the_one_fuzzed(fuzz_schema: BaseSchema) -> None:
    served = {(method.upper(), path) for path, item in fuzz_schema.raw_schema["paths"].items() for method in item}
    assert served == set(OPERATIONS)


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/v2/notifications", 400, {"errors": [{"error": "ValidationError", "message": "bad"}]}),
        ("/v2/notifications", 400, {"status_code": 404, "errors": [{"error": "E", "message": "m"}]}),
        ("/v2/notifications", 500, {"message": "Internal Server Error"}),
        ("/v2/notifications", 400, {"result": "error", "message": NOT_FOUND_URL}),  # legacy, but not a 404
        ("/admin/services", 404, {"result": "error", "message": NOT_FOUND_URL}),  # ours: always the envelope
        ("/v1/sms", 422, {"message": "bad", "code": "validation.failed"}),
        ("/v1/sms", 404, {"data": {"message": "sms was not found"}, "code": "sms.not.found"}),
        ("/", 405, "<html>Method Not Allowed</html>"),
    ],
)
def test_the_envelope_check_rejects_what_is_not_in_the_dialects_envelope(path: str, status: int, body: Any) -> None:
    text = body if isinstance(body, str) else json.dumps(body)
    response = SimpleNamespace(status_code=status, text=text, json=lambda: json.loads(text))
    case = SimpleNamespace(method="GET", operation=SimpleNamespace(path=path))
    with pytest.raises(AssertionError):
        dialect_envelope(None, response, case)  # type: ignore[arg-type]


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """One line per operation (requests sent, statuses answered) and the totals, for the README's figures."""
    started = time.monotonic()
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not CALLS:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for label in sorted(CALLS):
            statuses = ", ".join(f"{status}: {count}" for status, count in sorted(STATUSES[label].items()))
            reporter.write_line(f"fuzz {label}: {CALLS[label]} requests ({statuses})")
        reporter.write_line(
            f"fuzz: {len(CALLS)} operations, {sum(CALLS.values())} requests, {EXAMPLES} examples per operation "
            f"(+ explicit examples and coverage cases), seed {SEED}, {time.monotonic() - started:.0f} s"
        )
