"""POST /admin/services/{service_id}/access-tokens: a bearer token for the /v1 dialect."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.admin.requests import CreateAccessToken, NoFields, parse_body
from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import access_token_json, data
from tidings.api.entry import http_entry
from tidings.domain.access_tokens import issue_access_token, revoke_access_token
from tidings.domain.service_admin import load_bundle
from tidings.wiring import deps

app = admin_resolver()


@app.post("/admin/services/<service_id>/access-tokens")
def post_access_token(service_id: str) -> Response[dict[str, Any]]:
    request = parse_body(app, CreateAccessToken)
    d = deps()
    issued = issue_access_token(
        services=d.services,
        senders=d.senders,
        clock=d.clock,
        bundle=load_bundle(d.services, service_id),
        name=request.name,
        expires_at=request.expires_at,
        allowed_ips=request.allowed_ips,
        sms_sender_ids=request.sms_sender_ids,
    )
    body = access_token_json(issued.record) | {"token": issued.token}
    return Response(201, content_types.APPLICATION_JSON, data(body))


@app.post("/admin/services/<service_id>/access-tokens/<token_id>/revoke")
def post_revoke(service_id: str, token_id: str) -> dict[str, Any]:
    parse_body(app, NoFields)
    d = deps()
    revoked = revoke_access_token(d.services, load_bundle(d.services, service_id), token_id, d.clock.now())
    return data(access_token_json(revoked))


lambda_handler = http_entry(app)
