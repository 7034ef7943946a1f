"""POST /admin/services/{service_id}/api-keys and .../api-keys/{key_id}/revoke."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.admin.requests import CreateApiKey, NoFields, parse_body
from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import api_key_json, data
from tidings.api.entry import http_entry
from tidings.domain.service_admin import create_api_key, revoke_api_key
from tidings.wiring import deps

app = admin_resolver()


@app.post("/admin/services/<service_id>/api-keys")
def post_api_key(service_id: str) -> Response[dict[str, Any]]:
    request = parse_body(app, CreateApiKey)
    new = create_api_key(deps().services, deps().clock, service_id, request.name, request.key_type)
    body = {"id": new.key.id, "name": new.key.name, "key_type": new.key.key_type, "key": new.combined}
    return Response(201, content_types.APPLICATION_JSON, data(body))


@app.post("/admin/services/<service_id>/api-keys/<key_id>/revoke")
def post_revoke(service_id: str, key_id: str) -> dict[str, Any]:
    parse_body(app, NoFields)
    return data(api_key_json(revoke_api_key(deps().services, deps().clock, service_id, key_id)))


lambda_handler = http_entry(app)
