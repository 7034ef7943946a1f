"""Behaviours a review against the Notify spec found different, each pinned as the spec has it."""

from __future__ import annotations

import json
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.integration.conftest import InProcessApi, SeededService, send_sms
from tests.integration.test_bad_input_edges import v2_errors

SEND_PATHS = ["/v2/notifications/sms", "/v2/notifications/email", "/v2/notifications/letter"]


@pytest.mark.parametrize("path", SEND_PATHS)
@pytest.mark.parametrize("raw", [b"", b"   \n"], ids=["empty", "blank"])
def test_a_send_without_a_body_is_invalid_json(
    api: InProcessApi, service: SeededService, path: str, raw: bytes
) -> None:
    """Notify parses every POST body with get_json(force=True): no body is bad JSON (spec §3), not a schema error."""
    headers = {"Authorization": api.v2_authorization(service.keys["normal"])}
    reply = api.request("POST", path, raw=raw, headers=headers)
    assert reply.status == 400
    assert v2_errors(reply) == [("BadRequestError", "Invalid JSON supplied in POST data")]


def test_a_body_with_a_utf8_byte_order_mark_is_parsed(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    body = {"phone_number": "07700900123", "template_id": templates["sms"], "personalisation": {"name": "Jo"}}
    headers = {"Authorization": api.v2_authorization(service.keys["normal"])}
    reply = api.request("POST", SEND_PATHS[0], raw=b"\xef\xbb\xbf" + json.dumps(body).encode(), headers=headers)
    assert reply.status == 201, reply.body


def test_the_next_link_puts_older_than_first(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    """The official clients page with the first UUID in `next`: a reference that is a UUID must come after it."""
    reference = str(uuid.uuid4())
    body = {"phone_number": "07700900123", "template_id": templates["sms"], "personalisation": {"name": "Jo"}}
    sent = api.v2("POST", SEND_PATHS[0], service.keys["normal"], {**body, "reference": reference}).json()
    listed = api.v2("GET", f"/v2/notifications?reference={reference}", service.keys["normal"]).json()
    next_link = urlsplit(listed["links"]["next"])
    assert parse_qsl(next_link.query) == [("older_than", sent["id"]), ("reference", reference)]


def test_include_jobs_takes_true_only(api: InProcessApi, service: SeededService, templates: dict[str, str]) -> None:
    """Spec §3.6: the official client never sends it, but Notify's schema allows `true` (or `True`) alone."""
    send_sms(api, service, templates)
    assert api.v2("GET", "/v2/notifications?include_jobs=true", service.keys["normal"]).status == 200
    refused = api.v2("GET", "/v2/notifications?include_jobs=yes", service.keys["normal"])
    assert (refused.status, v2_errors(refused)) == (
        400,
        [("ValidationError", "include_jobs yes is not one of [true, True]")],
    )


def test_received_texts_refuse_unknown_query_parameters(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    send_sms(api, service, templates)  # any service with a key will do
    reply = api.v2("GET", "/v2/received-text-messages?foo=bar", service.keys["normal"])
    assert reply.status == 400
    assert v2_errors(reply) == [("ValidationError", "Additional properties are not allowed (foo was unexpected)")]


def test_ids_in_any_form_a_uuid_reads_find_what_they_name(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    """Notify's Postgres reads upper case and unhyphenated UUIDs as the same id (spec §3.1: "a UUID")."""
    body = {"phone_number": "07700900123", "personalisation": {"name": "Jo"}}
    shouted = api.v2("POST", SEND_PATHS[0], service.keys["normal"], {**body, "template_id": templates["sms"].upper()})
    assert shouted.status == 201, shouted.body
    assert shouted.json()["template"]["id"] == templates["sms"]
    newer = send_sms(api, service, templates)
    plain = api.v2("GET", f"/v2/notifications?older_than={newer['id']}", service.keys["normal"]).json()
    compact = api.v2("GET", f"/v2/notifications?older_than={newer['id'].replace('-', '')}", service.keys["normal"])
    assert [n["id"] for n in compact.json()["notifications"]] == [n["id"] for n in plain["notifications"]]
    assert shouted.json()["id"] in [n["id"] for n in plain["notifications"]]


def test_a_repeated_query_parameter_counts_with_its_first_value(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    """Notify reads these queries with `request.args.to_dict()`, which keeps the first of repeated values."""
    key = service.keys["normal"]
    sms_first = api.v2("GET", "/v2/templates?type=sms&type=email", key)
    assert sms_first.status == 200, sms_first.body
    assert {t["type"] for t in sms_first.json()["templates"]} == {"sms"}
    valid_first = api.v2("GET", f"/v2/received-text-messages?older_than={uuid.uuid4()}&older_than=bad", key)
    assert valid_first.status == 200, valid_first.body
    invalid_first = api.v2("GET", f"/v2/received-text-messages?older_than=bad&older_than={uuid.uuid4()}", key)
    assert invalid_first.status == 400


def test_the_international_daily_limit_comes_before_the_length_check(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    """Spec §5.5 step 7: recipient rules, then the international SMS daily limit, then the length."""
    limited = {"international_sms_message_limit": 1, "permissions": ["sms", "email", "letter", "international_sms"]}
    assert api.admin("POST", f"/admin/services/{service.id}", limited).status == 200
    assert send_sms(api, service, templates, to="+12025550123")["id"]  # the day's one international SMS
    too_long = {"template_id": templates["sms"], "personalisation": {"name": "x" * 1000}}

    def send(to: str) -> tuple[int, list[tuple[str, str]]]:
        reply = api.v2("POST", SEND_PATHS[0], service.keys["normal"], {**too_long, "phone_number": to})
        return reply.status, v2_errors(reply)

    assert send("+12025550124") == (
        429,
        [("TooManyRequestsError", "Exceeded send limits (international_sms: 1) for today")],
    )
    status, errors = send("07700900123")  # a UK number is not held to it: its length is the answer
    assert status == 400 and errors[0][1].startswith("Your message is too long. Text messages cannot be longer")
