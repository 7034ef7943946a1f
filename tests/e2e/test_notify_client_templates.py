"""Spec §12 checks 1-7 and 41-44 with the official GOV.UK Notify Python client, unchanged."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from notifications_python_client import NotificationsAPIClient

from tests.e2e.conftest import RunningStack, Seed, error_of
from tidings.api.notify_v2.errors import NOT_FOUND_URL
from tidings_local.lambda_runtime import RESPONSE_PAYLOAD_BYTES

pytestmark = pytest.mark.e2e


def client(stack: RunningStack, key: str) -> NotificationsAPIClient:
    return NotificationsAPIClient(key, base_url=stack.url)


def test_make_run_prints_working_demo_keys(local_stack: RunningStack) -> None:
    demo = local_stack.demo
    templates = client(local_stack, demo["keys"]["live"]).get_all_templates()["templates"]
    assert demo["templates"]["sms"] in [t["id"] for t in templates]
    for kind in ("team", "test"):
        assert client(local_stack, demo["keys"][kind]).get_all_templates()["templates"]


def test_1_all_templates_leave_out_archived(local_stack: RunningStack, seed: Seed) -> None:
    ids = [t["id"] for t in client(local_stack, seed.live).get_all_templates()["templates"]]
    assert {seed.sms_t, seed.email_t, seed.letter_t} <= set(ids)
    assert seed.arch_t not in ids


def test_2_wrong_secret(local_stack: RunningStack, seed: Seed) -> None:
    key = f"{seed.live[:-36]}{uuid.uuid4()}"
    assert error_of(client(local_stack, key).get_all_templates) == (
        403,
        [{"error": "AuthError", "message": "Invalid token: API key not found"}],
    )


def test_3_unknown_service(local_stack: RunningStack, seed: Seed) -> None:
    key = f"name-{uuid.uuid4()}-{uuid.uuid4()}"
    assert error_of(client(local_stack, key).get_all_templates)[1][0]["message"] == "Invalid token: service not found"


def test_4_service_id_not_a_uuid(local_stack: RunningStack, seed: Seed) -> None:
    key = f"name-{'x' * 36}-{uuid.uuid4()}"
    assert error_of(client(local_stack, key).get_all_templates) == (
        403,
        [{"error": "AuthError", "message": "Invalid token: service id is not the right data type"}],
    )


def test_5_revoked_key(local_stack: RunningStack, seed: Seed) -> None:
    assert error_of(client(local_stack, seed.revoked).get_all_templates) == (
        403,
        [{"error": "AuthError", "message": "Invalid token: API key revoked"}],
    )


@pytest.mark.parametrize("offset", [-60, 60])
def test_6_clock_skew(local_stack: RunningStack, seed: Seed, monkeypatch: pytest.MonkeyPatch, offset: int) -> None:
    monkeypatch.setattr("notifications_python_client.authentication.epoch_seconds", lambda: int(time.time()) + offset)
    assert error_of(client(local_stack, seed.live).get_all_templates) == (
        403,
        [{"error": "AuthError", "message": "Error: Your system clock must be accurate to within 30 seconds"}],
    )


def test_6_small_skew_is_fine(local_stack: RunningStack, seed: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("notifications_python_client.authentication.epoch_seconds", lambda: int(time.time()) - 20)
    assert client(local_stack, seed.live).get_all_templates()["templates"]


def test_7_missing_and_wrong_authorization_headers(local_stack: RunningStack) -> None:
    missing = requests.get(f"{local_stack.url}/v2/templates", timeout=10)
    assert missing.status_code == 401
    assert missing.json() == {
        "status_code": 401,
        "errors": [{"error": "AuthError", "message": "Unauthorized: authentication token must be provided"}],
    }
    basic = requests.get(f"{local_stack.url}/v2/templates", headers={"Authorization": "Basic abc"}, timeout=10)
    assert (basic.status_code, basic.json()["errors"][0]["message"]) == (
        401,
        "Unauthorized: authentication bearer scheme must be used",
    )
    garbage = requests.get(f"{local_stack.url}/v2/templates", headers={"Authorization": "Bearer x.y"}, timeout=10)
    assert garbage.status_code == 403 and garbage.json()["errors"][0]["message"].startswith("Invalid token: make sure")


def test_41_get_template(local_stack: RunningStack, seed: Seed) -> None:
    c = client(local_stack, seed.live)
    template = c.get_template(seed.sms_t)
    assert template["type"] == "sms" and template["subject"] is None and template["body"] == "Hello ((name))"
    assert template["personalisation"] == {"name": {"required": True}}
    assert isinstance(template["created_by"], str) and isinstance(template["version"], int)
    assert template["postage"] is None and template["letter_contact_block"] is None
    assert error_of(lambda: c.get_template("bad")) == (
        400,
        [{"error": "ValidationError", "message": "id is not a valid UUID"}],
    )
    assert error_of(lambda: c.get_template(str(uuid.uuid4()))) == (
        404,
        [{"error": "NoResultFound", "message": "No result found"}],
    )


def test_42_template_versions(local_stack: RunningStack, seed: Seed) -> None:
    c = client(local_stack, seed.live)
    assert c.get_template_version(seed.sms_t, 1)["version"] == 1
    assert error_of(lambda: c.get_template_version(seed.sms_t, 999))[0] == 404


def test_43_templates_by_type(local_stack: RunningStack, seed: Seed) -> None:
    c = client(local_stack, seed.live)
    assert {t["type"] for t in c.get_all_templates("sms")["templates"]} == {"sms"}
    assert error_of(lambda: c.get_all_templates("fax")) == (
        400,
        [{"error": "ValidationError", "message": "type fax is not one of [sms, email, letter]"}],
    )


def test_44_previews(local_stack: RunningStack, seed: Seed) -> None:
    c = client(local_stack, seed.live)
    email = c.post_template_preview(seed.email_t, {"name": "Jo", "items": ["x"]})
    assert "Dear Jo" in email["body"] and email["subject"] == "Hi Jo"
    assert isinstance(email["html"], str) and "<p" in email["html"]
    sms = c.post_template_preview(seed.sms_t, {"name": "Jo"})
    assert sms["html"] is None and sms["subject"] is None
    assert error_of(lambda: c.post_template_preview(seed.sms_t, {})) == (
        400,
        [{"error": "BadRequestError", "message": "Missing personalisation: name"}],
    )


def test_preview_status_is_200(local_stack: RunningStack, seed: Seed) -> None:
    from notifications_python_client.authentication import create_jwt_token  # noqa: PLC0415

    token = create_jwt_token(seed.live[-36:], seed.live[-73:-37])
    reply = requests.post(
        f"{local_stack.url}/v2/template/{seed.sms_t}/preview",
        json={"personalisation": {"name": "Jo"}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/json"


def test_unknown_routes_are_json_404s(local_stack: RunningStack) -> None:
    for path in ("/v2/nope", "/admin/nope", "/nope"):
        reply = requests.get(f"{local_stack.url}{path}", timeout=10)
        assert reply.status_code == 404 and reply.headers["Content-Type"] == "application/json"
    assert requests.get(f"{local_stack.url}/v2/nope", timeout=10).json() == {
        "result": "error",
        "message": NOT_FOUND_URL,
    }
    assert requests.get(f"{local_stack.url}/admin/nope", timeout=10).json()["status_code"] == 404
    assert requests.get(f"{local_stack.url}/_local/health", timeout=10).json() == {"status": "ok"}


def test_all_templates_of_a_service_past_one_lambda_answer_reach_the_official_client(local_stack: RunningStack) -> None:
    """Notify does not page GET /v2/templates: 23 templates near the 300,000-byte limit are 6.7 MB of JSON, past
    the 6 MB a Lambda answer holds (tidings local refuses a longer one, as Lambda does, and API Gateway answers
    500). The client takes gzip (requests asks for it), so they come gzipped, and it reads every one."""
    admin = local_stack.admin()
    service = admin.create_service(name="Many long templates", restricted=False)["id"]
    key = admin.create_api_key(service, "live", "normal")["key"]
    made = {}
    for number in range(23):
        lines = (f"Paragraph {number}.{line}: ((name)), your reference is {line * 7919}.\n" for line in range(5_000))
        content = "".join(lines)[:290_000].rstrip()  # as the template keeps it
        made[
            admin.create_template(service, name=f"Long {number}", type="email", subject="Hi", content=content)["id"]
        ] = content
    assert sum(len(body.encode()) for body in made.values()) > RESPONSE_PAYLOAD_BYTES  # ASCII: JSON is longer
    listed = client(local_stack, key).get_all_templates()["templates"]
    assert {t["id"]: t["body"] for t in listed} == made
