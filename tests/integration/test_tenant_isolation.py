"""Tenant isolation: service A naming service B's ids gets exactly what A gets for ids that do not exist.

Every route in template.yaml with a path parameter is either probed here (PROBES) or excluded with its reason
(EXCLUDED), so a new route cannot be left out silently. For each probe, A's credentials are sent once with B's id
and once with a random id: status and body must be the same apart from the id itself, and B's thing must be
unchanged afterwards (as B sees it). Lists never show B's items.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.conftest import InProcessApi, Reply, empty_queue, seed_service
from tidings_local.stack import LocalStack

ID = "<id>"


@dataclass(frozen=True)
class Tenant:
    service_id: str
    key: str  # /v2 API key (live)
    token: str  # /v1 access token
    key_id: str
    token_id: str
    sms_template: str
    email_template: str
    notification: str  # a /v2 SMS
    letter: str  # a /v2 letter (its PDF is what GET …/pdf would answer)
    sms: str  # a /v1 SMS
    sender: str  # a /v1 user-sms-sender (also a /v2 sms_sender_id)
    reply_to: str
    inbound: str  # a received text
    opted_out: str  # a number that texted STOP, as stored (digits)


_numbers = itertools.count(500)


def phone() -> str:
    """A UK mobile in the drama range, never the same twice in this module (inbound numbers retry on 409)."""
    return f"07700900{next(_numbers) % 1000:03d}"


def unused_opt_out() -> str:
    """A number outside the range `phone()` uses, so no tenant here has it opted out."""
    return f"447700901{next(_numbers) % 1000:03d}"


def created(reply: Reply) -> Any:
    assert reply.status in (200, 201), reply.body
    return reply.json()


def v1_headers(tenant: Tenant) -> dict[str, str]:
    return {"Authorization": f"Bearer {tenant.token}"}


def claim_inbound_number(api: InProcessApi, service_id: str) -> str:
    for _ in range(20):
        number = phone()
        reply = api.admin("POST", f"/admin/services/{service_id}/inbound-numbers", {"number": number})
        if reply.status == 201:
            return number
        assert reply.status == 409, reply.body  # another service owns it: try another
    raise AssertionError("no free inbound number")


def make_tenant(api: InProcessApi, stack: LocalStack, name: str) -> Tenant:
    seeded = seed_service(api, name, ("normal",))
    base, key = f"/admin/services/{seeded.id}", seeded.keys["normal"]
    [key_record] = created(api.admin("GET", base))["data"]["api_keys"]
    token = created(api.admin("POST", f"{base}/access-tokens", {"name": "t"}))["data"]
    sms_template = created(api.admin("POST", f"{base}/templates", {"name": "S", "type": "sms", "content": "Hi"}))
    email_template = created(
        api.admin("POST", f"{base}/templates", {"name": "E", "type": "email", "subject": "S", "content": "Hi"})
    )
    reply_to = created(api.admin("POST", f"{base}/email-reply-to", {"email_address": "help@example.gov.uk"}))
    v1 = {"Authorization": f"Bearer {token['token']}"}
    sender = created(api.request("POST", "/v1/user-sms-senders", {"sender_name": "Shop"}, v1))["data"]["uuid"]
    body = {"sms_sender_id": sender, "content": "Hi", "recipient": "+447700900123"}
    sms = created(api.request("POST", "/v1/sms", body, v1))["data"]["uuid"]
    notification = created(
        api.v2(
            "POST",
            "/v2/notifications/sms",
            key,
            {"phone_number": "07700900123", "template_id": sms_template["data"]["id"]},
        )
    )["id"]
    letter_template = created(
        api.admin(
            "POST", f"{base}/templates", {"name": "L", "type": "letter", "subject": "S", "content": "Dear ((name))"}
        )
    )["data"]["id"]
    address = {"address_line_1": "A Person", "address_line_2": "1 High St", "address_line_3": "SW1A 1AA"}
    letter = created(
        api.v2(
            "POST",
            "/v2/notifications/letter",
            key,
            {"template_id": letter_template, "personalisation": {**address, "name": "Jo"}},
        )
    )["id"]
    number = claim_inbound_number(api, seeded.id)
    stopper = phone()
    stack.inject_inbound_sms(phone(), number, "Hello")
    stack.inject_inbound_sms(stopper, number, "STOP")
    inbound_poller = next(p for p in stack.pollers if p._spec.logical_id == "InboundSmsFunction")
    while inbound_poller.poll_once():
        pass
    [text] = [
        t
        for t in created(api.v2("GET", "/v2/received-text-messages", key))["received_text_messages"]
        if t["content"] == "Hello"
    ]
    [opted_out] = created(api.admin("GET", f"{base}/opt-outs"))["data"]
    return Tenant(
        service_id=seeded.id,
        key=key,
        token=token["token"],
        key_id=key_record["id"],
        token_id=token["id"],
        sms_template=sms_template["data"]["id"],
        email_template=email_template["data"]["id"],
        notification=notification,
        letter=letter,
        sms=sms,
        sender=sender,
        reply_to=reply_to["data"]["id"],
        inbound=text["id"],
        opted_out=opted_out["number"],
    )


@dataclass(frozen=True)
class Pair:
    a: Tenant  # the caller
    b: Tenant  # the other tenant, whose ids A names


@pytest.fixture(scope="module")
def pair(api: InProcessApi, stack: LocalStack) -> Iterator[Pair]:
    yield Pair(make_tenant(api, stack, "Tenant A"), make_tenant(api, stack, "Tenant B"))
    empty_queue(stack)  # what the tenants sent must not reach later tests' dispatchers


def call(api: InProcessApi, dialect: str, caller: Tenant, method: str, path: str, body: Any = None) -> Reply:
    """`caller`'s request in `dialect` (admin requests act on whatever service the path names)."""
    if dialect == "v2":
        return api.v2(method, path, caller.key, body)
    if dialect == "v1":
        return api.request(method, path, body, v1_headers(caller))
    return api.admin(method, path, body)


