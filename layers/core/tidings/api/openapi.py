"""The OpenAPI 3.1 document of every route (/v2, /v1, a file's link and /admin), built from the schemas the code
validates with and the models it answers with, so the reference cannot drift from the behaviour."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from tidings import __version__
from tidings.api.admin import answers as admin_answers
from tidings.api.admin import requests as admin
from tidings.api.notifea_v1 import views as v1
from tidings.api.notifea_v1.requests import PageQuery, PriceQuery, SenderCreate, SenderUpdate, SmsCreate, SmsQuery
from tidings.api.notifea_v1.routes import V1_ROUTES
from tidings.api.notify_v2 import answers
from tidings.api.notify_v2.notification_views import (
    EMAIL_REQUEST,
    LETTER_REQUEST,
    LIST_QUERY,
    PRECOMPILED_REQUEST,
    SMS_REQUEST,
)
from tidings.api.notify_v2.received_texts_query import RECEIVED_QUERY
from tidings.api.notify_v2.template_views import LIST_QUERY as TEMPLATE_LIST_QUERY
from tidings.api.notify_v2.template_views import PREVIEW_REQUEST
from tidings.domain.template_queries import MAX_VERSION

REF = "#/components/schemas/{model}"
V2_ERROR = {
    "type": "object",
    "required": ["status_code", "errors"],
    "properties": {
        "status_code": {"type": "integer"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["error", "message"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
LEGACY_ERROR = {  # /v2's answer to a URL no route matches (a version that is not digits): Flask's, as Notify's
    "type": "object",
    "required": ["result", "message"],
    "properties": {"result": {"const": "error"}, "message": {"type": "string"}},
}
OBJECT = {"type": "object"}
HTML = "text/html"
# What /v2 checks in its path: a malformed id is a 400 and a version must be digits (Notify's route), so the
# document says so. /v1's {uuid} stays any string: an id that is no UUID is simply not found (404).
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "notification_id": {"type": "string", "format": "uuid"},
    "template_id": {"type": "string", "format": "uuid"},
    "version": {"type": "integer", "minimum": 0, "maximum": MAX_VERSION},
}


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    security: str | None
    ok_status: str = "200"
    body: dict[str, Any] | None = None
    query: dict[str, Any] | None = None
    ok: dict[str, Any] = field(default_factory=lambda: OBJECT)
    error: dict[str, Any] = field(default_factory=lambda: V2_ERROR)
    ok_content_type: str = "application/json"
    other_ok_content: dict[str, Any] = field(default_factory=dict)  # more media types the success may have
    error_content_type: str = "application/json"
    body_content_type: str = "application/json"
    body_required: bool = True


def openapi_document(server_url: str = "/") -> dict[str, Any]:
    components: dict[str, Any] = {"V2Error": V2_ERROR}
    paths: dict[str, Any] = {}
    operations = [
        *_v2_operations(),
        *_v1_operations(components),
        *_download_operations(),
        *_admin_operations(components),
    ]
    for operation in operations:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tidings",
            "version": __version__,
            "description": "GOV.UK Notify's v2 API and Notifea's v1 SMS API over one backend, and its /admin API.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "notify": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT (HS256, iss + iat, API key secret)",
                },
                "access_token": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (a /v1 access token)"},
                "admin": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (HS256, iss tidings-admin + iat)"},
            },
        },
    }


def _v2_operations() -> list[Operation]:
    def v2(method: str, path: str, summary: str, **kwargs: Any) -> Operation:
        return Operation(method, path, summary, "notify", error={"anyOf": [V2_ERROR, LEGACY_ERROR]}, **kwargs)

    return [
        v2(
            "POST",
            "/v2/notifications/sms",
            "Send a text message",
            ok_status="201",
            body=_clean(SMS_REQUEST.schema),
            ok=answers.SENT,
        ),
        v2(
            "POST",
            "/v2/notifications/email",
            "Send an email",
            ok_status="201",
            body=_clean(EMAIL_REQUEST.schema),
            ok=answers.SENT,
        ),
        v2(
            "POST",
            "/v2/notifications/letter",
            "Send a letter: from a template, or a precompiled PDF (a body with `content`)",
            ok_status="201",
            body={"oneOf": [_clean(LETTER_REQUEST.schema), _clean(PRECOMPILED_REQUEST.schema)]},
            ok={"anyOf": [answers.SENT, answers.SENT_PRECOMPILED]},
        ),
        v2("GET", "/v2/notifications/{notification_id}", "Get a notification by id", ok=answers.NOTIFICATION),
        v2(
            "GET",
            "/v2/notifications/{notification_id}/pdf",
            "Get a letter's PDF",
            ok={"type": "string", "format": "binary"},
            ok_content_type="application/pdf",
        ),
        v2(
            "GET",
            "/v2/notifications",
            "List notifications, newest first",
            query=_clean(LIST_QUERY.schema),
            ok=answers.NOTIFICATIONS,
        ),
        v2("GET", "/v2/template/{template_id}", "Get a template (latest version)", ok=answers.TEMPLATE),
        v2("GET", "/v2/template/{template_id}/version/{version}", "Get a version of a template", ok=answers.TEMPLATE),
        v2("GET", "/v2/templates", "List templates", query=_clean(TEMPLATE_LIST_QUERY.schema), ok=answers.TEMPLATES),
        v2(
            "GET",
            "/v2/received-text-messages",
            "List received text messages",
            query=_clean(RECEIVED_QUERY.schema),
            ok=answers.RECEIVED_TEXTS,
        ),
        v2(
            "POST",
            "/v2/template/{template_id}/preview",
            "Preview a template",
            body={**_clean(PREVIEW_REQUEST.schema), "required": []},
            ok=answers.PREVIEW,
        ),
    ]


def _ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    """`model`'s schema among the components (the models it nests too), and a reference to it."""
    name = _component_name(model)
    schema = model.model_json_schema(ref_template=REF, by_alias=True)
    components.update(schema.pop("$defs", {}))
    components[name] = schema
    return {"$ref": REF.format(model=name)}


