"""The /v1 acceptance checks of shared/spec/notifea-v1.md §5 over HTTP against `tidings local`.

Check 7 (an expired token) needs time to pass, so it runs in the integration tests with an injected clock.
"""

from __future__ import annotations

import http.client
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@dataclass(frozen=True)
class Account:
    url: str
    service_id: str
    token: str
    s1: str
    s2: str

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token or self.token}", "Accept": "application/json"}
        return requests.request(method, f"{self.url}{path}", json=body, headers=headers, timeout=30)


def new_account(stack: RunningStack, **service: Any) -> Account:
    admin = stack.admin()
    service_id = admin.create_service(name="Notifea account", restricted=False, **service)["id"]
    s1 = admin.create_sms_sender(service_id, sms_sender="S1", sms_live_time=30, test_mode=True)["id"]
    s2 = admin.create_sms_sender(service_id, sms_sender="S2", sms_live_time=30, test_mode=True)["id"]
    token = admin.call("POST", f"/admin/services/{service_id}/access-tokens", {"name": "T", "sms_sender_ids": [s1]})[
        "token"
    ]
    return Account(stack.url, service_id, token, s1, s2)


@pytest.fixture(scope="module")
def account(local_stack: RunningStack) -> Account:
    return new_account(local_stack)


def is_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code and isinstance(body["data"]["message"], str)
    assert isinstance(body["data"]["metadata"], list)
    assert response.headers["Content-Type"] == "application/json"
    return dict(body["data"])


def send(account: Account, **fields: Any) -> requests.Response:
    body = {"sms_sender_id": account.s1, "content": "Hi", "recipient": "+421902739429", **fields}
    return account.call("POST", "/v1/sms", {k: v for k, v in body.items() if v is not None})


def test_1_price_for_a_country(local_stack: RunningStack) -> None:
    body = requests.get(f"{local_stack.url}/v1/prices/sms?countryCode=SVK", timeout=10).json()
    assert body["code"] == "ok" and re.fullmatch(r"^\d+\.\d+$", body["data"]["value"])


def test_2_unknown_country(local_stack: RunningStack) -> None:
    data = is_error(
        requests.get(f"{local_stack.url}/v1/prices/sms?countryCode=XXX", timeout=10), 422, "sms.country.not.supported"
    )
    assert data["message"] == "Unable to send SMS to the given country." and "recipient" in data["metadata"]


def test_3_other_price_types(local_stack: RunningStack) -> None:
    response = requests.get(f"{local_stack.url}/v1/prices/email", timeout=10)
    assert 400 <= response.status_code < 500 and response.json()["code"] != "ok"


def test_4_supported_countries(local_stack: RunningStack) -> None:
    body = requests.get(f"{local_stack.url}/v1/prices/sms/supported-countries", timeout=10).json()
    assert body["code"] == "ok" and body["data"]["metadata"] == [] and body["data"]["data"]
    for country in body["data"]["data"]:
        assert isinstance(country["id"], int) and isinstance(country["nice_name"], str)
        assert re.fullmatch(r"^[A-Z]{3}$", country["iso3"])


def test_5_and_6_missing_and_non_jwt_authorization(local_stack: RunningStack) -> None:
    missing = is_error(requests.get(f"{local_stack.url}/v1/sms", timeout=10), 401, "unauthorized")
    assert missing["message"] == "Unauthorized"
    not_jwt = requests.get(f"{local_stack.url}/v1/sms", headers={"Authorization": "Bearer not-a-jwt"}, timeout=10)
    is_error(not_jwt, 422, "authorization.header.invalid.type")


def test_8_ip_not_whitelisted(local_stack: RunningStack, account: Account) -> None:
    admin = local_stack.admin()
    elsewhere = admin.call(
        "POST",
        f"/admin/services/{account.service_id}/access-tokens",
        {"name": "far", "allowed_ips": ["203.0.113.0/24"]},
    )
    is_error(account.call("GET", "/v1/sms", token=elsewhere["token"]), 403, "access.token.ip.not.whitelisted")
    here = admin.call(
        "POST", f"/admin/services/{account.service_id}/access-tokens", {"name": "near", "allowed_ips": ["127.0.0.0/8"]}
    )
    assert account.call("GET", "/v1/sms", token=here["token"]).status_code == 200


def test_9_10_15_send_read_and_delete_at(account: Account) -> None:
    response = send(account)
    assert response.status_code == 200 and response.json()["code"] == "ok"
    sms = response.json()["data"]
    assert uuid.UUID(sms["uuid"]) and (sms["recipient"], sms["content"]) == ("+421902739429", "Hi")
    assert isinstance(sms["result"], int) and sms["user_sms_sender"]["uuid"] == account.s1
    assert sms["country"]["nice_name"] == "Slovakia"
    assert TIMESTAMP.match(sms["created_at"]) and TIMESTAMP.match(sms["delete_at"])
    created, delete = (datetime.fromisoformat(sms[k].replace("Z", "+00:00")) for k in ("created_at", "delete_at"))
    assert (delete - created).total_seconds() == 30 * 86400
    again = account.call("GET", f"/v1/sms/{sms['uuid']}").json()["data"]
    assert again == sms


