"""Every route, every kind of broken body: always a 4xx in the dialect's envelope, never a 5xx."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import InProcessApi, SeededService
from tidings_local.stack import LocalStack

BODIES = [
    b"\xff\xfe\xfd",  # not UTF-8
    b"[" * 200_000 + b"]" * 200_000,  # nesting deeper than any parser should follow
    b"{" * 5_000,
    b"[1, 2]",
    b'"a string"',
    b"null",
    b"1e999999",
    json.dumps({"phone_number": 7, "template_id": [], "email_address": {}, "content": None}).encode(),
    json.dumps({"name": "\u0000\u202e\U0001f600" * 100}).encode(),
]


def routes(stack: LocalStack, service_id: str) -> list[tuple[str, str]]:
    found = []
    for function in stack.template.functions:
        for route in function.routes:
            if route.method in ("POST", "PUT") and route.path != "$default":
                path = route.path.replace("{service_id}", service_id)
                for name in ("template_id", "key_id", "token_id", "uuid", "number", "file_id"):
                    path = path.replace(f"{{{name}}}", "00000000-0000-4000-8000-000000000000")
                found.append((route.method, path))
    return found


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_broken_bodies_never_cause_a_5xx(
    api: InProcessApi, stack: LocalStack, service: SeededService, body: bytes
) -> None:
    token = api.admin("POST", f"/admin/services/{service.id}/access-tokens", {"name": "t"}).json()["data"]["token"]
    for method, path in routes(stack, service.id):
        if path.startswith("/admin"):
            headers = api.admin_headers()
        elif path.startswith("/v2"):
            headers = {"Authorization": api.v2_authorization(service.keys["normal"])}
        else:
            headers = {"Authorization": f"Bearer {token}"}
        reply = api.request(method, path, raw=body, headers=headers)
        assert 400 <= reply.status < 500, (method, path, reply.status, reply.body[:200])
        if path.startswith("/d/"):  # a file's link is for people: its refusals are HTML pages
            assert reply.headers["content-type"].startswith("text/html") and b"<h1>" in reply.body, path
            continue
        envelope = reply.json()
        assert "errors" in envelope or "code" in envelope, (method, path)