def answer(reply: Reply, ids: list[str]) -> tuple[int, str]:
    """Status and body with the probed id blanked out (so B's id and a random one compare equal)."""
    text = reply.body.decode()
    for value in ids:
        text = text.replace(value, ID)
    return reply.status, text


# ------------------------------------------------------------------------------------------- ids in the path


@dataclass(frozen=True)
class Probe:
    dialect: str  # whose credentials of A are used: v2, v1 or admin
    params: Callable[[Pair], dict[str, str]]  # the path parameters: A's own service, B's thing
    target: str  # the parameter that holds B's id
    witness: Callable[[InProcessApi, Tenant], Reply]  # B's own view of that thing: must not change
    body: Any = None
    random_id: Callable[[], str] = lambda: str(uuid.uuid4())


def v2_get(path: str) -> Callable[[InProcessApi, Tenant], Reply]:
    return lambda api, b: api.v2("GET", path.format(b=b), b.key)


def v1_get(path: str) -> Callable[[InProcessApi, Tenant], Reply]:
    return lambda api, b: api.request("GET", path.format(b=b), headers=v1_headers(b))


def admin_get(path: str) -> Callable[[InProcessApi, Tenant], Reply]:
    return lambda api, b: api.admin("GET", path.format(b=b))


PROBES: dict[tuple[str, str], Probe] = {
    ("GET", "/v2/notifications/{notification_id}"): Probe(
        "v2",
        lambda p: {"notification_id": p.b.notification},
        "notification_id",
        v2_get("/v2/notifications/{b.notification}"),
    ),
    ("GET", "/v2/notifications/{notification_id}/pdf"): Probe(
        "v2", lambda p: {"notification_id": p.b.letter}, "notification_id", v2_get("/v2/notifications/{b.letter}")
    ),
    ("GET", "/v2/template/{template_id}"): Probe(
        "v2", lambda p: {"template_id": p.b.sms_template}, "template_id", v2_get("/v2/template/{b.sms_template}")
    ),
    ("GET", "/v2/template/{template_id}/version/{version}"): Probe(
        "v2",
        lambda p: {"template_id": p.b.sms_template, "version": "1"},
        "template_id",
        v2_get("/v2/template/{b.sms_template}/version/1"),
    ),
    ("POST", "/v2/template/{template_id}/preview"): Probe(
        "v2",
        lambda p: {"template_id": p.b.sms_template},
        "template_id",
        v2_get("/v2/template/{b.sms_template}"),
        body={"personalisation": {"name": "Jo"}},
    ),
    ("GET", "/v1/sms/{uuid}"): Probe("v1", lambda p: {"uuid": p.b.sms}, "uuid", v1_get("/v1/sms/{b.sms}")),
    ("DELETE", "/v1/sms/{uuid}"): Probe("v1", lambda p: {"uuid": p.b.sms}, "uuid", v1_get("/v1/sms/{b.sms}")),
    ("GET", "/v1/user-sms-senders/{uuid}"): Probe(
        "v1", lambda p: {"uuid": p.b.sender}, "uuid", v1_get("/v1/user-sms-senders/{b.sender}")
    ),
    ("PUT", "/v1/user-sms-senders/{uuid}"): Probe(
        "v1",
        lambda p: {"uuid": p.b.sender},
        "uuid",
        v1_get("/v1/user-sms-senders/{b.sender}"),
        body={"sender_name": "Hijacked", "sms_live_time": 1},
    ),
    ("DELETE", "/v1/user-sms-senders/{uuid}"): Probe(
        "v1", lambda p: {"uuid": p.b.sender}, "uuid", v1_get("/v1/user-sms-senders/{b.sender}")
    ),
    # /admin is not a tenant (the admin token manages every service), but an id of B's under A's service
    # path must not reach B's thing: A's service simply does not have it.
    ("GET", "/admin/services/{service_id}/notifications/{notification_id}"): Probe(
        "admin",
        lambda p: {"service_id": p.a.service_id, "notification_id": p.b.notification},
        "notification_id",
        admin_get("/admin/services/{b.service_id}/notifications/{b.notification}"),
    ),
    ("POST", "/admin/services/{service_id}/api-keys/{key_id}/revoke"): Probe(
        "admin",
        lambda p: {"service_id": p.a.service_id, "key_id": p.b.key_id},
        "key_id",
        v2_get("/v2/templates"),  # B's key still works
    ),
    ("POST", "/admin/services/{service_id}/templates/{template_id}"): Probe(
        "admin",
        lambda p: {"service_id": p.a.service_id, "template_id": p.b.sms_template},
        "template_id",
        v2_get("/v2/template/{b.sms_template}"),
        body={"name": "Hijacked", "content": "Hijacked"},
    ),
    ("POST", "/admin/services/{service_id}/access-tokens/{token_id}/revoke"): Probe(
        "admin",
        lambda p: {"service_id": p.a.service_id, "token_id": p.b.token_id},
        "token_id",
        v1_get("/v1/user-sms-senders"),  # B's token still works
    ),
    ("DELETE", "/admin/services/{service_id}/opt-outs/{number}"): Probe(
        "admin",
        lambda p: {"service_id": p.a.service_id, "number": p.b.opted_out},
        "number",
        admin_get("/admin/services/{b.service_id}/opt-outs"),
        random_id=unused_opt_out,
    ),
}