def test_11_a_sender_the_token_may_not_use(account: Account) -> None:
    is_error(send(account, sms_sender_id=account.s2), 422, "sms.sender.not.whitelisted")


@pytest.mark.parametrize("recipient", ["0902739429", "+abc"])
def test_12_unparsable_recipients(account: Account, recipient: str) -> None:
    data = is_error(send(account, recipient=recipient), 422, "recipient.not.valid")
    assert data["message"] == "We were unable to parse recipient number." and "recipient" in data["metadata"]


def test_13_an_unsupported_country(account: Account) -> None:
    data = is_error(send(account, recipient="+8501921234567"), 422, "sms.country.not.supported")
    assert data["message"] == "Unable to send SMS to the given country."


@pytest.mark.parametrize("missing", ["sms_sender_id", "content", "recipient"])
def test_14_missing_fields_are_named(account: Account, missing: str) -> None:
    body = {"sms_sender_id": account.s1, "content": "Hi", "recipient": "+421902739429"}
    del body[missing]
    assert missing in is_error(account.call("POST", "/v1/sms", body), 422, "validation.failed")["metadata"]


def test_14_empty_content(account: Account) -> None:
    is_error(send(account, content=""), 422, "content.not.valid")


def test_16_unknown_and_foreign_sms(local_stack: RunningStack, account: Account) -> None:
    data = is_error(account.call("GET", f"/v1/sms/{uuid.uuid4()}"), 404, "sms.not.found")
    assert data["message"] == "sms was not found"
    other = new_account(local_stack)
    theirs = send(other).json()["data"]["uuid"]
    is_error(account.call("GET", f"/v1/sms/{theirs}"), 404, "sms.not.found")


def test_17_to_19_pagination(local_stack: RunningStack) -> None:
    fresh = new_account(local_stack)
    for _ in range(3):
        send(fresh)
    page = fresh.call("GET", "/v1/sms?page=1&pageSize=2").json()["data"]
    created = [item["created_at"] for item in page["paginated_data"]]
    assert len(created) == 2 and created == sorted(created, reverse=True)
    meta = page["paginated_metadata"]
    assert set(meta) == {
        "current_page",
        "first_page_url",
        "from",
        "last_page",
        "last_page_url",
        "next_page_url",
        "path",
        "per_page",
        "prev_page_url",
        "to",
        "total",
    }
    assert (meta["current_page"], meta["per_page"], meta["from"], meta["to"], meta["total"], meta["last_page"]) == (
        1,
        2,
        1,
        2,
        3,
        2,
    )
    assert meta["prev_page_url"] is None and meta["next_page_url"].endswith("page=2")
    last = fresh.call("GET", "/v1/sms?page=2&pageSize=2").json()["data"]["paginated_metadata"]
    assert (last["from"], last["to"], last["next_page_url"]) == (3, 3, None)
    beyond = fresh.call("GET", "/v1/sms?page=99&pageSize=2").json()["data"]
    assert beyond["paginated_data"] == [] and (
        beyond["paginated_metadata"]["from"],
        beyond["paginated_metadata"]["to"],
    ) == (None, None)
    for bad in ("0", "101", "abc"):
        is_error(fresh.call("GET", f"/v1/sms?pageSize={bad}"), 422, "validation.failed")
    assert fresh.call("GET", "/v1/sms").json()["data"]["paginated_metadata"]["per_page"] == 10


def test_20_delete(account: Account) -> None:
    sms = send(account).json()["data"]["uuid"]
    deleted = account.call("DELETE", f"/v1/sms/{sms}")
    assert (deleted.status_code, deleted.json()) == (200, {"data": [], "code": "ok"})
    is_error(account.call("DELETE", f"/v1/sms/{sms}"), 404, "sms.not.found")
    is_error(account.call("GET", f"/v1/sms/{sms}"), 404, "sms.not.found")


def test_21_create_a_sender_with_string_numbers(account: Account) -> None:
    created = account.call(
        "POST", "/v1/user-sms-senders", {"sender_name": "Shop_1", "sms_live_time": 15, "test_mode": 1}
    ).json()["data"]
    assert (created["sms_live_time"], created["test_mode"]) == (15, 1)
    strings = account.call(
        "POST", "/v1/user-sms-senders", {"sender_name": "Shop_s", "sms_live_time": "15", "test_mode": "1"}
    ).json()["data"]
    assert (strings["sms_live_time"], strings["test_mode"]) == (15, 1)


@pytest.mark.parametrize(
    "body",
    [
        {"sender_name": "TwelveChars_"},
        {"sender_name": "has space"},
        {"sender_name": "bang!"},
        {"sender_name": "Zürich"},
        {"sender_name": "ok", "sms_live_time": 31},
        {"sender_name": "ok", "sms_live_time": -1},
        {"sender_name": "ok", "test_mode": 2},
        {},
    ],
)
def test_22_invalid_senders(account: Account, body: dict[str, Any]) -> None:
    is_error(account.call("POST", "/v1/user-sms-senders", body), 422, "validation.failed")


