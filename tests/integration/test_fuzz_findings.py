"""What the schemathesis run (tests/e2e/test_fuzz_openapi.py) found, each reproduced without schemathesis."""

from __future__ import annotations

import uuid

import pytest
from openapi_spec_validator import validate

from tests.integration.conftest import InProcessApi, SeededService
from tidings.api.openapi import openapi_document


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/", "GET"),
        ("PUT", "/v1", "GET"),
        ("PATCH", "/v1/sms", "GET, POST"),
        ("POST", "/v1/sms/not-a-uuid", "DELETE, GET"),
        ("POST", "/v1/user-sms-senders/x", "DELETE, GET, PUT"),
        ("DELETE", "/v1/prices/sms/supported-countries", "GET"),
    ],
)
def test_a_v1_405_names_the_methods_its_path_answers_to(api: InProcessApi, method: str, path: str, allow: str) -> None:
    # RFC 9110 §15.5.6: a 405 MUST carry Allow. It had none (schemathesis: "405 without required Allow header").
    reply = api.request(method, path)
    assert (reply.status, reply.json()["code"]) == (405, "method.not.allowed")
    assert reply.headers["allow"] == allow


def test_an_unknown_v1_path_is_a_404_without_allow(api: InProcessApi) -> None:
    reply = api.request("GET", "/v1/nothing")
    assert (reply.status, reply.json()["code"]) == (404, "route.not.found")
    assert "allow" not in reply.headers


def test_the_document_types_the_v2_path_parameters_as_the_api_checks_them(
    api: InProcessApi, service: SeededService
) -> None:
    # The document said any string; /v2 answers 400 for an id that is no UUID and 404 for a version of no digits.
    document = openapi_document()
    validate(document)
    parameters = {
        parameter["name"]: parameter["schema"]
        for item in document["paths"].values()
        for operation in item.values()
        for parameter in operation["parameters"]
        if parameter["in"] == "path"
    }
    assert parameters["notification_id"] == parameters["template_id"] == {"type": "string", "format": "uuid"}
    assert parameters["version"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}  # Notify's Postgres int
    assert parameters["uuid"] == {"type": "string"}  # /v1: an id that is no UUID is simply not found
    key = service.keys["normal"]
    assert api.v2("GET", "/v2/notifications/not-a-uuid", key).status == 400
    assert api.v2("GET", f"/v2/notifications/{uuid.uuid4()}", key).status == 404
    assert api.v2("GET", "/v2/template/not-a-uuid", key).status == 400
    assert api.v2("GET", f"/v2/template/{uuid.uuid4()}/version/x", key).status == 404
    assert api.v2("GET", f"/v2/template/{uuid.uuid4()}/version/0", key).json()["errors"][0]["error"] == "NoResultFound"