def _component_name(model: type[BaseModel]) -> str:
    return re.sub(r"\W+", "_", model.__name__).strip("_")  # generic models' names hold brackets


def _v1_operations(components: dict[str, Any]) -> list[Operation]:
    def ref(model: type[BaseModel]) -> dict[str, Any]:
        return _ref(model, components)

    error = ref(v1.Error)
    summaries: dict[tuple[str, str], tuple[str, str | None, type[BaseModel] | None, type[BaseModel]]] = {
        ("GET", "/"): ("Status", None, None, v1.Ok[v1.Status]),
        ("GET", "/v1"): ("Status", None, None, v1.Ok[v1.Status]),
        ("GET", "/v1/prices/{type}"): (
            "Price of one SMS: a country's, or the highest",
            None,
            PriceQuery,
            v1.Ok[v1.Price],
        ),
        ("GET", "/v1/prices/sms/supported-countries"): (
            "Countries SMS can be sent to",
            None,
            None,
            v1.Ok[v1.Countries],
        ),
        ("GET", "/v1/sms"): ("List SMS, newest first", "access_token", PageQuery, v1.Ok[v1.Paginated[v1.V1Sms]]),
        ("POST", "/v1/sms"): ("Send an SMS", "access_token", SmsCreate, v1.Ok[v1.V1Sms]),
        ("GET", "/v1/sms/{uuid}"): ("Get an SMS", "access_token", None, v1.Ok[v1.V1Sms]),
        ("DELETE", "/v1/sms/{uuid}"): ("Delete a stored SMS", "access_token", None, v1.Ok[list[str]]),
        ("GET", "/v1/user-sms-senders"): ("List senders", "access_token", PageQuery, v1.Ok[v1.Paginated[v1.V1Sender]]),
        ("POST", "/v1/user-sms-senders"): ("Create a sender", "access_token", SenderCreate, v1.Ok[v1.V1Sender]),
        ("GET", "/v1/user-sms-senders/{uuid}"): ("Get a sender", "access_token", None, v1.Ok[v1.V1Sender]),
        ("PUT", "/v1/user-sms-senders/{uuid}"): ("Update a sender", "access_token", SenderUpdate, v1.Ok[v1.V1Sender]),
        ("DELETE", "/v1/user-sms-senders/{uuid}"): ("Delete a sender", "access_token", None, v1.Ok[list[str]]),
    }
    # A GET's request model is its query; a route with a body may take query parameters too (functions/v1_sms
    # parses SmsQuery beside the body).
    queries_beside_a_body: dict[tuple[str, str], type[BaseModel]] = {("POST", "/v1/sms"): SmsQuery}
    operations = []
    for method, path in V1_ROUTES:
        summary, security, request, response = summaries[(method, path)]
        body = ref(request) if request is not None and method != "GET" else None
        query_model = request if method == "GET" else queries_beside_a_body.get((method, path))
        query = query_model.model_json_schema() if query_model is not None else None
        operations.append(
            Operation(method, path, summary, security, body=body, query=query, ok=ref(response), error=error)
        )
    return operations


