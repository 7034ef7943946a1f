"""The emulator's pure parts: template reading, API Gateway routing, event shapes."""

from __future__ import annotations

import base64
import json

from tidings_local.http_events import HttpRequest, to_event, to_response
from tidings_local.routing import Router
from tidings_local.sam_template import SamTemplate
from tidings_local.stack import TEMPLATE

TEMPLATE_DOC = SamTemplate.load(TEMPLATE)


def test_every_function_has_code_and_a_trigger() -> None:
    for function in TEMPLATE_DOC.functions:
        assert (function.code_dir / "app.py").is_file(), function.logical_id
        assert function.routes or function.queues or function.schedules or function.streams, function.logical_id


def test_routes_prefer_literal_segments_and_fall_back_to_default() -> None:
    router = Router(TEMPLATE_DOC.functions)
    version = router.match("GET", "/v2/template/abc/version/2")
    assert version is not None
    assert (version.function.logical_id, version.path_parameters) == (
        "V2GetTemplateFunction",
        {"template_id": "abc", "version": "2"},
    )
    revoke = router.match("POST", "/admin/services/s1/api-keys/k1/revoke")
    assert revoke is not None and revoke.route_key == "POST /admin/services/{service_id}/api-keys/{key_id}/revoke"
    wrong_method = router.match("DELETE", "/v2/templates")
    assert wrong_method is not None and wrong_method.route_key == "$default"


def test_events_follow_payload_format_2() -> None:
    request = HttpRequest(
        method="POST",
        path="/v2/x",
        query="a=1&a=2&b=",
        headers=[("Host", "h:1"), ("X-Multi", "1"), ("X-Multi", "2"), ("Content-Type", "application/json")],
        body=b'{"k": 1}',
        source_ip="127.0.0.9",
    )
    event = to_event(request, "POST /v2/x", {})
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["headers"]["x-multi"] == "1,2"
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.9"
    assert (event["body"], event["isBase64Encoded"]) == ('{"k": 1}', False)


def test_binary_bodies_are_base64_and_responses_decode() -> None:
    request = HttpRequest("POST", "/x", "", [("Content-Type", "application/pdf")], b"%PDF\xff", "127.0.0.1")
    event = to_event(request, "$default", {})
    assert event["isBase64Encoded"] and base64.b64decode(event["body"]) == b"%PDF\xff"
    response = to_response({"statusCode": 200, "body": base64.b64encode(b"\x00").decode(), "isBase64Encoded": True})
    assert response.body == b"\x00"
    bare = to_response({"ok": True})
    assert (bare.status, json.loads(bare.body)) == (200, {"ok": True})