def test_23_names_are_unique(local_stack: RunningStack) -> None:
    fresh = new_account(local_stack)
    data = is_error(fresh.call("POST", "/v1/user-sms-senders", {"sender_name": "S1"}), 422, "sms.sender.already.exists")
    assert data["message"] == "SMS Sender with this name already exists"
    is_error(
        fresh.call("PUT", f"/v1/user-sms-senders/{fresh.s2}", {"sender_name": "S1", "sms_live_time": 1}),
        422,
        "sms.sender.already.exists",
    )


def test_24_update_and_a_zero_live_time(local_stack: RunningStack) -> None:
    fresh = new_account(local_stack)
    is_error(fresh.call("PUT", f"/v1/user-sms-senders/{fresh.s1}", {"sender_name": "Shop2"}), 422, "validation.failed")
    updated = fresh.call("PUT", f"/v1/user-sms-senders/{fresh.s1}", {"sender_name": "Shop2", "sms_live_time": 0})
    assert updated.status_code == 200
    shown = fresh.call("GET", f"/v1/user-sms-senders/{fresh.s1}").json()["data"]
    assert (shown["sender_name"], shown["sms_live_time"]) == ("Shop2", 0)
    sms = send(fresh).json()["data"]
    assert sms["delete_at"] == sms["created_at"]  # documented: shown for no time...
    is_error(fresh.call("GET", f"/v1/sms/{sms['uuid']}"), 404, "sms.not.found")  # ...so it cannot be read back


def test_25_unknown_senders(account: Account) -> None:
    missing = f"/v1/user-sms-senders/{uuid.uuid4()}"
    for method, body in (("GET", None), ("PUT", {"sender_name": "x", "sms_live_time": 1}), ("DELETE", None)):
        is_error(account.call(method, missing, body), 404, "user_sms_sender.not.found")


def test_26_and_27_list_and_delete_senders(local_stack: RunningStack) -> None:
    fresh = new_account(local_stack)
    listed = fresh.call("GET", "/v1/user-sms-senders").json()["data"]["paginated_data"]
    assert [s["uuid"] for s in listed] == [fresh.s2, fresh.s1]
    assert all(set(s) == {"uuid", "sender_name", "sms_live_time", "created_at", "test_mode"} for s in listed)
    assert fresh.call("DELETE", f"/v1/user-sms-senders/{fresh.s2}").json() == {"data": [], "code": "ok"}
    assert [s["uuid"] for s in fresh.call("GET", "/v1/user-sms-senders").json()["data"]["paginated_data"]] == [fresh.s1]
    is_error(fresh.call("GET", f"/v1/user-sms-senders/{fresh.s2}"), 404, "user_sms_sender.not.found")


def test_28_the_per_ip_limit(local_stack: RunningStack) -> None:
    fresh = new_account(local_stack)
    statuses = [fresh.call("GET", "/v1/user-sms-senders").status_code for _ in range(120)]
    limited = fresh.call("GET", "/v1/user-sms-senders")
    assert 429 not in statuses
    body = limited.json()
    assert (limited.status_code, body["code"], body["data"]["message"]) == (
        429,
        "too.many.attempts",
        "Too many attempts. Please try again in 1 minute.",
    )
    assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_28_unauthenticated_routes_are_limited_per_ip_too(local_stack: RunningStack) -> None:
    # From a loopback address of its own, so the other tests' unauthenticated calls do not share the count.
    parts = urlsplit(local_stack.url)
    statuses = []
    for _ in range(121):
        connection = http.client.HTTPConnection(
            parts.hostname or "", parts.port, source_address=("127.0.0.28", 0), timeout=10
        )
        connection.request("GET", "/v1")
        response = connection.getresponse()
        statuses.append((response.status, response.getheader("Retry-After"), json.loads(response.read())))
        connection.close()
    assert {status for status, _, _ in statuses[:120]} == {200}
    status, retry_after, body = statuses[120]
    assert (status, body["code"]) == (429, "too.many.attempts") and 1 <= int(retry_after or 0) <= 60


def test_29_status(local_stack: RunningStack) -> None:
    for path in ("/", "/v1"):
        body = requests.get(f"{local_stack.url}{path}", timeout=10).json()
        assert body == {"data": {"name": "Notifea API 1.0.0"}, "code": "ok"}


def test_30_unknown_routes_and_wrong_methods(local_stack: RunningStack) -> None:
    is_error(requests.get(f"{local_stack.url}/v1/nothing", timeout=10), 404, "route.not.found")
    is_error(requests.patch(f"{local_stack.url}/v1/sms", timeout=10), 405, "method.not.allowed")
    assert requests.get(f"{local_stack.url}/v1", timeout=10).headers["Content-Type"] == "application/json"


def test_docs_and_openapi(local_stack: RunningStack) -> None:
    from openapi_spec_validator import validate  # noqa: PLC0415

    document = requests.get(f"{local_stack.url}/docs/openapi.json", timeout=10).json()
    validate(document)
    page = requests.get(f"{local_stack.url}/docs", timeout=30)
    assert page.headers["Content-Type"].startswith("text/html") and "SwaggerUIBundle" in page.text