EXCLUDED: dict[tuple[str, str], str] = {
    # The path parameter is the service itself: /admin is the operator's API, not a tenant's, and its token
    # may act on every service. Nothing of another service can be named through these.
    ("GET", "/admin/services/{service_id}"): "service_id is the scope itself",
    ("POST", "/admin/services/{service_id}"): "service_id is the scope itself",
    ("POST", "/admin/services/{service_id}/api-keys"): "service_id is the scope itself",
    ("POST", "/admin/services/{service_id}/templates"): "service_id is the scope itself",
    ("POST", "/admin/services/{service_id}/guest-list"): "service_id is the scope itself",
    ("POST", "/admin/services/{service_id}/sms-senders"): "service_id is the scope itself",
    ("POST", "/admin/services/{service_id}/email-reply-to"): "service_id is the scope itself",
    ("POST", "/admin/services/{service_id}/callbacks"): "service_id is the scope itself",
    # Its body may name senders: another service's is refused (test_auth_attacks.py).
    ("POST", "/admin/services/{service_id}/access-tokens"): "service_id is the scope itself",
    # Another service's number answers 409 by design (README): numbers are global, not per tenant.
    ("POST", "/admin/services/{service_id}/inbound-numbers"): "service_id is the scope itself",
    ("GET", "/admin/services/{service_id}/opt-outs"): "a list: test_lists_never_show_the_other_tenant",
    # A file's link carries no credentials but its key: B's file (with its key) under A's service path answers
    # the very page a random id does, and B's link still works (test_documents.py, test_notify_client_files.py).
    ("GET", "/d/{service_id}/{file_id}"): "probed in test_documents.py: no API credentials to send",
    ("POST", "/d/{service_id}/{file_id}"): "probed in test_documents.py: no API credentials to send",
    # Public price list: {type} is `sms`, no tenant data.
    ("GET", "/v1/prices/{type}"): "public, not tenant data",
}

