"""/v2 template routes through their handlers (spec checks 41-44), with auth and tenant isolation."""

from __future__ import annotations

import gzip
import json
import uuid

import pytest

from tests.integration.conftest import InProcessApi, SeededService
from tidings.api.notify_v2.errors import NOT_FOUND_URL


@pytest.fixture
def sms_template(api: InProcessApi, service: SeededService) -> str:
    reply = api.admin(
        "POST",
        f"/admin/services/{service.id}/templates",
        {"name": "SMS_T", "type": "sms", "content": "Hello ((name))"},
    )
    return str(reply.json()["data"]["id"])


def test_get_template(api: InProcessApi, service: SeededService, sms_template: str) -> None:
    reply = api.v2("GET", f"/v2/template/{sms_template}", service.keys["normal"])
    assert reply.status == 200 and reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert (body["type"], body["subject"], body["body"], body["version"]) == (
        "sms",
        None,
        "Hello ((name))",
        1,
    )
    assert body["personalisation"] == {"name": {"required": True}}
    assert (body["postage"], body["letter_contact_block"]) == (None, None)
    assert isinstance(body["created_by"], str)


def test_versions_are_kept(api: InProcessApi, service: SeededService, sms_template: str) -> None:
    edit = api.admin("POST", f"/admin/services/{service.id}/templates/{sms_template}", {"content": "Bye ((name))"})
    assert edit.json()["data"]["version"] == 2
    assert (
        api.v2("GET", f"/v2/template/{sms_template}/version/1", service.keys["test"]).json()["body"] == "Hello ((name))"
    )
    assert api.v2("GET", f"/v2/template/{sms_template}", service.keys["test"]).json()["version"] == 2
    assert api.v2("GET", f"/v2/template/{sms_template}/version/999", service.keys["test"]).status == 404
    not_a_number = api.v2("GET", f"/v2/template/{sms_template}/version/one", service.keys["test"])
    assert not_a_number.status == 404 and not_a_number.json()["message"] == NOT_FOUND_URL


@pytest.mark.parametrize("version", ["one", "-1", "1.0", "%C2%B2"])  # the last: "²", a digit int() refuses
def test_a_version_that_is_not_a_number_matches_no_route_so_is_404_before_authentication(
    api: InProcessApi, sms_template: str, version: str
) -> None:
    """Notify's route takes an integer version; a URL no route matches is Flask's 404, whoever asks (spec §2)."""
    answer = api.request("GET", f"/v2/template/{sms_template}/version/{version}")  # no Authorization header
    assert answer.status == 404
    assert answer.json() == {"result": "error", "message": NOT_FOUND_URL}  # Flask's shape, before any envelope


def test_list_and_filter(api: InProcessApi, service: SeededService, sms_template: str) -> None:
    api.admin(
        "POST",
        f"/admin/services/{service.id}/templates",
        {"name": "E", "type": "email", "subject": "s", "content": "c"},
    )
    archived = api.admin(
        "POST", f"/admin/services/{service.id}/templates", {"name": "A", "type": "sms", "content": "c"}
    ).json()["data"]["id"]
    api.admin("POST", f"/admin/services/{service.id}/templates/{archived}", {"archived": True})
    listed = api.v2("GET", "/v2/templates", service.keys["team"]).json()["templates"]
    assert [t["name"] for t in listed] == ["E", "SMS_T"]
    assert [t["type"] for t in api.v2("GET", "/v2/templates?type=sms", service.keys["team"]).json()["templates"]] == [
        "sms"
    ]
    # Archived templates can still be fetched by id.
    assert api.v2("GET", f"/v2/template/{archived}", service.keys["team"]).status == 200
    bad = api.v2("GET", "/v2/templates?colour=red", service.keys["team"])
    assert bad.json()["errors"] == [
        {
            "error": "ValidationError",
            "message": "Additional properties are not allowed (colour was unexpected)",
        }
    ]


def test_preview(api: InProcessApi, service: SeededService, sms_template: str) -> None:
    ok = api.v2(
        "POST",
        f"/v2/template/{sms_template}/preview",
        service.keys["normal"],
        {"personalisation": {"NAME": "Jo"}},
    )
    assert (ok.status, ok.json()["body"], ok.json()["html"], ok.json()["subject"]) == (
        200,
        "Hello Jo",
        None,
        None,
    )
    empty_body = api.v2("POST", f"/v2/template/{sms_template}/preview", service.keys["normal"])
    assert empty_body.json()["errors"] == [{"error": "BadRequestError", "message": "Missing personalisation: name"}]
    null = api.v2("POST", f"/v2/template/{sms_template}/preview", service.keys["normal"], {"personalisation": None})
    assert null.json()["errors"] == [
        {"error": "ValidationError", "message": "personalisation None is not of type object"}
    ]
    unknown = api.v2("POST", f"/v2/template/{uuid.uuid4()}/preview", service.keys["normal"], {})
    assert unknown.status == 404


