"""Real /admin answers against the OpenAPI document's success schemas (tidings/api/admin/answers.py): every
route once, so a field a view drops, renames or retypes fails here. The fuzzer checks the same schemas."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import InProcessApi, Reply, SeededService, documented
from tests.integration.test_tenant_isolation import claim_inbound_number
from tidings_local.stack import LocalStack

S = "/admin/services/{service_id}"


def test_every_admin_success_matches_its_documented_schema(
    api: InProcessApi, stack: LocalStack, service: SeededService, templates: dict[str, str]
) -> None:
    base = f"/admin/services/{service.id}"
    created = documented(api.admin("POST", "/admin/services", {"name": "Schemas"}), "POST", "/admin/services", 201)
    assert created["data"]["restricted"] is True
    documented(api.admin("POST", base, {"rate_limit": 10}), "POST", S)
    key = documented(
        api.admin("POST", f"{base}/api-keys", {"name": "k", "key_type": "team"}), "POST", f"{S}/api-keys", 201
    )["data"]
    documented(api.admin("POST", f"{base}/api-keys/{key['id']}/revoke"), "POST", f"{S}/api-keys/{{key_id}}/revoke")
    template = {"name": "T", "type": "sms", "content": "Hi ((name))"}
    made = documented(api.admin("POST", f"{base}/templates", template), "POST", f"{S}/templates", 201)["data"]
    edit = api.admin("POST", f"{base}/templates/{made['id']}", {"content": "Hello"})
    documented(edit, "POST", f"{S}/templates/{{template_id}}")
    guests = {"phone_numbers": ["07700900123"], "email_addresses": ["team@example.gov.uk"]}
    documented(api.admin("POST", f"{base}/guest-list", guests), "POST", f"{S}/guest-list")
    sender = {"sms_sender": "Shop", "sms_live_time": 3, "test_mode": True}
    documented(api.admin("POST", f"{base}/sms-senders", sender), "POST", f"{S}/sms-senders", 201)
    reply_to = {"email_address": "reply@example.gov.uk"}
    documented(api.admin("POST", f"{base}/email-reply-to", reply_to), "POST", f"{S}/email-reply-to", 201)
    callback = {"type": "delivery_status", "url": "https://example.gov.uk/cb", "bearer_token": "b" * 12}
    documented(api.admin("POST", f"{base}/callbacks", callback), "POST", f"{S}/callbacks", 201)
    token = documented(api.admin("POST", f"{base}/access-tokens", {"name": "t"}), "POST", f"{S}/access-tokens", 201)[
        "data"
    ]
    revoke = api.admin("POST", f"{base}/access-tokens/{token['id']}/revoke")
    documented(revoke, "POST", f"{S}/access-tokens/{{token_id}}/revoke")
    number = claim_inbound_number(api, service.id)  # documented below, in the bundle and by the route itself
    stack.inject_inbound_sms("447700900999", number, "STOP")
    inbound = next(p for p in stack.pollers if p._spec.logical_id == "InboundSmsFunction")
    while inbound.poll_once():
        pass
    [opt_out] = documented(api.admin("GET", f"{base}/opt-outs"), "GET", f"{S}/opt-outs")["data"]
    send = {"phone_number": "07700900123", "template_id": templates["sms"], "personalisation": {"name": "Jo"}}
    sent = api.v2("POST", "/v2/notifications/sms", service.keys["normal"], send).json()
    support = api.admin("GET", f"{base}/notifications/{sent['id']}")
    documented(support, "GET", f"{S}/notifications/{{notification_id}}")
    bundle = documented(api.admin("GET", base), "GET", S)["data"]
    assert (bundle["opt_outs"], len(bundle["inbound_numbers"])) == ([opt_out["number"]], 1)
    assert {"callbacks", "access_tokens", "email_reply_to", "usage_today"} <= bundle.keys()
    assert bundle["usage_today"]["sms"] == 1
    removed = api.admin("DELETE", f"{base}/opt-outs/{opt_out['number']}")
    documented(removed, "DELETE", f"{S}/opt-outs/{{number}}")


def test_a_new_inbound_number_matches_its_documented_schema(api: InProcessApi, service: SeededService) -> None:
    added = api.admin("POST", f"/admin/services/{service.id}/inbound-numbers", {"number": "07700900777"})
    assert documented(added, "POST", f"{S}/inbound-numbers", 201)["data"]["number"] == "447700900777"


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        (f"{S}/api-keys/{{key_id}}/revoke", {"data": {"id": "k", "name": "n"}}),  # a dropped field
        (S, {"data": {"id": "x"}}),
        (f"{S}/opt-outs/{{number}}", {"data": {"number": "447700900123", "removed": "yes"}}),  # a retyped one
    ],
)
def test_a_wrong_answer_fails_the_check(path: str, answer: object) -> None:
    method = "DELETE" if "opt-outs" in path else ("GET" if path == S else "POST")
    with pytest.raises(AssertionError):
        documented(Reply(200, {}, json.dumps(answer).encode()), method, path)
