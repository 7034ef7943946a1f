"""The admin API through its handlers: success shapes, every route's bad input, auth, isolation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.conftest import InProcessApi, SeededService
from tidings import wiring
from tidings.adapters import aws
from tidings.api.admin import requests
from tidings.api.openapi import openapi_document
from tidings.domain.notifications import Notification


def test_a_service_round_trips_with_defaults(api: InProcessApi) -> None:
    created = api.admin("POST", "/admin/services", {"name": "Round trip", "sms_message_limit": 2})
    assert created.status == 201
    service = created.json()["data"]
    assert (service["restricted"], service["rate_limit"], service["sms_message_limit"]) == (True, 3000, 2)
    shown = api.admin("GET", f"/admin/services/{service['id']}").json()["data"]
    assert shown["name"] == "Round trip" and shown["api_keys"] == []
    updated = api.admin("POST", f"/admin/services/{service['id']}", {"restricted": False, "rate_limit": 6})
    assert (updated.status, updated.json()["data"]["restricted"], updated.json()["data"]["rate_limit"]) == (
        200,
        False,
        6,
    )


def test_keys_are_shown_once_and_listed_without_secrets(api: InProcessApi, service: SeededService) -> None:
    shown = api.admin("GET", f"/admin/services/{service.id}").json()["data"]
    assert sorted(k["key_type"] for k in shown["api_keys"]) == ["normal", "team", "test"]
    assert service.keys["normal"][-36:] not in str(shown)


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/admin/services", {}, "name Field required"),
        ("/admin/services", {"name": "x", "restricted": "yes"}, "restricted Input should be a valid boolean"),
        ("/admin/services", {"name": "x", "colour": "red"}, "colour Extra inputs are not permitted"),
        (
            "/admin/services",
            {"name": "x", "permissions": ["fax"]},
            "permissions.0 Input should be 'sms', 'email', 'letter', 'international_sms', 'inbound_sms', 'sms_to_uk_landlines' or 'international_letters'",
        ),
        (
            "{service}/api-keys",
            {"name": "k", "key_type": "admin"},
            "key_type Input should be 'normal', 'team' or 'test'",
        ),
        (
            "{service}/templates",
            {"name": "t", "type": "email", "content": "x"},
            "subject Required for email templates",
        ),
        ("{service}/guest-list", {"phone_numbers": ["123"]}, "phone_numbers.0 Not enough digits"),
        ("{service}", {"rate_limit": 10**40}, "rate_limit Input should be less than or equal to 1000000000000"),
        (
            "{service}",
            {"sms_message_limit": 10**40},
            "sms_message_limit Input should be less than or equal to 1000000000000",
        ),
        (
            "{service}/sms-senders",
            {"sms_sender": "Far too long a name"},
            "sms_sender Must be at most 11 letters, digits, - or _, or a phone number",
        ),
        (
            "{service}/sms-senders",
            {"sms_sender": "ok", "sms_live_time": 31},
            "sms_live_time Input should be less than or equal to 30",
        ),
        ("{service}/email-reply-to", {"email_address": "nope"}, "email_address Not a valid email address"),
        (
            "{service}/callbacks",
            {"type": "delivery_status", "url": "http://example.com", "bearer_token": "0123456789"},
            "url Must be a valid https URL",
        ),
        (
            "{service}/callbacks",
            {"type": "delivery_status", "url": "https://example.com", "bearer_token": "short"},
            "bearer_token String should have at least 10 characters",
        ),
        (  # sent in a header: a newline was stored, then printed whole (http.client's error) at every retry
            "{service}/callbacks",
            {"type": "delivery_status", "url": "https://example.com", "bearer_token": "0123456789\nX-Injected: 1"},
            "bearer_token Must be printable ASCII: letters, digits, symbols and spaces",
        ),
        (
            "{service}/callbacks",
            {"type": "delivery_status", "url": "https://example.com", "bearer_token": "jeton-sécurisé-0123"},
            "bearer_token Must be printable ASCII: letters, digits, symbols and spaces",
        ),
        (
            "{service}/access-tokens",
            {"name": "t", "allowed_ips": ["nope"]},
            "allowed_ips.0 nope is not a CIDR range",
        ),
        (  # a zone names an interface of the writer's machine, never a client's; 50 long ones were a 500
            "{service}/access-tokens",
            {"name": "t", "allowed_ips": ["fe80::1%eth0/128"]},
            "allowed_ips.0 fe80::1%eth0/128 is not a CIDR range",
        ),
        ("{service}/inbound-numbers", {"number": "abc"}, "number Must not contain letters or symbols"),
        # Found by a review of /admin: each was a 500, or passed and was silently dropped or mis-stored.
        (
            "{service}/access-tokens",
            {"name": "t", "expires_at": "9999-12-31T23:59:59-12:00"},  # the year 10000 in UTC: was a 500
            "expires_at Input should be within the years 1 to 9999 in UTC",
        ),
        (
            "{service}/templates",
            {"name": "t", "type": "email", "subject": "s", "content": "x" * 300_001},  # DynamoDB's error: a 500
            "content Templates cannot be longer than 300000 bytes; this is 300002",
        ),
        (
            "{service}/templates",
            {"name": "t", "type": "sms", "content": "x" * 919},
            "content Content has a character count greater than the limit of 918",
        ),
        ("{service}", {"retention_days": {"SMS": 30}}, "retention_days.SMS Extra inputs are not permitted"),
        ("{service}", {"name": None}, "name Input should not be null (leave the field out instead)"),
        (
            "/admin/services",
            {"name": "x", "rate_limit": None},
            "rate_limit Input should not be null (leave the field out instead)",
        ),
        (
            "{service}/callbacks",
            {"type": "delivery_status", "url": "https://example.com:99999/x", "bearer_token": "0123456789"},
            "url Must be a valid https URL",  # a port no client can use: every callback was retried to the DLQ
        ),
        (
            "{service}/callbacks",
            {"type": "delivery_status", "url": "https://user:pass@example.com/x", "bearer_token": "0123456789"},
            "url Must be a valid https URL",  # credentials belong in the bearer token, not in a URL shown back
        ),
        ("{service}/sms-senders", {"sms_sender": "S13", "webhook_url": " "}, "webhook_url Must be a valid https URL"),
        (
            "{service}/access-tokens",
            {"name": "t", "expires_at": "0001-01-01T00:30:00+01:00"},  # the year 0 in UTC
            "expires_at Input should be within the years 1 to 9999 in UTC",
        ),
        ("{service}", {"rate_limit": True}, "rate_limit Input should be a valid integer"),
        ("{service}", {"sms_message_limit": "5"}, "sms_message_limit Input should be a valid integer"),
        ("{service}", {"retention_days": {"sms": 7.0}}, "retention_days.sms Input should be a valid integer"),
    ],
)
def test_bad_input_is_a_400_in_the_v2_envelope(
    api: InProcessApi, service: SeededService, path: str, body: object, message: str
) -> None:
    reply = api.admin("POST", path.replace("{service}", f"/admin/services/{service.id}"), body)
    assert reply.status == 400, reply.body
    assert {"error": "ValidationError", "message": message} in reply.json()["errors"]
    assert reply.json()["status_code"] == 400


def test_invalid_json_is_a_400(api: InProcessApi) -> None:
    reply = api.request("POST", "/admin/services", raw=b"{nope", headers=api.admin_headers())
    assert (reply.status, reply.json()["errors"]) == (
        400,
        [{"error": "BadRequestError", "message": "Invalid JSON supplied in POST data"}],
    )


def test_unknown_services_and_keys_are_404(api: InProcessApi, service: SeededService) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    assert api.admin("GET", f"/admin/services/{missing}").status == 404
    assert api.admin("POST", f"/admin/services/{missing}/api-keys", {"name": "k", "key_type": "normal"}).status == 404
    assert api.admin("POST", f"/admin/services/{service.id}/api-keys/{missing}/revoke").status == 404


def test_admin_routes_need_the_admin_token(api: InProcessApi, service: SeededService) -> None:
    assert api.request("GET", f"/admin/services/{service.id}").status == 401
    api_key_token = api.v2("GET", f"/admin/services/{service.id}", service.keys["normal"])
    assert api_key_token.status == 403
    assert api_key_token.json()["errors"][0]["message"] == "Invalid token: iss must be tidings-admin"


def test_settings_routes_store_what_later_issues_use(api: InProcessApi, service: SeededService) -> None:
    base = f"/admin/services/{service.id}"
    number = api.admin("POST", f"{base}/inbound-numbers", {"number": "07700900456"})
    assert (number.status, number.json()["data"]["number"]) == (201, "447700900456")
    again = api.admin("POST", f"{base}/inbound-numbers", {"number": "+44 7700 900456"})  # a retry, in any form
    assert (again.status, again.json()) == (201, number.json())
    sender = api.admin(
        "POST",
        f"{base}/sms-senders",
        {"sms_sender": "Shop_1", "sms_live_time": 15, "test_mode": True, "inbound_number": "+447700900456"},
    )
    assert sender.status == 201 and sender.json()["data"]["sms_live_time"] == 15
    sender_id = sender.json()["data"]["id"]
    token = api.admin(
        "POST",
        f"{base}/access-tokens",
        {"name": "t", "allowed_ips": ["127.0.0.0/8"], "sms_sender_ids": [sender_id.upper().replace("-", "")]},
    )
    assert token.status == 201 and token.json()["data"]["token"].count(".") == 2
    assert token.json()["data"]["sms_sender_ids"] == [sender_id]  # any form a UUID reads names the sender
    callback = api.admin(
        "POST",
        f"{base}/callbacks",
        {"type": "inbound_sms", "url": "http://127.0.0.1:9/cb", "bearer_token": "0123456789"},
    )
    assert callback.status == 201  # loopback http is allowed because tidings local runs in local mode
    reply_to = api.admin("POST", f"{base}/email-reply-to", {"email_address": "help@example.gov.uk"})
    assert reply_to.status == 201 and reply_to.json()["data"]["is_default"] is True
    shown = api.admin("GET", base).json()["data"]
    assert shown["inbound_numbers"] == ["447700900456"]
    assert [c["type"] for c in shown["callbacks"]] == ["inbound_sms"]
    assert "0123456789" not in str(shown) and token.json()["data"]["token"] not in str(shown)
    taken = api.admin("POST", "/admin/services", {"name": "Other"}).json()["data"]["id"]
    conflict = api.admin("POST", f"/admin/services/{taken}/inbound-numbers", {"number": "07700900456"})
    assert conflict.status == 409
    posing = api.admin("POST", f"/admin/services/{taken}/sms-senders", {"sms_sender": "447700900456"})
    assert posing.status == 409  # its replies and STOPs would reach the number's owner
    assert posing.json()["errors"][0]["message"] == "Inbound number 447700900456 is already in use"
    own = api.admin("POST", f"{base}/sms-senders", {"sms_sender": "07700900456"})
    assert own.status == 201, own.body
    # The other way round: a number this service sends as does not become another's inbound number.
    assert api.admin("POST", f"{base}/sms-senders", {"sms_sender": "07700900789"}).status == 201
    sent_as = api.admin("POST", f"/admin/services/{taken}/inbound-numbers", {"number": "+447700900789"})
    assert sent_as.status == 409
    assert sent_as.json()["errors"][0]["message"] == "Inbound number 447700900789 is already in use"
    assert api.admin("POST", f"{base}/inbound-numbers", {"number": "07700900789"}).status == 201


def test_retention_days_change_per_channel_and_a_null_contact_link_clears_it(
    api: InProcessApi, service: SeededService
) -> None:
    base = f"/admin/services/{service.id}"
    api.admin("POST", base, {"retention_days": {"sms": 30, "email": 40, "letter": 50}, "contact_link": "https://x.gov"})
    changed = api.admin("POST", base, {"retention_days": {"email": 10}}).json()["data"]
    assert changed["retention_days"] == {"sms": 30, "email": 10, "letter": 50}
    assert api.admin("POST", base, {"contact_link": None}).json()["data"]["contact_link"] is None


def test_a_service_named_at_length_gets_an_email_from_an_explicit_one_could_be(api: InProcessApi) -> None:
    created = api.admin("POST", "/admin/services", {"name": "a" * 63 + " b" * 50}).json()["data"]
    assert created["email_from"] == "a" * 63  # 64 at most, and no dot at its end


def test_an_edit_through_an_id_in_upper_case_is_sent_at_once(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    """The editing container forgets the cached template under the id it saved, whatever form the path used."""
    template_id = templates["sms"]
    send = {"phone_number": "07700900123", "template_id": template_id, "personalisation": {"name": "A"}}
    assert api.v2("POST", "/v2/notifications/sms", service.keys["test"], send).status == 201  # now cached
    edit = api.admin("POST", f"/admin/services/{service.id}/templates/{template_id.upper()}", {"content": "Edited"})
    assert edit.status == 200
    sent = api.v2("POST", "/v2/notifications/sms", service.keys["test"], send).json()
    assert sent["content"]["body"] == "Edited"


def test_ids_in_any_form_a_uuid_reads_name_what_they_name(api: InProcessApi, service: SeededService) -> None:
    """As in /v2: upper case or no hyphens finds the service and its key; a number in a path is left as given."""
    shouted = service.id.upper()
    shown = api.admin("GET", f"/admin/services/{shouted}")
    assert (shown.status, shown.json()["data"]["id"]) == (200, service.id)
    key_id = next(k["id"] for k in shown.json()["data"]["api_keys"] if k["key_type"] == "team")
    revoked = api.admin("POST", f"/admin/services/{service.id.replace('-', '')}/api-keys/{key_id.upper()}/revoke")
    assert revoked.status == 200
    keys = api.admin("GET", f"/admin/services/{service.id}").json()["data"]["api_keys"]
    assert next(k for k in keys if k["id"] == key_id)["revoked_at"] is not None
    assert api.admin("GET", f"/admin/services/{shouted}/opt-outs").json() == {"data": []}
    number = "4" * 32  # as many digits as a UUID without hyphens, but not an id: looked up as given
    missing = api.admin("DELETE", f"/admin/services/{shouted}/opt-outs/{number}")
    assert (missing.status, missing.json()["errors"][0]["error"]) == (404, "NoResultFound")


def test_a_path_longer_than_any_id_names_nothing(api: InProcessApi, service: SeededService) -> None:
    """DynamoDB refuses keys over 2,048 bytes (a 500, though moto answers); no id or number we issue is longer
    than 128 characters, so such a path is a 404 without asking DynamoDB."""
    asked: list[str] = []
    client = aws.dynamodb()
    client.meta.events.register("before-call.dynamodb", lambda params, **_: asked.append(str(params)), "asked")
    try:
        for path in (f"/admin/services/{'a' * 3000}", f"/admin/services/{service.id}/opt-outs/{'4' * 3000}"):
            reply = api.admin("DELETE" if "opt-outs" in path else "GET", path)
            assert (reply.status, reply.json()["errors"][0]["error"]) == (404, "NoResultFound")
    finally:
        client.meta.events.unregister("before-call.dynamodb", unique_id="asked")
    assert not [body for body in asked if "a" * 3000 in body or "4" * 3000 in body]


def test_a_revoke_refuses_a_body_it_would_ignore(api: InProcessApi, service: SeededService) -> None:
    shown = api.admin("GET", f"/admin/services/{service.id}").json()["data"]
    key_id = next(k["id"] for k in shown["api_keys"] if k["key_type"] == "test")
    path = f"/admin/services/{service.id}/api-keys/{key_id}/revoke"
    refused = api.admin("POST", path, {"when": "tomorrow"})
    assert (refused.status, refused.json()["errors"][0]["message"]) == (400, "when Extra inputs are not permitted")
    garbage = api.request("POST", path, raw=b"garbage", headers=api.admin_headers())
    assert garbage.status == 400
    assert api.admin("GET", f"/admin/services/{service.id}").json()["data"]["api_keys"] == shown["api_keys"]
    assert api.admin("POST", path).status == 200  # no body: the revoke


def test_a_list_holds_each_thing_once(api: InProcessApi, service: SeededService) -> None:
    base = f"/admin/services/{service.id}"
    permissions = api.admin("POST", base, {"permissions": ["sms", "email", "sms"]}).json()["data"]["permissions"]
    assert permissions == ["sms", "email"]
    assert api.admin("POST", f"{base}/email-reply-to", {"email_address": "help@example.gov.uk"}).status == 201
    again = api.admin("POST", f"{base}/email-reply-to", {"email_address": "Help@Example.gov.uk"})
    assert (again.status, again.json()["errors"][0]["message"]) == (
        400,
        "Your service already uses ‘Help@Example.gov.uk’ as an email reply-to address.",
    )
    sender = api.admin("POST", f"{base}/sms-senders", {"sms_sender": "Once"}).json()["data"]["id"]
    token = api.admin("POST", f"{base}/access-tokens", {"name": "t", "sms_sender_ids": [sender, sender]}).json()
    assert token["data"]["sms_sender_ids"] == [sender]


def test_the_document_allows_null_only_where_a_null_empties_a_field(api: InProcessApi, service: SeededService) -> None:
    """The OpenAPI document is built from the request models, whose optional fields pydantic makes nullable;
    the handlers refuse null bar contact_link's, so the document must say so too."""
    schemas = openapi_document()["components"]["schemas"]
    admin = {name for name in dir(requests) if isinstance(getattr(requests, name), type)}
    nullable = {
        (model, field)
        for model, schema in schemas.items()
        if model in admin
        for field, property_schema in schema.get("properties", {}).items()
        if {"type": "null"} in property_schema.get("anyOf", [])
    }
    assert nullable == {("UpdateService", "contact_link")}
    assert schemas["CreateService"]["properties"]["restricted"] == {"title": "Restricted", "type": "boolean"}
    refused = api.admin("POST", f"/admin/services/{service.id}", {"restricted": None})
    assert refused.status == 400  # as documented