def _download_operations() -> list[Operation]:
    """The link a file sent by email carries: pages for people (HTML, errors included), then the file."""
    page = {"type": "string"}
    # The file goes with the type it was sent as (PDF, CSV, text, an image, ...): any type.
    file = {"*/*": {"schema": {"type": "string", "format": "binary"}}}
    common: dict[str, Any] = {"ok": page, "error": page, "ok_content_type": HTML, "error_content_type": HTML}
    link = {"key": {"type": "string"}}
    return [
        Operation(
            "GET",
            "/d/{service_id}/{file_id}",
            "A file sent by email: the page asking for the recipient's address, or (none asked) the file",
            None,
            query={"type": "object", "properties": {**link, "download": {"type": "string", "enum": ["1"]}}},
            other_ok_content=file,
            **common,
        ),
        Operation(
            "POST",
            "/d/{service_id}/{file_id}",
            "Confirm the recipient's address and download the file",
            None,
            query={"type": "object", "properties": link},
            body={"type": "object", "properties": {"email_address": {"type": "string"}}},
            body_content_type="application/x-www-form-urlencoded",
            ok=file["*/*"]["schema"],
            ok_content_type="*/*",
            error=page,
            error_content_type=HTML,
        ),
    ]


def _admin_operations(components: dict[str, Any]) -> list[Operation]:
    """Service management; successes are `{"data": {...}}`, errors the v2 envelope."""

    def route(
        method: str,
        path: str,
        summary: str,
        answer: dict[str, Any],
        *,
        body: type[BaseModel] | None = None,
        created: bool = False,
    ) -> Operation:
        schema = _ref(body, components) if body is not None else None
        if body is not None:
            _refuse_null(components, body)
        status = "201" if created else "200"
        # No body reads as `{}`: an update changes nothing, a create names the fields it misses.
        return Operation(
            method,
            f"/admin/services{path}",
            summary,
            "admin",
            status,
            schema,
            ok=admin_answers.data(answer),
            body_required=False,
        )

    a = admin_answers
    return [
        route("POST", "", "Create a service", a.SERVICE, body=admin.CreateService, created=True),
        route("GET", "/{service_id}", "A service with its keys (no secrets), lists, callbacks and tokens", a.BUNDLE),
        route("POST", "/{service_id}", "Change a service's settings (partial)", a.SERVICE, body=admin.UpdateService),
        route(
            "POST",
            "/{service_id}/api-keys",
            "Create an API key (its secret is shown only here)",
            a.NEW_API_KEY,
            body=admin.CreateApiKey,
            created=True,
        ),
        route("POST", "/{service_id}/api-keys/{key_id}/revoke", "Revoke an API key", a.API_KEY),
        route(
            "POST",
            "/{service_id}/templates",
            "Create a template",
            answers.TEMPLATE,
            body=admin.CreateTemplate,
            created=True,
        ),
        route(
            "POST",
            "/{service_id}/templates/{template_id}",
            "Edit a template",
            answers.TEMPLATE,
            body=admin.UpdateTemplate,
        ),
        route(
            "POST",
            "/{service_id}/guest-list",
            "Replace the team and guest list",
            a.GUEST_LIST,
            body=admin.ReplaceGuestList,
        ),
        route(
            "POST",
            "/{service_id}/sms-senders",
            "Add an SMS sender",
            a.SMS_SENDER,
            body=admin.CreateSmsSender,
            created=True,
        ),
        route(
            "POST",
            "/{service_id}/email-reply-to",
            "Add a reply-to address",
            a.REPLY_TO,
            body=admin.CreateReplyTo,
            created=True,
        ),
        route(
            "POST",
            "/{service_id}/callbacks",
            "Set a callback (one per type)",
            a.CALLBACK,
            body=admin.CreateCallback,
            created=True,
        ),
        route(
            "POST",
            "/{service_id}/access-tokens",
            "Issue a /v1 access token (shown only here)",
            a.NEW_ACCESS_TOKEN,
            body=admin.CreateAccessToken,
            created=True,
        ),
        route("POST", "/{service_id}/access-tokens/{token_id}/revoke", "Revoke a /v1 access token", a.ACCESS_TOKEN),
        route(
            "POST",
            "/{service_id}/inbound-numbers",
            "Give the service an inbound number",
            a.INBOUND_NUMBER,
            body=admin.CreateInboundNumber,
            created=True,
        ),
        route(
            "GET",
            "/{service_id}/notifications/{notification_id}",
            "A notification, as support sees it",
            a.SUPPORT_NOTIFICATION,
        ),
        route("GET", "/{service_id}/opt-outs", "Numbers that replied STOP", a.OPT_OUTS),
        route("DELETE", "/{service_id}/opt-outs/{number}", "Opt a number back in", a.OPTED_BACK_IN),
    ]