# Routes that do not exist yet. When one is added to template.yaml, test_every_route_with_an_id_is_probed
# fails until it gets a probe above.
PLANNED: dict[tuple[str, str], str] = {}


def fill(path: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        path = path.replace(f"{{{name}}}", value)
    assert "{" not in path, path
    return path


def routes_with_ids(stack: LocalStack) -> set[tuple[str, str]]:
    return {
        (route.method, route.path)
        for function in stack.template.functions
        for route in function.routes
        if "{" in route.path
    }


def test_every_route_with_an_id_is_probed_or_excluded(stack: LocalStack) -> None:
    routes = routes_with_ids(stack)
    assert routes - set(PROBES) - set(EXCLUDED) == set(), "add a probe (or an exclusion with its reason)"
    assert (set(PROBES) | set(EXCLUDED)) - routes == set(), "a probed or excluded route no longer exists"
    assert routes & set(PLANNED) == set(), "a planned route now exists: move it to PROBES"


@pytest.mark.parametrize("route", list(PROBES), ids=[f"{method} {path}" for method, path in PROBES])
def test_another_tenants_id_answers_as_an_unknown_id(api: InProcessApi, pair: Pair, route: tuple[str, str]) -> None:
    method, template = route
    probe = PROBES[route]
    params = probe.params(pair)
    foreign, unknown = params[probe.target], probe.random_id()
    before = probe.witness(api, pair.b)
    assert before.status == 200, before.body  # B's thing exists, and B can see it
    as_foreign = call(api, probe.dialect, pair.a, method, fill(template, params), probe.body)
    as_unknown = call(api, probe.dialect, pair.a, method, fill(template, {**params, probe.target: unknown}), probe.body)
    assert 400 <= as_foreign.status < 500, as_foreign.body
    assert answer(as_foreign, [foreign]) == answer(as_unknown, [unknown])
    after = probe.witness(api, pair.b)
    assert (after.status, after.json()) == (before.status, before.json())


# ------------------------------------------------------------------------------ ids in bodies and queries


@dataclass(frozen=True)
class BodyProbe:
    dialect: str
    method: str
    path: Callable[[str], str]  # given the id
    body: Callable[[Pair, str], Any]  # given the pair and the id
    foreign: Callable[[Pair], str]


BODY_PROBES: dict[str, BodyProbe] = {
    "v2 send with B's sms template": BodyProbe(
        "v2",
        "POST",
        lambda _: "/v2/notifications/sms",
        lambda p, i: {"phone_number": "07700900123", "template_id": i},
        lambda p: p.b.sms_template,
    ),
    "v2 send with B's email template": BodyProbe(
        "v2",
        "POST",
        lambda _: "/v2/notifications/email",
        lambda p, i: {"email_address": "team@example.gov.uk", "template_id": i},
        lambda p: p.b.email_template,
    ),
    "v2 send with B's sms sender": BodyProbe(
        "v2",
        "POST",
        lambda _: "/v2/notifications/sms",
        lambda p, i: {"phone_number": "07700900123", "template_id": p.a.sms_template, "sms_sender_id": i},
        lambda p: p.b.sender,
    ),
    "v2 send with B's reply-to": BodyProbe(
        "v2",
        "POST",
        lambda _: "/v2/notifications/email",
        lambda p, i: {
            "email_address": "team@example.gov.uk",
            "template_id": p.a.email_template,
            "email_reply_to_id": i,
        },
        lambda p: p.b.reply_to,
    ),
    "v2 notifications older than B's": BodyProbe(
        "v2", "GET", lambda i: f"/v2/notifications?older_than={i}", lambda p, i: None, lambda p: p.b.notification
    ),
    "v2 received texts older than B's": BodyProbe(
        "v2", "GET", lambda i: f"/v2/received-text-messages?older_than={i}", lambda p, i: None, lambda p: p.b.inbound
    ),
    "v1 send from B's sender": BodyProbe(
        "v1",
        "POST",
        lambda _: "/v1/sms",
        lambda p, i: {"sms_sender_id": i, "content": "Hi", "recipient": "+447700900123"},
        lambda p: p.b.sender,
    ),
}


@pytest.mark.parametrize("name", list(BODY_PROBES))
def test_another_tenants_id_in_a_body_or_query_answers_as_an_unknown_id(
    api: InProcessApi, pair: Pair, name: str
) -> None:
    probe = BODY_PROBES[name]
    foreign, unknown = probe.foreign(pair), str(uuid.uuid4())
    replies = [
        call(api, probe.dialect, pair.a, probe.method, probe.path(i), probe.body(pair, i)) for i in (foreign, unknown)
    ]
    assert answer(replies[0], [foreign]) == answer(replies[1], [unknown])
    if probe.method == "POST":
        assert replies[0].status in (400, 404), replies[0].body
    else:
        listed = replies[0].json()
        assert all(not items for key, items in listed.items() if key != "links"), listed  # an empty page


# ------------------------------------------------------------------------------------------------------ lists


LISTS: dict[str, tuple[str, str, Callable[[Any], list[str]], Callable[[Tenant], str]]] = {
    "v2 notifications": (
        "v2",
        "/v2/notifications",
        lambda r: [n["id"] for n in r["notifications"]],
        lambda t: t.notification,
    ),
    "v2 templates": ("v2", "/v2/templates", lambda r: [t["id"] for t in r["templates"]], lambda t: t.sms_template),
    "v2 received texts": (
        "v2",
        "/v2/received-text-messages",
        lambda r: [m["id"] for m in r["received_text_messages"]],
        lambda t: t.inbound,
    ),
    "v1 sms": (
        "v1",
        "/v1/sms?pageSize=100",
        lambda r: [s["uuid"] for s in r["data"]["paginated_data"]],
        lambda t: t.sms,
    ),
    "v1 senders": (
        "v1",
        "/v1/user-sms-senders?pageSize=100",
        lambda r: [s["uuid"] for s in r["data"]["paginated_data"]],
        lambda t: t.sender,
    ),
    "admin opt-outs": (
        "admin",
        "/admin/services/{service_id}/opt-outs",
        lambda r: [o["number"] for o in r["data"]],
        lambda t: t.opted_out,
    ),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_lists_never_show_the_other_tenant(api: InProcessApi, pair: Pair, name: str) -> None:
    dialect, path, ids_of, item_of = LISTS[name]
    reply = call(api, dialect, pair.a, "GET", path.replace("{service_id}", pair.a.service_id))
    assert reply.status == 200, reply.body
    listed = ids_of(reply.json())
    assert item_of(pair.a) in listed  # the list works: A's own item is there
    assert item_of(pair.b) not in listed


def test_a_service_shows_none_of_the_other_tenants_keys_tokens_or_numbers(api: InProcessApi, pair: Pair) -> None:
    shown = api.admin("GET", f"/admin/services/{pair.a.service_id}").json()["data"]
    assert [k["id"] for k in shown["api_keys"]] == [pair.a.key_id]
    assert [t["id"] for t in shown["access_tokens"]] == [pair.a.token_id]
    assert shown["opt_outs"] == [pair.a.opted_out]
    assert pair.b.key_id not in str(shown) and pair.b.token_id not in str(shown)
