"""Real /v2 answers against the OpenAPI document's success schemas (tidings/api/notify_v2/answers.py): a field
a view drops, renames or retypes fails here, and the fuzzer checks the same schemas on whatever it is answered."""

from __future__ import annotations

import base64
import json

import pytest

from tests.integration.conftest import InProcessApi, Reply, SeededService, documented
from tests.integration.test_letters import client_pdf, send_letter


def test_every_v2_success_matches_its_documented_schema(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    letter_template: str,
) -> None:
    key = service.keys["normal"]
    to_sms = {"phone_number": "07700900123", "template_id": templates["sms"], "personalisation": {"name": "Jo"}}
    sms = documented(api.v2("POST", "/v2/notifications/sms", key, to_sms), "POST", "/v2/notifications/sms", 201)
    to_email = {
        "email_address": "team@example.gov.uk",
        "template_id": templates["email"],
        "personalisation": {"name": "Jo"},
    }
    email = documented(api.v2("POST", "/v2/notifications/email", key, to_email), "POST", "/v2/notifications/email", 201)
    letter = documented(send_letter(api, key, letter_template), "POST", "/v2/notifications/letter", 201)
    pdf = {"reference": "pdf-1", "content": base64.b64encode(client_pdf()).decode()}
    documented(api.v2("POST", "/v2/notifications/letter", key, pdf), "POST", "/v2/notifications/letter", 201)
    for notification in (sms, email, letter):
        path = f"/v2/notifications/{notification['id']}"
        documented(api.v2("GET", path, key), "GET", "/v2/notifications/{notification_id}")
    listed = documented(api.v2("GET", "/v2/notifications", key), "GET", "/v2/notifications")
    assert len(listed["notifications"]) >= 3
    for template in (templates["sms"], templates["email"], letter_template):
        documented(api.v2("GET", f"/v2/template/{template}", key), "GET", "/v2/template/{template_id}")
        versioned = "/v2/template/{template_id}/version/{version}"
        documented(api.v2("GET", f"/v2/template/{template}/version/1", key), "GET", versioned)
        preview = api.v2("POST", f"/v2/template/{template}/preview", key, {"personalisation": _anything()})
        documented(preview, "POST", "/v2/template/{template_id}/preview")
    assert len(documented(api.v2("GET", "/v2/templates", key), "GET", "/v2/templates")["templates"]) >= 3
    documented(api.v2("GET", "/v2/received-text-messages", key), "GET", "/v2/received-text-messages")


def test_a_wrong_answer_fails_the_documented() -> None:
    """The schemas are strict enough to catch a view that drops a field or changes its type."""
    with pytest.raises(AssertionError):
        documented(
            Reply(200, {}, json.dumps({"notifications": [{"id": "x"}], "links": {}}).encode()),
            "GET",
            "/v2/notifications",
        )


def _anything() -> dict[str, str]:
    return {"name": "Jo", "ref": "R1", "address_line_1": "A", "address_line_2": "B", "address_line_3": "SW1A 1AA"}