@pytest.mark.parametrize("value", ["x" * 3_000_000, ["x"] * 70_000], ids=["3 MB", "a list of 70,000"])
def test_a_preview_no_answer_could_carry_is_a_400(api: InProcessApi, service: SeededService, value: object) -> None:
    """Body, HTML and subject together pass Lambda's 6 MB (API Gateway's 500): say so, as a send would."""
    fields = {"name": "E", "type": "email", "subject": "About ((name))", "content": "Dear ((name))"}
    template = api.admin("POST", f"/admin/services/{service.id}/templates", fields).json()["data"]["id"]
    reply = api.v2(
        "POST", f"/v2/template/{template}/preview", service.keys["normal"], {"personalisation": {"name": value}}
    )
    assert reply.status == 400
    [error] = reply.json()["errors"]
    assert error["error"] == "BadRequestError"
    assert error["message"].startswith(
        "Your message is too long to preview. It must be 6275172 bytes or fewer as JSON."
    )


def test_a_template_list_no_answer_could_carry_is_a_400_that_says_what_to_ask_for(
    api: InProcessApi, service: SeededService
) -> None:
    """Notify does not page GET /v2/templates. Past Lambda's 6 MB, API Gateway would answer 500; a caller that
    takes gzip (as the official clients do) gets it gzipped, and any other a 400 saying how to ask."""
    content = (
        "Annwyl ((name)), " + "Gŵyl “Ŷd” – €5. " * 11_000 + "Hwyl"
    )  # 286 KB of UTF-8, as long as a template may be
    names = [f"Long {n:02}" for n in range(17)]  # 4.9 MB of UTF-8, 6.5 MB in base64
    for name in names:
        fields = {"name": name, "type": "email", "subject": "About ((name))", "content": content}
        assert api.admin("POST", f"/admin/services/{service.id}/templates", fields).status == 201
    signed = {"Authorization": api.v2_authorization(service.keys["normal"])}
    plain = api.request("GET", "/v2/templates", headers=signed)
    assert plain.status == 400
    [error] = plain.json()["errors"]
    assert error["error"] == "BadRequestError"
    assert error["message"].startswith("Your templates are too long to list in one answer. It must be 6275172 bytes")
    assert error["message"].endswith(
        "(?type=sms, email or letter), or accept a gzipped answer (Accept-Encoding: gzip)."
    )
    gzipped = api.request("GET", "/v2/templates", headers={**signed, "Accept-Encoding": "gzip, deflate"})
    assert gzipped.status == 200 and gzipped.headers["content-encoding"] == "gzip"
    listed = json.loads(gzip.decompress(gzipped.body))["templates"]
    assert [(t["name"], t["body"]) for t in listed] == [(name, content) for name in names]
    assert api.request("GET", "/v2/templates?type=sms", headers=signed).json() == {"templates": []}


def test_another_services_template_does_not_exist(api: InProcessApi, service: SeededService, sms_template: str) -> None:
    other = api.admin("POST", "/admin/services", {"name": "Other"}).json()["data"]["id"]
    other_key = api.admin("POST", f"/admin/services/{other}/api-keys", {"name": "k", "key_type": "normal"}).json()[
        "data"
    ]["key"]
    for path in (f"/v2/template/{sms_template}", f"/v2/template/{sms_template}/version/1"):
        reply = api.v2("GET", path, other_key)
        assert (reply.status, reply.json()["errors"]) == (
            404,
            [{"error": "NoResultFound", "message": "No result found"}],
        )
    assert api.v2("GET", "/v2/templates", other_key).json() == {"templates": []}


def test_keys_work_at_once_and_revocation_is_immediate_here(api: InProcessApi, service: SeededService) -> None:
    # Given the service's bundle is cached by a first call
    assert api.v2("GET", "/v2/templates", service.keys["normal"]).status == 200
    # When a new key is created, Then it works straight away (a miss re-reads the bundle)
    created = api.admin("POST", f"/admin/services/{service.id}/api-keys", {"name": "new", "key_type": "normal"}).json()[
        "data"
    ]
    assert api.v2("GET", "/v2/templates", created["key"]).status == 200
    # When it is revoked, Then this container forgets its cached copy
    api.admin("POST", f"/admin/services/{service.id}/api-keys/{created['id']}/revoke")
    revoked = api.v2("GET", "/v2/templates", created["key"])
    assert (revoked.status, revoked.json()["errors"][0]["message"]) == (403, "Invalid token: API key revoked")


def test_unknown_routes_answer_json_404s(api: InProcessApi) -> None:
    v2 = api.request("GET", "/v2/nothing-here")
    assert (v2.status, v2.json()) == (404, {"result": "error", "message": NOT_FOUND_URL})
    assert NOT_FOUND_URL.endswith("If you entered the URL manually please check your spelling and try again.")
    admin = api.request("DELETE", "/admin/services")
    assert (admin.status, admin.json()["status_code"]) == (404, 404)
    elsewhere = api.request("GET", "/elsewhere")
    assert elsewhere.status == 404 and "message" in elsewhere.json()


@pytest.mark.parametrize("version", [str(2**31), "9" * 39, "9" * 4301])  # a 500 each: DynamoDB's, then int()'s
def test_a_version_beyond_any_integer_is_not_found(
    api: InProcessApi, service: SeededService, sms_template: str, version: str
) -> None:
    answer = api.v2("GET", f"/v2/template/{sms_template}/version/{version}", service.keys["test"])
    assert (answer.status, answer.json()["errors"]) == (404, [{"error": "NoResultFound", "message": "No result found"}])
