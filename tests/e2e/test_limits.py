"""Limits over HTTP: spec checks 46-47 with the official client, headers, and exactness under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.authentication import create_jwt_token
from notifications_python_client.errors import HTTPError

from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def limited_service(stack: RunningStack, **limits: Any) -> tuple[dict[str, str], str]:
    admin = stack.admin()
    service = admin.create_service(name="Limited", restricted=False, **limits)["id"]
    keys = {kind: admin.create_api_key(service, kind, kind)["key"] for kind in ("normal", "team", "test")}
    admin.set_guest_list(service, ["07700900123"], [])
    template = admin.create_template(service, name="T", type="sms", content="Hi")["id"]
    return keys, template


def test_46_daily_limit(local_stack: RunningStack) -> None:
    keys, template = limited_service(local_stack, sms_message_limit=2)
    live = NotificationsAPIClient(keys["normal"], base_url=local_stack.url)
    live.send_sms_notification("07700900123", template)
    live.send_sms_notification("07700900123", template)
    with pytest.raises(HTTPError) as refused:
        live.send_sms_notification("07700900123", template)
    assert (refused.value.status_code, refused.value.message) == (
        429,
        [{"error": "TooManyRequestsError", "message": "Exceeded send limits (sms: 2) for today"}],
    )
    assert int(refused.value.response.headers["Retry-After"]) >= 1
    test = NotificationsAPIClient(keys["test"], base_url=local_stack.url)
    assert test.send_sms_notification("07700900123", template)["id"]


@pytest.mark.parametrize(("key_type", "name"), [("normal", "LIVE"), ("team", "TEAM")])
def test_47_rate_limit(local_stack: RunningStack, key_type: str, name: str) -> None:
    keys, template = limited_service(local_stack, rate_limit=6)
    client = NotificationsAPIClient(keys[key_type], base_url=local_stack.url)
    refusals = []
    for _ in range(20):  # the 7th within 60 s of the first is refused
        try:
            client.send_sms_notification("07700900123", template)
        except HTTPError as error:
            refusals.append(error)
            break
    assert refusals, "no 429 in a burst of 20"
    error = refusals[0]
    assert (error.status_code, error.message) == (
        429,
        [
            {
                "error": "RateLimitError",
                "message": f"Exceeded rate limit for key type {name} of 6 requests per 60 seconds",
            }
        ],
    )
    headers = error.response.headers
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert (headers["RateLimit-Limit"], headers["RateLimit-Remaining"]) == ("6", "0")


def test_concurrent_senders_get_exactly_the_limit(local_stack: RunningStack) -> None:
    keys, template = limited_service(local_stack, sms_message_limit=20, rate_limit=10_000)
    key = keys["normal"]

    def send(_: int) -> requests.Response:
        token = create_jwt_token(key[-36:], key[-73:-37])
        return requests.post(
            f"{local_stack.url}/v2/notifications/sms",
            json={"phone_number": "07700900123", "template_id": template},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(send, range(40)))
    statuses = sorted(r.status_code for r in replies)
    assert statuses == [201] * 20 + [429] * 20
    assert all(int(r.headers["Retry-After"]) >= 1 for r in replies if r.status_code == 429)
    assert all("RateLimit-Remaining" in r.headers for r in replies)