def _refuse_null(components: dict[str, Any], model: type[BaseModel]) -> None:
    """Admin bodies refuse null (bar the fields it empties): an optional field is one to leave out, so its schema
    loses pydantic's null branch and null default, here and in the models it nests."""
    if not (isinstance(model, type) and issubclass(model, admin.AdminRequest)):
        return
    schema = components[_component_name(model)]
    for name, field_schema in schema.get("properties", {}).items():
        if name in model.NULL_CLEARS:
            continue
        branches = [b for b in field_schema.get("anyOf", []) if b != {"type": "null"}]
        if "anyOf" in field_schema and len(branches) == 1:
            field_schema.pop("anyOf")
            field_schema.update(branches[0])
        if field_schema.get("default", ...) is None:
            field_schema.pop("default")
    for info in model.model_fields.values():
        for nested in (a for a in getattr(info.annotation, "__args__", (info.annotation,)) if isinstance(a, type)):
            _refuse_null(components, nested)


def _operation(operation: Operation) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": PATH_PARAMETERS.get(name, {"type": "string"})}
        for name in _path_names(operation.path)
    ]
    for name, schema in (operation.query or {}).get("properties", {}).items():
        parameters.append({"name": name, "in": "query", "required": False, "schema": schema})
    result: dict[str, Any] = {
        "summary": operation.summary,
        "operationId": operation.method.lower() + re.sub(r"[{}]", "", operation.path.replace("/", "_")),
        "parameters": parameters,
        "responses": {
            operation.ok_status: {
                "description": "Success",
                "content": {operation.ok_content_type: {"schema": operation.ok}, **operation.other_ok_content},
            },
            "default": {
                "description": "An error, in the dialect's envelope",
                "content": {operation.error_content_type: {"schema": operation.error}},
            },
        },
    }
    if operation.security:
        result["security"] = [{operation.security: []}]
    if operation.body is not None:
        content = {operation.body_content_type: {"schema": operation.body}}
        result["requestBody"] = {"required": operation.body_required, "content": content}
    return result


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _clean(schema: dict[str, Any]) -> dict[str, Any]:
    """Our validation-only keyword (`validationMessage`) is not part of JSON Schema: leave it out."""
    cleaned = copy.deepcopy(schema)

    def strip(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("validationMessage", None)
            for value in node.values():
                strip(value)
        elif isinstance(node, list):
            for value in node:
                strip(value)

    strip(cleaned)
    return cleaned