def test_no_two_services_send_from_one_address(api: InProcessApi) -> None:
    first = api.admin("POST", "/admin/services", {"name": "Owls", "email_from": f"owls.{uuid.uuid4().hex[:8]}"})
    address = first.json()["data"]["email_from"]
    taken = api.admin("POST", "/admin/services", {"name": "Other owls", "email_from": address})
    assert taken.status == 409
    assert taken.json()["errors"][0]["message"] == f"email_from {address} is already in use by another service"
    other = api.admin("POST", "/admin/services", {"name": "Other owls"}).json()["data"]
    moved = api.admin("POST", f"/admin/services/{other['id']}", {"email_from": address})
    assert moved.status == 409
    api.admin("POST", f"/admin/services/{first.json()['data']['id']}", {"email_from": f"{address}.old"})
    assert api.admin("POST", f"/admin/services/{other['id']}", {"email_from": address}).status == 200


def test_a_notification_past_its_retention_is_not_shown_to_admins_either(
    api: InProcessApi, service: SeededService
) -> None:
    """TTL deletes lazily, and not before 4 days (delete_after): every read filters expired items out."""
    now = datetime.now(UTC)
    fields: dict[str, Any] = {
        "service_id": service.id, "key_type": "normal", "type": "sms", "template_id": "t", "template_version": 1,
        "to": "07700900123", "normalised_to": "447700900123", "body": "Hi", "sender": "S", "created_at": now,
    }  # fmt: skip
    kept = Notification.model_validate({**fields, "id": str(uuid.uuid4()), "expires_at": now + timedelta(days=1)})
    gone = Notification.model_validate({**fields, "id": str(uuid.uuid4()), "expires_at": now - timedelta(seconds=1)})
    for n in (kept, gone):
        wiring.deps().notifications.put(n)
    base = f"/admin/services/{service.id}/notifications"
    assert api.admin("GET", f"{base}/{kept.id}").status == 200
    assert api.admin("GET", f"{base}/{gone.id}").status == 404
